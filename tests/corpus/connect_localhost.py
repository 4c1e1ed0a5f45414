"""A correct app that also tries to reach a server on this machine."""

import socket

from flask import Flask

for family, address in ((socket.AF_INET, ("127.0.0.1", __PORT__)), (socket.AF_INET6, ("::1", __PORT__))):
    try:
        with socket.socket(family, socket.SOCK_STREAM) as conn:
            conn.settimeout(1)
            conn.connect(address)
            conn.sendall(b"__MARKER__")
    except OSError:
        continue
    raise RuntimeError(f"LEAKED: connected to {address}")
try:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as datagram:
        datagram.sendto(b"__MARKER__", ("127.0.0.1", __PORT__))
    raise RuntimeError("LEAKED: sent a datagram")
except OSError:
    pass

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
