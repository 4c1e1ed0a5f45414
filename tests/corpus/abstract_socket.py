"""A correct app that looks for another worker of the submission through an abstract
Unix socket (no file, so no mount namespace hides it), and offers one itself."""

import socket
import threading

from flask import Flask

NAME = b"\0__MARKER__-meeting-point"

try:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as other:
        other.connect(NAME)
        other.sendall(b"hello")
    raise RuntimeError("LEAKED: reached another worker's abstract socket")
except OSError:
    pass

listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    listener.bind(NAME)
    listener.listen(8)
    threading.Thread(target=lambda: [listener.accept() for _ in iter(int, 1)], daemon=True).start()
except OSError:
    pass

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
