"""Exercise 12, reference solution."""

from flask import Flask, redirect, url_for
from markupsafe import escape

app = Flask(__name__)


@app.route("/old")
def old():
    return redirect(url_for("new"))


@app.route("/new")
def new():
    return "New page"


@app.route("/moved")
def moved():
    return redirect(url_for("new"), code=301)


@app.route("/go/<name>")
def go(name):
    return redirect(url_for("profile", name=name))


@app.route("/profile/<name>")
def profile(name):
    return f"Profile: {escape(name)}"
