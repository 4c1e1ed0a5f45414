"""Exercise 10: correct alternatives get full marks; each typical mistake fails its check."""

from tests.exercises.cases import exercise_tests
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


# What the learner reads for some mistakes: the failing check, and fragments of its feedback.
EXPLAINED = {
    "header added in the views only": ("x_app_header", ["answered without a X-App header", "sent=("]),
    "the first path not escaped": (
        "first_seen",
        ["without HTML-escaping it", "/welcome/café &lt;au&gt; lait &amp; co"],
    ),
}


test_correct_alternatives_get_full_marks, test_typical_mistakes_lose_points_on_the_right_check = exercise_tests(
    EXERCISE, ALTERNATIVES, MISTAKES, EXPLAINED
)


def test_before_first_request_gets_the_traceback_and_the_replacement(grade_files):
    source = SOLUTION.replace(
        "@app.before_request\ndef remember_first_path", "@app.before_first_request\ndef remember_first_path"
    )
    exercise = grade_files({f"{EXERCISE}/app.py": source}).exercises[0]
    assert exercise.score == 0 and exercise.status == "error"
    assert "AttributeError" in exercise.message and "before_first_request" in exercise.message
    check = next(c for c in exercise.checks if c.name == "first_seen")
    assert "removed in Flask 2.3" in check.hint
