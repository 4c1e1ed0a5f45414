"""A view that calls sys.exit()."""

import sys

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    sys.exit(0)
