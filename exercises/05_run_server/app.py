"""Exercise 05: running the development server. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: GET / answers "Server is running".

# TODO: at the end of the file, start the development server on host 0.0.0.0
#       with debug mode on, only when this file is run as a script.
