"""A correct app that looks for the instructor's key in the session keyring it may
have inherited, and for a note an earlier worker left in its session or user
keyring, then leaves such a note for the next one.

# keyring: instructor
"""

import ctypes

from flask import Flask

libc = ctypes.CDLL(None, use_errno=True)
KEYCTL, ADD_KEY, SEARCH, READ = 250, 248, 10, 11
KEYRINGS = {"session": -3, "user": -4, "user session": -5}


def search(keyring, description):
    return libc.syscall(KEYCTL, SEARCH, ctypes.c_long(keyring), b"user", description, 0)


def read(key):
    buffer = ctypes.create_string_buffer(4096)
    size = libc.syscall(KEYCTL, READ, ctypes.c_long(key), buffer, 4096)
    return buffer.raw[: max(size, 0)]


for name, keyring in KEYRINGS.items():
    found = search(keyring, b"instructor")
    if found > 0:
        raise RuntimeError(f"LEAKED from the {name} keyring: {read(found)!r}")
    if search(keyring, b"note-__MARKER__") > 0:
        raise RuntimeError(f"LEAKED: a note an earlier worker left in its {name} keyring")
for keyring in KEYRINGS.values():  # after looking: the user keyring is linked into the user session one
    note = b"from an earlier worker"
    libc.syscall(ADD_KEY, b"user", b"note-__MARKER__", note, len(note), ctypes.c_long(keyring))

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
