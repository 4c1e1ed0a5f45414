"""A correct app that first tries to climb out of its sandbox with system calls."""

import ctypes
import os

from flask import Flask

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET = 0x10000000, 0x00020000, 0x40000000
escaped = []
for flag in (CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET):
    if libc.unshare(flag) == 0:  # a user namespace would bring capabilities back
        escaped.append(f"unshare({flag:#x})")
if libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, None) == 0:
    escaped.append("mount")
for attempt in (lambda: os.setuid(0), lambda: os.chroot("/tmp"), lambda: os.mknod("/tmp/disk", 0o600 | 0o060000)):
    try:
        attempt()
        escaped.append(repr(attempt))
    except OSError:
        pass
if escaped:
    raise RuntimeError(f"LEAKED: {escaped}")

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
