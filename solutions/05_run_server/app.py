"""Exercise 05, reference solution."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "Server is running"


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
