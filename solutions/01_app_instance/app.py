"""Exercise 01, reference solution."""

from flask import Flask

app = Flask(__name__)
