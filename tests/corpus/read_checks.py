"""A correct app that also tries to read the checks, hidden checks and solutions."""

import glob
import os

from flask import Flask

targets = [
    "__COURSE__/exercises/02_first_route/checks.py",
    "__COURSE__/solutions/02_first_route/app.py",
    "__SECRET__",
    "/etc/passwd",
    "/root/.bashrc",
    "/proc/1/environ",
]
targets += glob.glob("__COURSE__/**/checks.py", recursive=True)
for target in targets:
    try:
        with open(target) as file:
            content = file.read()
    except OSError:
        continue
    raise RuntimeError(f"LEAKED {target}: {content[:200]}")
for folder in ("__COURSE__", os.path.dirname(os.path.dirname("__SECRET__")), "/root", "/"):
    try:
        names = os.listdir(folder)
    except OSError:
        continue
    if {"exercises", "solutions", "hidden-checks", ".bashrc", "home"} & set(names):
        raise RuntimeError(f"LEAKED listing of {folder}: {names}")

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
