"""Exercise 07, reference solution."""

from flask import Flask, Response, abort, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/echo")
def echo():
    msg = request.args.get("msg", "")
    if not msg:
        abort(400)
    return Response(msg, mimetype="text/plain")


@app.route("/agent")
def agent():
    return f"Your browser is {escape(request.user_agent.string)}"


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@app.post("/sum")
def sum_numbers():
    data = request.get_json(silent=True)
    if data is None:
        return {"error": "the body must be JSON"}, 400
    numbers = data.get("numbers") if isinstance(data, dict) else None
    if not isinstance(numbers, list):
        return {"error": 'send {"numbers": [...]}'}, 400
    if not all(is_number(n) for n in numbers):
        return {"error": "every item of numbers must be a number"}, 400
    return {"sum": sum(numbers)}


@app.route("/method", methods=["GET", "POST", "PUT", "DELETE"])
def method():
    return request.method
