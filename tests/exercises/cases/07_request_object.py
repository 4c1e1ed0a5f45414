"""Exercise 7: what learners submit, correct and mistaken (see ``cases/__init__.py``)."""

from tests.helpers import solution

EXERCISE = "07_request_object"


SOLUTION = solution(EXERCISE)


ALTERNATIVES = {
    "a JSON 400 handler, request.json, html.escape, jsonify": """
        import html
        from flask import Flask, abort, jsonify, make_response, request

        app = Flask(__name__)

        @app.errorhandler(400)
        def bad_request(error):
            return jsonify(error=error.description), 400

        @app.get("/echo")
        def echo():
            if not request.args.get("msg"):
                abort(400, "msg is required")
            response = make_response(request.args["msg"])
            response.headers["Content-Type"] = "text/plain; charset=utf-8"
            return response

        @app.get("/agent")
        def agent():
            return "Your browser is " + html.escape(request.headers.get("User-Agent", ""))

        @app.route("/sum", methods=["POST"])
        def total():
            data = request.json  # broken JSON -> 400 (our handler); not JSON -> 415
            try:
                numbers = data["numbers"]
            except (KeyError, TypeError):
                abort(400, "numbers is missing")
            if type(numbers) is not list or any(type(n) not in (int, float) for n in numbers):
                abort(400, "numbers must be a list of numbers")
            return jsonify(sum=sum(numbers))

        def method():
            return request.method

        app.add_url_rule("/method", view_func=method, methods=("GET", "POST", "PUT", "DELETE"))
    """,
    "try/except around json.loads, Markup, math.fsum": """
        import json, math
        from flask import Flask, Response, request
        from markupsafe import Markup

        app = Flask(__name__)

        @app.route("/echo")
        def echo():
            msg = request.args.get("msg")
            if msg is None or msg == "":
                return Response("missing msg", status=400, mimetype="text/plain")
            return msg, {"Content-Type": "text/plain"}

        @app.route("/agent")
        def agent():
            return Markup("Your browser is {}").format(request.user_agent)

        def bad(message):
            return {"error": message, "status": 400}, 400

        @app.post("/sum")
        def sum_view():
            if not request.is_json:
                return bad("send JSON")
            try:
                data = json.loads(request.get_data(as_text=True))
            except ValueError:
                return bad("invalid JSON")
            if not isinstance(data, dict) or not isinstance(data.get("numbers"), list):
                return bad("numbers must be a list")
            for n in data["numbers"]:
                if isinstance(n, bool) or not isinstance(n, (int, float)):
                    return bad(f"not a number: {n!r}")
            return {"sum": math.fsum(data["numbers"])}

        @app.route("/method", methods=["GET", "POST", "PUT", "DELETE"])
        def method():
            return request.method
    """,
}


MISTAKES = {
    "an empty msg echoed": (
        SOLUTION.replace(
            'msg = request.args.get("msg", "")\n    if not msg:\n        abort(400)', 'msg = request.args["msg"]'
        ),
        {"echo_needs_msg"},
    ),
    "echo sent as HTML": (SOLUTION.replace('Response(msg, mimetype="text/plain")', "msg"), {"echo_plain_text"}),
    "User-Agent not escaped": (
        SOLUTION.replace("{escape(request.user_agent.string)}", "{request.user_agent.string}"),
        {"agent_escaped"},
    ),
    "booleans counted as numbers": (
        SOLUTION.replace(" and not isinstance(value, bool)", ""),
        {"sum_rejects_non_numbers"},
    ),
    "request.json answers broken JSON in HTML": (
        SOLUTION.replace("request.get_json(silent=True)", "request.json"),
        {"sum_broken_json"},
    ),
    "numbers not checked to be a list": (
        SOLUTION.replace("if not isinstance(numbers, list):", "if numbers is None:"),
        {"sum_missing_numbers"},
    ),
    "DELETE forgotten": (SOLUTION.replace('"PUT", "DELETE"]', '"PUT"]'), {"method"}),
    "PATCH allowed too": (SOLUTION.replace('"PUT", "DELETE"]', '"PUT", "DELETE", "PATCH"]'), {"method_not_allowed"}),
}


EXPLAINED = {
    "booleans counted as numbers": ("sum_rejects_non_numbers", ["request:  POST /sum", "true", "bad=True"]),
}
