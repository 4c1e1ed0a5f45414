"""Checks for exercise 02: routes and view functions."""

from hypothesis import given

from grader import expect
from grader.strategies import segment_text, url_quote


def test_index(client):
    """GET / answers 200 with <p>Hello World</p>."""
    expect(client.get("/")).status(200).mimetype("text/html").body("<p>Hello World</p>")


def test_about(client):
    """GET /about answers 200 with <p>About this app</p>."""
    expect(client.get("/about")).status(200).mimetype("text/html").body("<p>About this app</p>")


def test_endpoints(app):
    """The routes / and /about have the endpoints index and about."""
    expect(app).route("/", endpoint="index").route("/about", endpoint="about")


@given(segment=segment_text())
def test_unknown_paths_404(client, segment):
    """Any path but / and /about answers 404, while / answers 200."""
    expect(client.get("/")).status(200)
    if segment not in ("about", "static"):
        expect(client.get("/" + url_quote(segment))).status(404)


def test_post_not_allowed(client):
    """POST / answers 405 Method Not Allowed: the route allows GET only."""
    expect(client.post("/")).status(405).allow({"GET"})


def test_head_and_options(client):
    """HEAD / answers 200 with no body; OPTIONS / allows GET, HEAD and OPTIONS."""
    expect(client.head("/")).status(200).empty()
    expect(client.options("/")).status(200).allow({"GET", "HEAD", "OPTIONS"})
