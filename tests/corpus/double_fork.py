"""A daemon that double-forks and leaves the session, hoping to outlive the grader."""

import os
import time

from flask import Flask

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(120):  # bounded: two minutes at most
            time.sleep(1)
    os._exit(0)

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
