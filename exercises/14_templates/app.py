"""Exercise 14: templates. Read README.md first; the templates are in templates/."""

from flask import Flask, render_template  # noqa: F401 - you will need render_template

app = Flask(__name__)

ITEMS = ["apple", "banana", "cherry"]

# TODO: GET /              -> render index.html
# TODO: GET /hello/<name>  -> render hello.html with the name
# TODO: GET /items         -> render items.html with ITEMS
