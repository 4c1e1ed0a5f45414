"""Checks for exercise 12: redirects."""

from hypothesis import given

from grader import expect
from grader.strategies import html_text, url_quote, url_text

TEMPORARY = (302, 303)  # redirect()'s default: 302 up to Flask 3.1, 303 from 3.2


def test_old(client):
    """GET /old redirects temporarily (302 or 303) to /new."""
    expect(client.get("/old")).redirects_to("/new", *TEMPORARY)


def test_new(client):
    """GET /new answers New page."""
    expect(client.get("/new")).status(200).body("New page")


def test_moved(client):
    """GET /moved redirects permanently (301) to /new."""
    expect(client.get("/moved")).redirects_to("/new", 301)


def test_go(client):
    """GET /go/alice redirects temporarily to /profile/alice."""
    expect(client.get("/go/alice")).redirects_to("/profile/alice", *TEMPORARY)


@given(name=url_text())
def test_go_quotes_names(client, name):
    """GET /go/NAME leads to /profile/NAME for any name, even with ?, #, % or spaces."""
    expect(client.get("/go/" + url_quote(name))).redirects_to("/profile/" + url_quote(name), *TEMPORARY)


def test_profile(client):
    """GET /profile/bob answers Profile: bob."""
    expect(client.get("/profile/bob")).status(200).body("Profile: bob")


@given(name=html_text())
def test_profile_escapes(client, name):
    """GET /profile/NAME HTML-escapes the name."""
    expect(client.get("/profile/" + url_quote(name))).status(200).mimetype("text/html").escaped(
        name, prefix="Profile: "
    )
