"""Exercise 09, reference solution."""

import os

from flask import Flask, session

app = Flask(__name__)
# A real deployment sets SECRET_KEY in its environment; the fallback is for practice only.
app.secret_key = os.environ.get("SECRET_KEY", "practice-only: change me")


@app.route("/visit")
def visit():
    session["visits"] = session.get("visits", 0) + 1
    return f"Visits: {session['visits']}"


@app.route("/reset")
def reset():
    session.pop("visits", None)
    return "Reset"
