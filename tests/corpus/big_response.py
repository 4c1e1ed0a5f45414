"""Answers /about with a 100 MB body."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "x" * (100 * 1024 * 1024)
