"""Saved in Latin-1, not UTF-8: café."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Café</p>"
