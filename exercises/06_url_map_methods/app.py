"""Exercise 06: the URL map, HTTP methods and static files. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: GET /contact  -> a page with a <form method="post">
#       POST /contact -> "Thanks, NAME!" (NAME from the form field `name`, escaped)
#       other methods -> 405 (Flask does this once you list the methods)

# TODO: GET /ping -> "pong" (GET only)

# TODO: GET /routes -> text/plain, the distinct rule texts of app.url_map, sorted, one a line

# TODO: GET /static-url -> url_for('static', filename='hello.txt')
