"""A correct app that first tries to kill the process that started it, and its parent."""

import os
import signal

from flask import Flask

parent = os.getppid()
grandparent = 0
try:
    with open(f"/proc/{parent}/status") as status:
        grandparent = int(next(line for line in status if line.startswith("PPid:")).split()[1])
except (OSError, StopIteration, ValueError):
    pass
for pid in (grandparent, parent):
    if pid > 1:  # never 0 or -1: that would signal a whole group, or everything
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
