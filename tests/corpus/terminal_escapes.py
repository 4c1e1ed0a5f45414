"""Draws on the learner's terminal: clears the screen, paints a fake full score, and
confines the real report to one scrolling line, through its body, its exception's
message (in the traceback) and what it prints."""

from flask import Flask

FAKE = "\x1b[2J\x1b[H\x1b[32m02_first_route 8/8\x1b[0m\r\nTotal: 8/8\x1b[3;3r\x9b2J\u202e"

app = Flask(__name__)


@app.route("/")
def index():
    print(FAKE, flush=True)
    return f"<p>Hello World</p>{FAKE}"


@app.route("/about")
def about():
    raise RuntimeError(FAKE)
