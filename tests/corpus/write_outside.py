"""A correct app that writes in its own folder and /tmp (fine) and outside them (must fail)."""

import tempfile
from pathlib import Path

from flask import Flask

Path("notes.txt").write_text("my own folder is mine")
# The sandbox's temporary folder is mine too, and goes with me: /tmp under a private root,
# the worker's folder where there is none (Landlock; TMPDIR says which).
Path(tempfile.gettempdir(), "__MARKER__").write_text("mine")
for target in (
    "__OUTSIDE__",
    "__SUBMISSION__/02_first_route/planted.txt",
    "__COURSE__/exercises/__MARKER__.txt",
    "/var/tmp/__MARKER__",
    "/dev/shm/__MARKER__",
    str(Path.cwd().parent / "__MARKER__"),
):
    try:
        with open(target, "a") as file:
            file.write("planted")
    except OSError:
        continue
    raise RuntimeError(f"LEAKED: wrote {target}")

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
