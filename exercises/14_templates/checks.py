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


def _titled_by_base(title: str) -> bool:
    return title.endswith(SITE) and title[: -len(SITE)].strip() != ""


def test_index(client):
    """GET / renders a page titled Home - Flask Exercises."""
    expect(client.get("/")).status(200).mimetype("text/html").page().title("Home" + SITE)


def test_hello(client):
    """GET /hello/alice renders a page showing Hello, alice!"""
    expect(client.get("/hello/alice")).status(200).mimetype("text/html").page().shows("Hello, alice!")


@given(name=html_text())
def test_hello_escapes(client, name):
    """GET /hello/NAME shows Hello, NAME! as text, even when NAME holds <, > or &."""
    expect(client.get("/hello/" + url_quote(name))).status(200).page().shows(f"Hello, {name}!")


def test_pages_extend_base(client):
    """The hello and items pages extend base.html: their titles are TITLE - Flask Exercises."""
    for path in ("/hello/alice", "/items"):
        expect(client.get(path)).status(200).page().title(
            _titled_by_base, describe=f"<title>SOMETHING{SITE}</title>, from base.html's title block"
        )


def test_items(client):
    """GET /items lists apple, banana and cherry in a <ul>, one <li> each."""
    expect(client.get("/items")).status(200).mimetype("text/html").page().list_items(ITEMS)


@given(items=st.lists(html_text(max_size=8), min_size=1, max_size=5))
def test_items_from_constant(app, items):
    """GET /items lists whatever ITEMS holds, one escaped <li> per item."""
    app.assign("ITEMS", items)
    expect(app.test_client().get("/items")).status(200).page().list_items(items)
