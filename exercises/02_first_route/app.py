"""Exercise 02: routes and view functions. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: GET / answers <p>Hello World</p> (view function `index`).

# TODO: GET /about answers <p>About this app</p> (view function `about`).
