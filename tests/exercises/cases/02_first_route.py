"""Exercise 2: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

EXERCISE = "02_first_route"


ALTERNATIVES = {
    "add_url_rule": """
        from flask import Flask
        app = Flask(__name__)

        def index():
            return "<p>Hello World</p>"

        def about():
            return "<p>About this app</p>"

        app.add_url_rule("/", "index", index)
        app.add_url_rule("/about", view_func=about)
    """,
    "app.get and make_response": """
        from flask import Flask, make_response
        app = Flask(__name__)

        @app.get("/")
        def index():
            return make_response("<p>Hello World</p>", 200)

        @app.get("/about")
        def about():
            return "<p>About this app</p>", 200, {"Content-Type": "text/html; charset=utf-8"}
    """,
}


BASE = """
from flask import Flask
app = Flask(__name__)

@app.route("/about")
def about():
    return "<p>About this app</p>"
"""


MISTAKES = {
    "no <p> around the text": (BASE + '@app.route("/")\ndef index():\n    return "Hello World"\n', {"index"}),
    "view named home": (BASE + '@app.route("/")\ndef home():\n    return "<p>Hello World</p>"\n', {"endpoints"}),
    "POST allowed too": (
        BASE + '@app.route("/", methods=["GET", "POST"])\ndef index():\n    return "<p>Hello World</p>"\n',
        {"post_not_allowed"},
    ),
    "catch-all route": (
        BASE
        + '@app.route("/")\n@app.route("/<path:anything>")\ndef index(anything=None):\n    return "<p>Hello World</p>"\n',
        {"unknown_paths_404"},
    ),
    "automatic OPTIONS turned off": (
        BASE
        + 'def index():\n    return "<p>Hello World</p>"\n'
        + 'app.add_url_rule("/", "index", index, provide_automatic_options=False)\n',
        {"head_and_options"},
    ),
    "about missing": (
        'from flask import Flask\napp = Flask(__name__)\n@app.route("/")\ndef index():\n    return "<p>Hello World</p>"\n',
        {"about", "endpoints"},
    ),
}
