"""Exercise 08: the application context. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: app.config["GREETING"] = "Hello"

# TODO: def get_greeting(): read GREETING through current_app

# TODO: GET /greeting -> get_greeting()

# TODO: GET /app-name -> current_app.name

# TODO: a before_request hook: g.user = the X-User header, or "anonymous"

# TODO: GET /whoami -> g.user, escaped
