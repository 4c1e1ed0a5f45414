"""Exercise 09: sessions. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: give the app a secret key

# TODO: GET /visit -> "Visits: N", N counting this client's visits (use the session)

# TODO: GET /reset -> "Reset"; the next visit counts from 1 again
