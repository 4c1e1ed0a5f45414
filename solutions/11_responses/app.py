"""Exercise 11, reference solution."""

from flask import Flask, make_response

app = Flask(__name__)


@app.route("/created")
def created():
    return "Created", 201


@app.route("/teapot")
def teapot():
    return "I'm a teapot", 418


@app.route("/with-header")
def with_header():
    return "OK", 200, {"X-Exercise": "responses"}


@app.route("/cookie")
def cookie():
    response = make_response("Cookie set")
    response.set_cookie("flavor", "chocolate")
    return response


@app.route("/json")
def json():
    return {"ok": True}


@app.route("/empty")
def empty():
    return "", 204


@app.route("/status/<int:code>")
def status(code):
    return f"Status {code}", code
