"""Exercise 11: responses. Read README.md first."""

from flask import Flask, make_response  # noqa: F401 - make_response is for /cookie

app = Flask(__name__)

# TODO: GET /created         -> 201 "Created"
# TODO: GET /teapot          -> 418 "I'm a teapot"
# TODO: GET /with-header     -> 200 "OK" with header X-Exercise: responses
# TODO: GET /cookie          -> "Cookie set", and set the cookie flavor=chocolate
# TODO: GET /json            -> JSON {"ok": true}
# TODO: GET /empty           -> 204, no body
# TODO: GET /status/<int:code> -> "Status CODE" with status CODE
