"""Exercise 14, reference solution."""

from flask import Flask, render_template

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
