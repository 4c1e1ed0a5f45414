"""Checks for exercise 03: dynamic routes."""

from hypothesis import given

from grader import expect
from grader.strategies import html_text, segment_text, url_quote

PLAIN = segment_text().filter(lambda name: not set(name) & set("<>&\"'"))


def test_greets(client):
    """GET /user/alice answers <h1>Hello, alice!</h1>."""
    expect(client.get("/user/alice")).status(200).mimetype("text/html").html("<h1>Hello, alice!</h1>")


@given(name=PLAIN)
def test_any_name(client, name):
    """GET /user/NAME greets NAME, for any name without a slash."""
    expect(client.get("/user/" + url_quote(name))).status(200).html(f"<h1>Hello, {name}!</h1>")


@given(name=html_text())
def test_escapes_html(client, name):
    """Names with <, >, & and quotes are HTML-escaped, never sent as markup."""
    response = client.get("/user/" + url_quote(name))
    expect(response).status(200).mimetype("text/html").escaped(name, prefix="<h1>Hello, ", suffix="!</h1>")


def test_one_segment_only(client):
    """/user/ and /user/a/b answer 404, while /user/a answers 200."""
    expect(client.get("/user/a")).status(200)
    expect(client.get("/user/")).status(404)
    expect(client.get("/user/a/b")).status(404)
