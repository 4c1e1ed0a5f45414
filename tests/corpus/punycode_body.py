"""Index is right; /about answers 3.5 MB labelled ``charset=punycode``, whose decoder
in Python is quadratic: the judge must not decode it so (nor spin on it)."""

from flask import Flask, Response

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return Response("a" * 3_500_000 + "-" + "b" * 1000, content_type="text/html; charset=punycode")
