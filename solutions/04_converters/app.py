"""Exercise 04, reference solution."""

from flask import Flask

app = Flask(__name__)


@app.route("/item/<int:item_id>")
def item(item_id):
    return f"Item {item_id}"


@app.route("/item/<int:item_id>/next")
def next_item(item_id):
    return f"Next item: {item_id + 1}"


@app.route("/price/<float:amount>")
def price(amount):
    return f"Price: {amount:.2f}"


@app.route("/files/<path:subpath>")
def files(subpath):
    return f"File: {subpath}"
