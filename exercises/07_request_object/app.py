"""Exercise 07: the request object. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: GET /echo?msg=M -> M as text/plain; no msg or an empty one -> 400

# TODO: GET /agent -> "Your browser is UA" (the User-Agent header, escaped)

# TODO: POST /sum with JSON {"numbers": [...]} -> JSON {"sum": S};
#       broken JSON, no list of numbers, or a non-number in it -> 400 JSON {"error": "..."}

# TODO: /method accepts GET, POST, PUT and DELETE and answers request.method
