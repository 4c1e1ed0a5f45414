"""Exercise 13, reference solution."""

from flask import Flask, abort

app = Flask(__name__)

USERS = {1: "alice", 2: "bob"}


@app.route("/users/<int:user_id>")
def user(user_id):
    if user_id not in USERS:
        abort(404)
    return USERS[user_id]


@app.route("/admin")
def admin():
    abort(403)


@app.errorhandler(404)
def not_found(error):
    return {"error": "not found"}, 404


@app.errorhandler(500)
def server_error(error):
    return "Something went wrong", 500


@app.route("/crash")
def crash():
    return 1 / 0  # fails on purpose: your 500 handler answers for it
