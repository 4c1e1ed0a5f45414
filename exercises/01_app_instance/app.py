"""Exercise 01: the application instance. Read README.md first."""

from flask import Flask  # noqa: F401  (you will need it)

# TODO: create the Flask application here, in a variable named `app`.
