"""Exercise 10, reference solution."""

from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)

first_path = None
torn_down = 0


@app.before_request
def remember_first_path():
    global first_path
    if first_path is None:
        first_path = request.path


@app.before_request
def guard_admin():
    if request.path == "/admin" or request.path.startswith("/admin/"):
        if request.headers.get("X-Token") != "letmein":
            return "Unauthorized", 401


@app.after_request
def add_app_header(response):
    response.headers["X-App"] = "flask-exercises"
    return response


@app.teardown_request
def count_request(exception):
    global torn_down
    torn_down += 1


@app.route("/admin")
def admin():
    return "Welcome, admin"


@app.route("/first-seen")
def first_seen():
    return escape(first_path)


@app.route("/teardown-count")
def teardown_count():
    return str(torn_down)


@app.route("/boom")
def boom():
    raise RuntimeError("boom, as asked")
