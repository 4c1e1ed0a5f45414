"""Checks for exercise 06: the URL map, HTTP methods and static files."""

from collections import Counter
from pathlib import Path

from hypothesis import example, given

from grader import expect
from grader.strategies import html_text, segment_text

HELLO = (Path(__file__).parent / "static" / "hello.txt").read_text(encoding="utf-8")
CONTACT_METHODS = {"GET", "HEAD", "OPTIONS", "POST"}
# A form field keeps spaces at its ends, but trimming them is a fair choice too.
NAMES = html_text().filter(lambda name: name == name.strip())
PLAIN_NAMES = segment_text().filter(lambda name: name == name.strip() and not set(name) & set("<>&\"'"))


def test_contact_form(client):
    """GET /contact answers 200 with a page holding a <form method="post">."""
    expect(client.get("/contact")).status(200).mimetype("text/html").element("form", method="post")


@given(name=PLAIN_NAMES)
@example(name="Ada")
def test_thanks(client, name):
    """POST /contact with a form field name answers Thanks, NAME!."""
    expect(client.post("/contact", data={"name": name})).status(200).html(f"Thanks, {name}!")


@given(name=NAMES)
def test_thanks_escaped(client, name):
    """The name sent to POST /contact is HTML-escaped, never sent as markup."""
    response = client.post("/contact", data={"name": name})
    expect(response).status(200).mimetype("text/html").escaped(name, prefix="Thanks, ", suffix="!")


def test_put_not_allowed(client):
    """PUT /contact answers 405, with Allow listing exactly GET, HEAD, OPTIONS and POST."""
    expect(client.put("/contact")).status(405).allow(CONTACT_METHODS, exact=True)


def test_ping(client):
    """GET /ping answers pong."""
    expect(client.get("/ping")).status(200).body("pong")


def test_ping_get_only(client):
    """POST /ping answers 405: /ping accepts GET (with HEAD and OPTIONS) only."""
    expect(client.post("/ping")).status(405).allow({"GET", "HEAD", "OPTIONS"}, exact=True)


def test_routes(app, client):
    """GET /routes lists each rule text of app.url_map once, sorted, as text/plain."""
    wanted = sorted({rule.rule for rule in app.url_map})
    response = client.get("/routes")
    check = expect(response).status(200).mimetype("text/plain")
    lines = response.text.removesuffix("\n").split("\n")
    if lines == wanted:
        return
    expected = "\n".join(wanted) + "\n(one rule text a line; a final newline is optional)"
    twice = sorted(text for text, count in Counter(lines).items() if count > 1)
    missing = [text for text in wanted if text not in lines]
    extra = sorted(set(lines) - set(wanted))
    if twice:
        problem = (
            f"lists {', '.join(twice)} more than once: a URL served by several view functions has "
            "one rule each, with the same text. List each text once"
        )
    elif missing:
        problem = f"leaves out {', '.join(missing)}"
    elif extra:
        problem = f"lists {', '.join(map(repr, extra))}, which is not a rule text of app.url_map"
    else:
        problem = "lists the rule texts, but not in sorted order"
    check.fail(f"GET /routes {problem}.", expected=expected)


def test_static_url(app, client):
    """GET /static-url answers url_for('static', filename='hello.txt'), a URL that serves the file."""
    url = app.url_for("static", filename="hello.txt")
    expect(client.get("/static-url")).status(200).body(url)
    expect(client.get(url)).status(200).body(HELLO)
