"""Exercise 13: abort and error handlers. Read README.md first."""

from flask import Flask, abort  # noqa: F401 - you will need abort

app = Flask(__name__)

USERS = {1: "alice", 2: "bob"}

# TODO: GET /users/<int:user_id> -> the user's name, or abort(404)
# TODO: GET /admin -> abort(403)
# TODO: an error handler for 404 -> JSON {"error": "not found"}, status 404
# TODO: an error handler for 500 -> "Something went wrong", status 500


@app.route("/crash")
def crash():
    return 1 / 0  # fails on purpose: your 500 handler answers for it
