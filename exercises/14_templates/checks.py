"""Checks for exercise 14: Jinja2 templates, autoescaping, loops and inheritance.

Pages are compared as a browser shows them (see grader.expectations.html), so
any layout, whitespace or extra markup passes.
"""

from hypothesis import given
from hypothesis import strategies as st

from grader import expect
from grader.strategies import html_text, url_quote

ITEMS = ["apple", "banana", "cherry"]
SITE = " - Flask Exercises"


# A base.html of the grader's, to see that every page follows base.html, whatever it says.
CHANGED_SITE = " - Changed by the grader"
CHANGED_BASE = (
    "<!doctype html>\n<html><head><title>{% block title %}{% endblock %}"
    + CHANGED_SITE
    + "</title></head>\n<body>{% block content %}{% endblock %}</body></html>\n"
)


def test_index(client):
    """GET / renders an HTML page titled Home - Flask Exercises."""
    expect(client.get("/")).status(200).mimetype("text/html").page().title("Home" + SITE)


def test_hello(client):
    """GET /hello/alice renders a page showing Hello, alice!"""
    expect(client.get("/hello/alice")).status(200).mimetype("text/html").page().shows("Hello, alice!")


@given(name=html_text())
def test_hello_escapes(client, name):
    """GET /hello/NAME shows Hello, NAME! as text, even when NAME holds <, > or &."""
    expect(client.get("/hello/" + url_quote(name))).status(200).page().shows(f"Hello, {name}!")


def test_pages_extend_base(spawn_app):
    """Every page extends base.html: given another base.html, /, /hello/alice and /items all follow it."""
    app = spawn_app(replace={"templates/base.html": CHANGED_BASE})
    change = (
        "The grader replaced templates/base.html, for this check only (your file is unchanged), "
        f"with one whose title block is followed by {CHANGED_SITE!r}."
    )
    for path in ("/", "/hello/alice", "/items"):
        response = app.test_client().get(path)
        expect(response).noting(change).status(200).page().title(
            lambda title: title.endswith(CHANGED_SITE.strip()),  # the title is shown whitespace-collapsed
            describe=f"<title>SOMETHING{CHANGED_SITE}</title>: the page follows base.html, "
            "so its template extends it and fills the title block",
        )


def test_items(client):
    """GET /items lists apple, banana and cherry in a <ul>, one <li> each."""
    expect(client.get("/items")).status(200).mimetype("text/html").page().list_items(ITEMS)


@given(items=st.lists(html_text(max_size=8), min_size=1, max_size=5))
def test_items_from_constant(app, items):
    """GET /items lists whatever ITEMS holds, one escaped <li> per item."""
    app.assign("ITEMS", items)
    change = f"The grader set ITEMS = {items!r} in your module first, for this check only (app.py is unchanged)."
    expect(app.test_client().get("/items")).noting(change).status(200).page().list_items(items)
