"""A correct app whose import starts a thread that never stops."""

import threading

from flask import Flask


def spin():
    while True:
        sum(range(1000))


threading.Thread(target=spin, name="runaway").start()

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
