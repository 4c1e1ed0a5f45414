"""A correct app that first opens files and starts threads until the limits stop it."""

import os
import threading
import time

from flask import Flask

files = []
try:
    while len(files) < 100_000:
        files.append(os.open(os.devnull, os.O_RDONLY))
except OSError:
    pass
for fd in files[: len(files) // 2]:  # keep half, so that serving still has some
    os.close(fd)
threads = []
try:
    while len(threads) < 10_000:
        thread = threading.Thread(target=time.sleep, args=(3600,), daemon=True)
        thread.start()
        threads.append(thread)
except RuntimeError:
    pass

app = Flask(__name__)


@app.route("/")
def index():
    return "<p>Hello World</p>"


@app.route("/about")
def about():
    return "<p>About this app</p>"
