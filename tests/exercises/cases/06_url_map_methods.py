"""Exercise 6: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "06_url_map_methods"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "one view per method, html.escape, a tuple with headers": """
        import html
        from flask import Flask, request, url_for

        app = Flask(__name__)

        @app.get("/contact")
        def contact_form():
            return "<FORM Method='POST'><input name=name><input type=submit></FORM>"

        @app.post("/contact")
        def contact_send():
            return "Thanks, " + html.escape(request.form.get("name", "")) + "!"

        @app.get("/ping")
        def ping():
            return "pong"

        @app.get("/routes")
        def routes():
            texts = sorted(dict.fromkeys(str(rule) for rule in app.url_map.iter_rules()))
            return "\\n".join(texts), 200, {"Content-Type": "text/plain; charset=utf-8"}

        @app.get("/static-url")
        def static_url():
            return url_for("static", filename="hello.txt")
    """,
    "MethodView and add_url_rule": """
        from flask import Flask, make_response, request, url_for
        from flask.views import MethodView
        from markupsafe import Markup

        app = Flask(__name__)

        class Contact(MethodView):
            def get(self):
                return '<p>Write to us</p><form action="" method="post" class="contact"><input name="name"></form>'

            def post(self):
                return Markup("Thanks, {}!").format(request.form["name"])

        app.add_url_rule("/contact", view_func=Contact.as_view("contact"))
        app.add_url_rule("/ping", "ping", lambda: "pong")

        def routes():
            response = make_response("".join(f"{text}\\n" for text in sorted({r.rule for r in app.url_map.iter_rules()})))
            response.mimetype = "text/plain"
            return response

        app.add_url_rule("/routes", view_func=routes)
        app.add_url_rule("/static-url", view_func=lambda: url_for("static", filename="hello.txt"), endpoint="static_url")
    """,
}


SEPARATE_VIEWS = """
from flask import Flask, Response, request, url_for
from markupsafe import escape

app = Flask(__name__)

@app.get("/contact")
def contact_form():
    return '<form method="post"><input name="name"></form>'

@app.post("/contact")
def contact_send():
    return f"Thanks, {escape(request.form['name'])}!"

@app.route("/ping")
def ping():
    return "pong"

@app.route("/static-url")
def static_url():
    return url_for("static", filename="hello.txt")
"""


MISTAKES = {
    "a rule text listed twice": (
        SEPARATE_VIEWS
        + '@app.route("/routes")\ndef routes():\n'
        + '    return Response("\\n".join(sorted(r.rule for r in app.url_map.iter_rules())), mimetype="text/plain")\n',
        {"routes"},
    ),
    "routes sent as HTML": (SOLUTION.replace(', mimetype="text/plain"', ""), {"routes"}),
    "static rule left out": (
        SOLUTION.replace(
            "for rule in app.url_map.iter_rules()}",
            'for rule in app.url_map.iter_rules() if rule.endpoint != "static"}',
        ),
        {"routes"},
    ),
    "ping accepts POST": (
        SOLUTION.replace('@app.route("/ping")', '@app.route("/ping", methods=["GET", "POST"])'),
        {"ping_get_only"},
    ),
    "contact accepts PUT": (
        SOLUTION.replace('methods=["GET", "POST"]', 'methods=["GET", "POST", "PUT"]'),
        {"put_not_allowed"},
    ),
    "name not escaped": (
        SOLUTION.replace("{escape(request.form['name'])}", "{request.form['name']}"),
        {"thanks_escaped"},
    ),
    "form without a method": (SOLUTION.replace(' method="post"', ""), {"contact_form"}),
    "external static URL": (
        SOLUTION.replace('filename="hello.txt")', 'filename="hello.txt", _external=True)'),
        {"static_url"},
    ),
}


EXPLAINED = {
    "a rule text listed twice": ("routes", ["lists /contact more than once", "request:  GET /routes"]),
}
