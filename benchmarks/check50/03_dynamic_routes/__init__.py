"""check50 checks equivalent to exercises/03_dynamic_routes/checks.py (for the benchmark)."""

import html
import sys
from pathlib import Path

import check50
import check50.flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples import names, url  # noqa: E402


def greets(app, name):
    app.get("/user/" + url(name)).status(200)
    text = app.response.get_data(as_text=True)
    if not (text.startswith("<h1>Hello, ") and text.endswith("!</h1>")):
        raise check50.Mismatch(f"<h1>Hello, {html.escape(name)}!</h1>", text)
    inner = text[len("<h1>Hello, ") : -len("!</h1>")]
    if "<" in inner or ">" in inner or html.unescape(inner) != name:
        raise check50.Mismatch(f"<h1>Hello, {html.escape(name)}!</h1>", text)


@check50.check()
def exists():
    """app.py exists"""
    check50.exists("app.py")


@check50.check(exists)
def greets_alice():
    """GET /user/alice answers <h1>Hello, alice!</h1>."""
    greets(check50.flask.app("app.py"), "alice")


@check50.check(exists)
def any_name():
    """GET /user/NAME greets NAME, for any name without a slash."""
    app = check50.flask.app("app.py")
    for name in names(3):
        greets(app, name)


@check50.check(exists)
def escapes_html():
    """Names with <, >, & and quotes are HTML-escaped."""
    app = check50.flask.app("app.py")
    for name in names(4, specials="<>&\"'"):
        greets(app, name)


@check50.check(exists)
def one_segment_only():
    """/user/ and /user/a/b answer 404, while /user/a answers 200."""
    app = check50.flask.app("app.py")
    app.get("/user/a").status(200)
    app.get("/user/").status(404)
    app.get("/user/a/b").status(404)
