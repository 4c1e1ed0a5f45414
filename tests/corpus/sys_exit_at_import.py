"""Exits while being imported."""

import sys

from flask import Flask

app = Flask(__name__)

sys.exit(0)
