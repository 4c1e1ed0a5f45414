"""Checks for exercise 10: request hooks.

Each check gets a fresh app, so "the first request" and "the count so far"
start anew in every check.
"""

import html

from hypothesis import example, given, settings
from hypothesis import strategies as st

from grader import expect
from grader.strategies import header_text, path_segments, segment_text, url_quote

TOKEN = {"X-Token": "letmein"}
PATHS = st.one_of(
    st.sampled_from(["/", "/admin", "/admin/settings", "/first-seen", "/teardown-count"]),
    segment_text().map(lambda segment: "/" + url_quote(segment)),
)
# (method, path, whether the request carries the admin token); /boom has checks of its own
REQUESTS = st.tuples(st.sampled_from(["GET", "POST", "PUT", "DELETE"]), PATHS, st.booleans())


def send(client, sent):
    method, path, token = sent
    return client.open(path, method=method, headers=TOKEN if token else {})


def count_of(response):
    """The number GET /teardown-count answered, failing the check if it is not one."""
    expect(response).status(200)
    if not (response.text.isascii() and response.text.isdigit()):
        expect(response).fail(
            "GET /teardown-count answered something that is not a whole number.",
            expected="the number of requests torn down so far, such as '3'",
        )
    return int(response.text)


def test_admin_with_token(client):
    """GET /admin with X-Token: letmein answers Welcome, admin."""
    expect(client.get("/admin", headers=TOKEN)).status(200).body("Welcome, admin")


@given(token=st.one_of(st.none(), header_text().filter(lambda token: token != "letmein")))
@example(token=None)
@example(token="")
@example(token="LETMEIN")
def test_admin_needs_token(client, token):
    """GET /admin without X-Token: letmein (no header, or another value) answers 401 Unauthorized."""
    response = client.get("/admin", headers={} if token is None else {"X-Token": token})
    expect(response).status(401).body("Unauthorized")


@given(subpath=path_segments())
@example(subpath="settings")
def test_admin_subpaths(client, subpath):
    """Every path under /admin/ without the token answers 401, whether it has a view or not."""
    quoted = "/".join(url_quote(part) for part in subpath.split("/"))
    expect(client.get("/admin/" + quoted)).status(401)


@given(sent=st.one_of(REQUESTS, st.just(("GET", "/boom", False))))
@example(sent=("GET", "/admin", True))
@example(sent=("GET", "/admin", False))
@example(sent=("GET", "/no-such-page", False))
@example(sent=("POST", "/first-seen", False))
def test_x_app_header(client, sent):
    """Every response carries X-App: flask-exercises: 200, 401, 404, 405 and 500 alike."""
    expect(send(client, sent)).header("X-App", "flask-exercises")


def test_first_seen(client, spawn_app):
    """GET /first-seen answers the path of the app's first request, HTML-escaped, and keeps answering it."""
    first = "/welcome/café <au> lait & co"
    client.get("/welcome/caf%C3%A9%20%3Cau%3E%20lait%20%26%20co")
    for _ in range(2):
        expect(client.get("/first-seen")).status(200).html(first).mimetype("text/html").escaped(first)
    response = spawn_app().test_client().get("/first-seen")
    expect(response).status(200)
    if html.unescape(response.text) != "/first-seen":
        expect(response).fail(
            "In a fresh app whose first request is GET /first-seen, it should answer its own path.",
            expected="'/first-seen'",
        )


def test_teardown_count(client):
    """In a fresh app GET /teardown-count answers 0, then 1; three more requests of any kind make it 5."""
    expect(client.get("/teardown-count")).status(200).body("0")
    expect(client.get("/teardown-count")).status(200).body("1")
    client.get("/admin", headers=TOKEN)
    client.get("/no-such-page")
    client.get("/admin")
    expect(client.get("/teardown-count")).status(200).body("5")


@settings(max_examples=50)  # each example is up to 7 requests
@given(between=st.lists(REQUESTS, max_size=5))
def test_teardown_any_requests(client, between):
    """Any requests in between, whatever they answer, each add one to the count."""
    before = count_of(client.get("/teardown-count"))
    for sent in between:
        send(client, sent)
    expect(client.get("/teardown-count")).status(200).body(str(before + len(between) + 1))


def test_boom_torn_down(client):
    """GET /boom raises, answers 500, and is still torn down and counted."""
    before = count_of(client.get("/teardown-count"))
    expect(client.get("/boom")).status(500)
    expect(client.get("/teardown-count")).status(200).body(str(before + 2))


def test_teardown_hook(app):
    """Requests are counted in a teardown_request hook, which runs whatever happened."""
    expect(app).hook(
        "teardown_request",
        "teardown_appcontext",
        advice="count the requests in a function decorated with @app.teardown_request",
    )
