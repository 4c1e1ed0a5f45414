"""Exercise 10: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "10_request_hooks"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "a state dict, abort with a response, teardown_appcontext": """
        from html import escape
        from flask import Flask, abort, make_response, request

        app = Flask(__name__)
        state = {"first": None, "done": 0}

        @app.before_request
        def hooks():
            state["first"] = state["first"] or request.path
            if request.path.startswith("/admin") and request.headers.get("X-Token", "") != "letmein":
                abort(make_response("Unauthorized", 401))

        @app.after_request
        def brand(response):
            response.headers.setdefault("X-App", "flask-exercises")
            return response

        @app.teardown_appcontext
        def count(error=None):
            state["done"] += 1

        @app.get("/admin")
        def admin():
            return "Welcome, admin"

        @app.get("/first-seen")
        def first_seen():
            return escape(state["first"])

        @app.get("/teardown-count")
        def teardown_count():
            return f"{state['done']}"

        @app.get("/boom")
        def boom():
            return 1 / 0
    """,
    "hooks registered without decorators, a list as the counter": """
        from flask import Flask, Response, request
        from markupsafe import escape

        app = Flask(__name__)
        finished = []
        seen = []

        def first_request_setup():
            if not seen:
                seen.append(request.path)

        def only_admins():
            if request.path.split("/")[1] == "admin" and request.headers.get("X-Token") != "letmein":
                return Response("Unauthorized", status=401)
            return None

        def label(response):
            response.headers["X-App"] = "flask-exercises"
            return response

        def finished_one(exception):
            finished.append(exception)

        app.before_request(first_request_setup)
        app.before_request(only_admins)
        app.after_request(label)
        app.teardown_request(finished_one)

        app.add_url_rule("/admin", "admin", lambda: "Welcome, admin")
        app.add_url_rule("/first-seen", "first_seen", lambda: escape(seen[0]))
        app.add_url_rule("/teardown-count", "count", lambda: str(len(finished)))

        @app.route("/boom")
        def boom():
            raise ValueError("boom")
    """,
}


MISTAKES = {
    "token checked in the view only": (
        SOLUTION.replace('            return "Unauthorized", 401\n', "            pass\n").replace(
            'def admin():\n    return "Welcome, admin"',
            'def admin():\n    if request.headers.get("X-Token") != "letmein":\n        return "Unauthorized", 401\n    return "Welcome, admin"',
        ),
        {"admin_subpaths"},
    ),
    "abort(401) answers an HTML page": (
        SOLUTION.replace('return "Unauthorized", 401', "abort(401)").replace(
            "from flask import Flask,", "from flask import Flask, abort,"
        ),
        {"admin_needs_token"},
    ),
    "header added in the views only": (
        SOLUTION.replace("@app.after_request\n", "")
        .replace('    return "Welcome, admin"', '    return add_app_header(make_response("Welcome, admin"))')
        .replace("from flask import Flask,", "from flask import Flask, make_response,"),
        {"x_app_header"},
    ),
    "the last path instead of the first": (
        SOLUTION.replace("    if first_path is None:\n        first_path", "    first_path"),
        {"first_seen"},
    ),
    "the first path not escaped": (
        SOLUTION.replace("    return escape(first_path)", "    return first_path"),
        {"first_seen"},
    ),
    "counted in after_request": (
        SOLUTION.replace(
            "@app.teardown_request\ndef count_request(exception):\n    global torn_down\n    torn_down += 1",
            "@app.after_request\ndef count_request(response):\n    global torn_down\n    torn_down += 1\n    return response",
        ),
        {"teardown_hook"},
    ),
    "failed requests not counted": (
        SOLUTION.replace(
            "    global torn_down\n    torn_down += 1",
            "    global torn_down\n    if exception is None:\n        torn_down += 1",
        ),
        {"boom_torn_down"},
    ),
}


EXPLAINED = {
    "header added in the views only": ("x_app_header", ["answered without a X-App header", "sent=("]),
    "the first path not escaped": (
        "first_seen",
        ["without HTML-escaping it", "/welcome/café &lt;au&gt; lait &amp; co"],
    ),
}
