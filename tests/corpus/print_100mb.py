"""Prints 100 MB while being imported, through print() and straight to file descriptor 1."""

import os

from flask import Flask

line = "x" * (1024 * 1024 - 1)
for _ in range(80):
    print(line)
for _ in range(20):
    try:
        os.write(1, line.encode() + b"\n")
    except OSError:
        break

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
