"""Allocates memory until something gives (10 MiB at a time, every page touched)."""

from flask import Flask

app = Flask(__name__)

hoard = []
while True:
    hoard.append(b"x" * (10 * 1024 * 1024))
