"""Answers GET /about with a message of its own on the judge's socket first, of a kind
the judge did not ask for (the reply to a function call), then the real answer."""

import json
import os
import socket
import stat
import struct

from flask import Flask

app = Flask(__name__)


def judge_socket():
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                return socket.socket(fileno=os.dup(fd))
        except OSError:
            pass
    return None


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    sock = judge_socket()
    if sock is not None:
        payload = json.dumps({"tag": "Value", "value": 1, "ok": True}).encode()
        sock.sendall(struct.pack(">I", len(payload)) + payload)
    return "<p>About this app</p>"
