"""/about recurses without end."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return count_down(10**9)


def count_down(n):
    return count_down(n - 1) + 1
