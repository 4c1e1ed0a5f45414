"""Forks up to 200 children that sleep (a bounded fork bomb), then serves a correct app."""

import os
import time

from flask import Flask

children = 0
for _ in range(200):
    try:
        pid = os.fork()
    except OSError:
        break  # the sandbox's process limit
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    children += 1

if children == 200:
    raise RuntimeError("LEAKED: nothing limited the number of processes")

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
