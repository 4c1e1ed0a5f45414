"""Exercise 8: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "08_app_context"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "config.update, g.get, a template for escaping": """
        import flask
        from flask import g, render_template_string, request

        app = flask.Flask(__name__)
        app.config.update(GREETING="Hello")

        def get_greeting():
            return flask.current_app.config.get("GREETING")

        def set_user():
            user = request.headers.get("X-User", "")
            g.user = user if user else "anonymous"

        app.before_request(set_user)

        @app.get("/greeting")
        def greeting():
            return get_greeting()

        @app.get("/app-name")
        def name():
            return flask.current_app.import_name

        @app.get("/whoami")
        def whoami():
            return render_template_string("{{ g.get('user', 'anonymous') }}")
    """,
    "a config class and Markup": """
        from flask import Flask, current_app, g, request
        from markupsafe import Markup

        class Settings:
            GREETING = "Hello"

        app = Flask(__name__)
        app.config.from_object(Settings)

        @app.before_request
        def who():
            g.user = (request.headers.get("X-User") or "").strip() or "anonymous"

        def get_greeting():
            config = current_app.config
            return config["GREETING"]

        app.add_url_rule("/greeting", "greeting", lambda: get_greeting())
        app.add_url_rule("/app-name", "app_name", lambda: current_app.name)
        app.add_url_rule("/whoami", "whoami", lambda: Markup("{}").format(g.user))
    """,
}


MISTAKES = {
    "helper reads the module's app": (
        SOLUTION.replace('return current_app.config["GREETING"]', 'return app.config["GREETING"]'),
        {"get_greeting_current_app"},
    ),
    "helper returns a fixed text": (
        SOLUTION.replace('return current_app.config["GREETING"]', 'return "Hello"'),
        {"get_greeting_current_app"},
    ),
    "app name typed by hand": (SOLUTION.replace("return current_app.name", 'return "app"'), {"app_name"}),
    "an empty header is kept": (
        SOLUTION.replace('request.headers.get("X-User") or "anonymous"', 'request.headers.get("X-User", "anonymous")'),
        {"whoami_anonymous"},
    ),
    "user not escaped": (SOLUTION.replace("return escape(g.user)", "return g.user"), {"whoami_escaped"}),
    "user kept in a module variable": (
        SOLUTION.replace(
            '@app.before_request\ndef load_user():\n    g.user = request.headers.get("X-User") or "anonymous"',
            'current_user = "anonymous"\n\n\n@app.before_request\ndef load_user():\n'
            "    global current_user\n"
            '    if request.headers.get("X-User"):\n'
            '        current_user = request.headers["X-User"]\n'
            "    g.user = current_user",
        ),
        {"g_per_request"},
    ),
    "header read in the view": (
        SOLUTION.replace(
            '@app.before_request\ndef load_user():\n    g.user = request.headers.get("X-User") or "anonymous"',
            "",
        ).replace("def whoami():\n", 'def whoami():\n    g.user = request.headers.get("X-User") or "anonymous"\n'),
        {"before_request_hook"},
    ),
}


EXPLAINED = {
    "user kept in a module variable": (
        "g_per_request",
        [
            "request:  1. GET /whoami (X-User: mallory) → 200 OK, body 'mallory'",
            "2. GET /whoami",
            "expected: 'anonymous'",
            "visits=",
        ],
    ),
}
