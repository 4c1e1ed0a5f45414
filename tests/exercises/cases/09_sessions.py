"""Exercise 9: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "09_sessions"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "a list of visits, session.modified and session.clear": """
        import secrets
        from flask import Flask, session

        app = Flask(__name__)
        app.config["SECRET_KEY"] = secrets.token_hex()

        @app.get("/visit")
        def visit():
            session.setdefault("seen", [])
            session["seen"].append(1)
            session.modified = True  # an in-place change is not noticed by itself
            return "Visits: %d" % len(session["seen"])

        @app.get("/reset")
        def reset():
            session.clear()
            return "Reset"
    """,
    "a permanent session and add_url_rule": """
        from flask import Flask, session

        app = Flask(__name__)
        app.secret_key = b"\\x8a\\x01 bytes work too"

        def visit():
            session.permanent = True
            count = session["n"] + 1 if "n" in session else 1
            session["n"] = count
            return f"Visits: {count}"

        def reset():
            session["n"] = 0
            return "Reset"

        app.add_url_rule("/visit", view_func=visit)
        app.add_url_rule("/reset", view_func=reset)
    """,
}


MISTAKES = {
    "a plain cookie and no secret key": (
        """
        from flask import Flask, make_response, request

        app = Flask(__name__)

        @app.route("/visit")
        def visit():
            count = int(request.cookies.get("visits", "0")) + 1
            response = make_response(f"Visits: {count}")
            response.set_cookie("visits", str(count))
            return response

        @app.route("/reset")
        def reset():
            response = make_response("Reset")
            response.delete_cookie("visits")
            return response
        """,
        {"secret_key"},
    ),
    "a module-level counter": (
        """
        from flask import Flask

        app = Flask(__name__)
        app.secret_key = "dev"
        visits = 0

        @app.route("/visit")
        def visit():
            global visits
            visits += 1
            return f"Visits: {visits}"

        @app.route("/reset")
        def reset():
            global visits
            visits = 0
            return "Reset"
        """,
        {"clients_independent"},
    ),
    "reset to one": (SOLUTION.replace('session.pop("visits", None)', 'session["visits"] = 1'), {"reset"}),
    "reset says something else": (SOLUTION.replace('return "Reset"', 'return "Session cleared"'), {"reset"}),
    "a list changed in place": (
        SOLUTION.replace(
            'session["visits"] = session.get("visits", 0) + 1\n    return f"Visits: {session[\'visits\']}"',
            'session.setdefault("seen", []).append(1)\n    return f"Visits: {len(session[\'seen\'])}"',
        ).replace('session.pop("visits", None)', 'session.pop("seen", None)'),
        {"counts_visits", "clients_independent"},
    ),
}


EXPLAINED = {
    "a module-level counter": (
        "clients_independent",
        [
            "1. client A: GET /visit → 200 OK, body 'Visits: 1'\n",
            "2. client B: GET /visit\n",
            "expected: 'Visits: 1'",
            "order=[0, 1]",
        ],
    ),
}
