"""Exercise 14 with a template that is a hard link to a hidden check only root may read
(mode 0600), in a submission owned by a learner. A hard link is a file like any other,
so no link check can see it; where the kernel lets a user link a file they do not own
(fs.protected_hardlinks=0; this test makes the link as root, which that setting does
not stop), the judge, as root, must still read only what the learner could read.

# exercise: 14_templates
# hardlink: 14_templates/templates/hidden.html -> __SECRET__
# owner: nobody
# mode: 14_templates/templates/hidden.html 0600
"""

import os

from flask import Flask, render_template

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
for name in sorted(os.listdir(here)) if os.path.isdir(here) else ():
    try:
        with open(os.path.join(here, name), errors="replace") as file:
            content = file.read()
    except OSError:
        continue
    if "root:" in content or "SECRET" in content or "def test_" in content:
        raise RuntimeError(f"LEAKED {name}: {content[:200]}")

app = Flask(__name__)

ITEMS = ["apple", "banana", "cherry"]


@app.route("/")
def index():
    return render_template("index.html")


@app.route("/hello/<name>")
def hello(name):
    return render_template("hello.html", name=name)


@app.route("/items")
def items():
    return render_template("items.html", items=ITEMS)
