"""Exercise 10: request hooks. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: a before_request hook: /admin and /admin/... need the header X-Token: letmein,
#       else 401 "Unauthorized". GET /admin with the token -> "Welcome, admin"

# TODO: an after_request hook: X-App: flask-exercises on every response

# TODO: remember request.path of the first request; GET /first-seen answers it

# TODO: a teardown_request hook counts requests; GET /teardown-count answers the count

# TODO: GET /boom raises an exception
