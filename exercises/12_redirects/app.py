"""Exercise 12: redirects. Read README.md first."""

from flask import Flask, redirect, url_for  # noqa: F401 - you will need them

app = Flask(__name__)

# TODO: GET /old             -> temporary redirect to /new
# TODO: GET /new             -> "New page"
# TODO: GET /moved           -> permanent (301) redirect to /new
# TODO: GET /go/<name>       -> temporary redirect to /profile/NAME, built with url_for
# TODO: GET /profile/<name>  -> "Profile: NAME", NAME escaped
