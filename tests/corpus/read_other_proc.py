"""A correct app that first looks through /proc for other processes' command lines and environments."""

import os

from flask import Flask

own = {os.getpid(), os.getppid()}
leaked = []
try:
    pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
except OSError:
    pids = []
for pid in pids:
    if pid in own:
        continue
    for entry in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{entry}", "rb") as file:
                text = file.read()
        except OSError:
            continue
        if b"grader" in text or b"pytest" in text or b"SECRET" in text:
            leaked.append(f"/proc/{pid}/{entry}: {text[:80]!r}")
if leaked:
    raise RuntimeError(f"LEAKED: {leaked[:3]}")

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
