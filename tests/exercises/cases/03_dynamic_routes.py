"""Exercise 3: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

EXERCISE = "03_dynamic_routes"


ALTERNATIVES = {
    "html.escape and add_url_rule": """
        import html
        from flask import Flask
        app = Flask(__name__)

        def user(name):
            return "<h1>Hello, " + html.escape(name) + "!</h1>"

        app.add_url_rule("/user/<name>", view_func=user)
    """,
    "string converter and Markup formatting": """
        from flask import Flask
        from markupsafe import Markup
        app = Flask(__name__)

        @app.get("/user/<string:name>")
        def greet(name):
            return Markup("<h1>Hello, {}!</h1>").format(name)
    """,
    "render_template_string": """
        from flask import Flask, render_template_string
        app = Flask(__name__)

        @app.route("/user/<name>")
        def user(name):
            return render_template_string("<h1>Hello, {{ name }}!</h1>", name=name)
    """,
}


MISTAKES = {
    "not escaped": (
        'from flask import Flask\napp = Flask(__name__)\n@app.route("/user/<name>")\n'
        'def user(name):\n    return f"<h1>Hello, {name}!</h1>"\n',
        {"escapes_html"},
    ),
    "no exclamation mark": (
        'from flask import Flask\nfrom markupsafe import escape\napp = Flask(__name__)\n@app.route("/user/<name>")\n'
        'def user(name):\n    return f"<h1>Hello, {escape(name)}</h1>"\n',
        {"greets", "any_name", "escapes_html"},
    ),
    "path converter": (
        'from flask import Flask\nfrom markupsafe import escape\napp = Flask(__name__)\n@app.route("/user/<path:name>")\n'
        'def user(name):\n    return f"<h1>Hello, {escape(name)}!</h1>"\n',
        {"one_segment_only"},
    ),
    "name capitalised": (
        'from flask import Flask\nfrom markupsafe import escape\napp = Flask(__name__)\n@app.route("/user/<name>")\n'
        'def user(name):\n    return f"<h1>Hello, {escape(name.capitalize())}!</h1>"\n',
        {"greets", "any_name", "escapes_html"},
    ),
}
