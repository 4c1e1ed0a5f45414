"""Exercise 08, reference solution."""

from flask import Flask, current_app, g, request
from markupsafe import escape

app = Flask(__name__)
app.config["GREETING"] = "Hello"


def get_greeting():
    return current_app.config["GREETING"]


@app.route("/greeting")
def greeting():
    return get_greeting()


@app.route("/app-name")
def app_name():
    return current_app.name


@app.before_request
def load_user():
    g.user = request.headers.get("X-User") or "anonymous"


@app.route("/whoami")
def whoami():
    return escape(g.user)
