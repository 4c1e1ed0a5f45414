"""Checks for exercise 11: status codes, headers, cookies and make_response."""

from hypothesis import given

from grader import expect
from grader.strategies import status_codes_with_body


def test_created(client):
    """GET /created answers 201 with the body Created."""
    expect(client.get("/created")).status(201).body("Created")


def test_teapot(client):
    """GET /teapot answers 418 with the body I'm a teapot."""
    expect(client.get("/teapot")).status(418).html("I'm a teapot")


def test_with_header(client):
    """GET /with-header answers 200 OK with the header X-Exercise: responses."""
    expect(client.get("/with-header")).status(200).body("OK").header("X-Exercise", "responses")


def test_cookie(client):
    """GET /cookie answers Cookie set and sets the cookie flavor=chocolate."""
    expect(client.get("/cookie")).status(200).body("Cookie set").cookie("flavor", "chocolate")


def test_json(client):
    """GET /json answers the JSON {"ok": true}."""
    expect(client.get("/json")).status(200).json({"ok": True})


def test_empty(client):
    """GET /empty answers 204 No Content with no body."""
    expect(client.get("/empty")).status(204).empty()


@given(code=status_codes_with_body())
def test_any_status(client, code):
    """GET /status/CODE answers Status CODE with that status, for every code 200-599 but 204 and 304."""
    expect(client.get(f"/status/{code}")).status(code).body(f"Status {code}")


def test_status_needs_an_int(client):
    """/status/abc and /status/-1 answer 404 (the int converter turns them away), while /status/201 answers 201."""
    expect(client.get("/status/201")).status(201)
    for path in ("/status/abc", "/status/-1"):
        expect(client.get(path)).status(404)
