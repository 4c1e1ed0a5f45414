"""Exercise 13: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "13_errors"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "get(), exception classes and register_error_handler": """
        from flask import Flask, abort, jsonify, make_response
        from werkzeug.exceptions import InternalServerError, NotFound
        app = Flask(__name__)
        USERS = {1: "alice", 2: "bob"}

        @app.get("/users/<int:user_id>")
        def user(user_id):
            name = USERS.get(user_id)
            if name is None:
                abort(404)
            return name

        @app.get("/admin")
        def admin():
            abort(403, description="Admins only")

        def not_found(error):
            return make_response(jsonify(error="not found"), 404)

        app.register_error_handler(NotFound, not_found)

        @app.errorhandler(InternalServerError)
        def server_error(error):
            return make_response("Something went wrong", 500)

        @app.route("/crash")
        def crash():
            raise RuntimeError("boom")
    """,
    "abort inside except KeyError, and a JSON 403": """
        from flask import Flask, Response, abort
        app = Flask(__name__)
        USERS = {1: "alice", 2: "bob"}

        @app.route("/users/<int:user_id>")
        def user(user_id):
            try:
                return USERS[user_id]
            except KeyError:
                abort(404)

        @app.route("/admin")
        def admin():
            return {"error": "forbidden"}, 403

        @app.errorhandler(404)
        def not_found(error):
            return {"error": "not found"}, "404 NOT FOUND"

        @app.errorhandler(500)
        def server_error(error):
            return Response("Something went wrong", status=500, mimetype="text/plain")

        @app.route("/crash")
        def crash():
            return 1 / 0
    """,
}


NO_CHECK = SOLUTION.replace("    if user_id not in USERS:\n        abort(404)\n", "")


SWALLOWED = SOLUTION.replace(
    "    if user_id not in USERS:\n        abort(404)\n    return USERS[user_id]",
    "    try:\n        if user_id not in USERS:\n            abort(404)\n        return USERS[user_id]\n"
    "    except Exception:\n        return 'Something went wrong', 500",
)


MISTAKES = {
    "abort swallowed by try/except": (SWALLOWED, {"missing_user"}),
    "404 handler without a status": (
        SOLUTION.replace('return {"error": "not found"}, 404', 'return {"error": "not found"}'),
        {"missing_user", "unknown_url"},
    ),
    "JSON answered in the view, no handler": (
        SOLUTION.replace("        abort(404)", '        return {"error": "not found"}, 404').replace(
            "@app.errorhandler(404)\n", ""
        ),
        {"unknown_url"},
    ),
    "500 handler without a status": (
        SOLUTION.replace('return "Something went wrong", 500', 'return "Something went wrong"'),
        {"crash"},
    ),
    "handler for every exception": (
        SOLUTION.replace("@app.errorhandler(500)", "@app.errorhandler(Exception)"),
        {"admin_forbidden"},
    ),
}
