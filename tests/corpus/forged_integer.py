"""Sends the judge, before its real first message, one with a 5000-digit integer
(past Python's integer-string limit), then keeps a child running."""

import os
import socket
import stat
import struct
import time

for fd in range(3, 64):
    try:
        if stat.S_ISSOCK(os.fstat(fd).st_mode):
            sock = socket.socket(fileno=os.dup(fd))
            payload = b'{"tag": "AppLoaded", "ok": true, "snapshot": ' + b"7" * 5000 + b"}"
            sock.sendall(struct.pack(">I", len(payload)) + payload)
    except OSError:
        pass

if os.fork() == 0:
    for _ in range(120):  # bounded: two minutes at most
        time.sleep(1)
    os._exit(0)

from flask import Flask  # noqa: E402

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
