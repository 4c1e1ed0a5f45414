"""A correct app that leaves notes where a later check's worker (or another learner) could
read them: shared temporary folders and System V shared memory. A note found is a leak."""

import ctypes
import os
import tempfile

from flask import Flask

libc = ctypes.CDLL(None, use_errno=True)
places = sorted({"/tmp", "/dev/shm", "/var/tmp", tempfile.gettempdir()})
found = []
for place in places:
    note = os.path.join(place, "__MARKER__-note")
    if os.path.exists(note):
        found.append(note)
    try:
        with open(note, "w") as file:
            file.write("left by an earlier worker")
    except OSError:
        pass
segment = libc.shmget(0x5EC1, 4096, 0o666)  # no IPC_CREAT: only an earlier worker's
if segment >= 0:
    found.append("a System V segment")
else:
    libc.shmget(0x5EC1, 4096, 0o1666)
if found:
    raise RuntimeError(f"LEAKED: an earlier worker's notes: {found}")

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
