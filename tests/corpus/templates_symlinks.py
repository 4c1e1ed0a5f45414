"""Exercise 14 handed in with templates that are symbolic links: to /etc/passwd, to a
hidden check, to the course's checks. The app would show what they hold; the judge
must refuse the links before anything is copied or rendered.

# exercise: 14_templates
# link: 14_templates/templates/base.html -> /etc/passwd
# link: 14_templates/templates/hello.html -> __SECRET__
# link: 14_templates/templates/index.html -> __COURSE__/exercises/14_templates/checks.py
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
