"""A submission owned by a learner whose exercise 02 folder only root can read (as left
by root, or mounted there): the grader, as root, must not read it for the learner.

# owner: nobody
# mode: 02_first_route 0700
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
