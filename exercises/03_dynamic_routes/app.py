"""Exercise 03: dynamic routes. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: GET /user/<name> answers <h1>Hello, NAME!</h1>, with NAME HTML-escaped.
