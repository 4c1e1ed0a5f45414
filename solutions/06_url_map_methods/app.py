"""Exercise 06, reference solution."""

from flask import Flask, Response, request, url_for
from markupsafe import escape

app = Flask(__name__)

FORM = """<form method="post" action="/contact">
  <label>Your name <input name="name"></label>
  <button>Send</button>
</form>"""


@app.route("/contact", methods=["GET", "POST"])
def contact():
    if request.method == "POST":
        return f"Thanks, {escape(request.form['name'])}!"
    return FORM


@app.route("/ping")
def ping():
    return "pong"


@app.route("/routes")
def routes():
    texts = sorted({rule.rule for rule in app.url_map.iter_rules()})
    return Response("\n".join(texts) + "\n", mimetype="text/plain")


@app.route("/static-url")
def static_url():
    return url_for("static", filename="hello.txt")
