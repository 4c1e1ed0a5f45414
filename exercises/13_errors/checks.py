"""Checks for exercise 13: abort and error handlers."""

from hypothesis import given

from grader import Response, expect
from grader.strategies import naturals, path_segments, url_quote

USERS = {1: "alice", 2: "bob"}
NOT_FOUND = {"error": "not found"}


def _routed(path: str) -> bool:
    """Whether ``path`` matches one of the exercise's routes."""
    first, _, rest = path.partition("/")
    return path in ("admin", "crash") or (first == "users" and rest.isdigit())


def expect_not_found(response: Response) -> None:
    """404 with the JSON {"error": "not found"}; a 200 or 500 gets its usual cause explained."""
    check = expect(response)
    wanted = 'status 404 with the JSON {"error": "not found"}'
    request = f"{response.request.method} {response.request.url}"
    if response.status_code == 200:
        check.fail(
            f"{request} answered 200 OK instead of 404. An error handler's return value is an "
            'ordinary response: return the status with the body, as in return {"error": "not found"}, 404.',
            expected=wanted,
            reason="status",
        )
    if response.status_code == 500:
        why = (
            "your code raised an exception (below) instead of calling abort(404)"
            if response.error
            else "does an except clause catch the exception that abort(404) raises?"
        )
        check.fail(f"{request} answered 500 instead of 404: {why}", expected=wanted)
    check.status(404).json(NOT_FOUND)


def test_users(client):
    """GET /users/1 answers alice and /users/2 answers bob."""
    for user_id, name in USERS.items():
        expect(client.get(f"/users/{user_id}")).status(200).body(name)


@given(user_id=naturals().filter(lambda n: n not in USERS))
def test_missing_user(client, user_id):
    """GET /users/ID for an id not in USERS answers 404 with the JSON {"error": "not found"}."""
    expect_not_found(client.get(f"/users/{user_id}"))


@given(path=path_segments().filter(lambda p: not _routed(p)))
def test_unknown_url(client, path):
    """A URL that matches no route answers 404 with the JSON {"error": "not found"}, too."""
    expect_not_found(client.get("/" + "/".join(url_quote(part) for part in path.split("/"))))


def test_admin_forbidden(client):
    """GET /admin answers 403 Forbidden."""
    expect(client.get("/admin")).status(403)


def test_crash(client):
    """GET /crash, whose view raises, answers 500 with the body Something went wrong."""
    response = client.get("/crash")
    if response.status_code == 200:
        expect(response).fail(
            "GET /crash answered 200 OK instead of 500: your 500 handler must return the status "
            'with the body, as in return "Something went wrong", 500.',
            expected="status 500 with the body 'Something went wrong'",
            reason="status",
        )
    expect(response).status(500).body("Something went wrong")
