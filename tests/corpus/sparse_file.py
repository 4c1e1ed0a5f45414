"""A correct app that first tries to make a sparse 8 GiB file (no disk used, yet past every limit)."""

import os

from flask import Flask

made = []
for folder in (".", os.environ.get("TMPDIR", "/tmp")):
    path = os.path.join(folder, "__MARKER__-sparse")
    try:
        with open(path, "wb") as file:
            file.truncate(8 * 2**30)
        made.append(path)
    except OSError:
        pass
    try:
        with open(path, "wb") as file:
            file.seek(8 * 2**30)
            file.write(b"x")
        made.append(path)
    except OSError:
        pass
if made:
    raise RuntimeError(f"LEAKED: sparse files {made}")

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
