"""Exercise 03, reference solution."""

from flask import Flask
from markupsafe import escape

app = Flask(__name__)


@app.route("/user/<name>")
def user(name):
    return f"<h1>Hello, {escape(name)}!</h1>"
