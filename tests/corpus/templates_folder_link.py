"""Exercise 14 whose templates/ folder is a symbolic link to the judge's files (the
reference solution's templates): refused as a link, not graded as the learner's work.

# exercise: 14_templates
# link: 14_templates/templates -> __COURSE__/solutions/14_templates/templates
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
