"""Checks for exercise 08: the application context, current_app and g."""

from hypothesis import given, settings
from hypothesis import strategies as st

from grader import expect, fail
from grader.strategies import header_text

# None: no X-User header at all.
USERS = st.one_of(st.none(), st.sampled_from(["alice", "bob", "Ada Lovelace"]))


def test_greeting_config(app):
    """app.config["GREETING"] is "Hello"."""
    expect(app).config("GREETING", "Hello")


def test_get_greeting(app):
    """The helper get_greeting() returns the greeting, Hello."""
    value = app.call("get_greeting")
    if value != "Hello":
        fail(
            "get_greeting(), called while your app handled a request, did not return the greeting.",
            expected="'Hello'",
            actual=repr(value),
        )


def test_get_greeting_current_app(app):
    """get_greeting() reads the GREETING of current_app, the app handling the request."""
    value = app.call("get_greeting", other_app_config={"GREETING": "Bonjour"})
    if value != "Bonjour":
        fail(
            f"get_greeting() returned {value!r} while another app, whose GREETING is 'Bonjour', "
            "handled the request: it reads your module's `app` (or a fixed text), not current_app.",
            expected="'Bonjour', from current_app.config[\"GREETING\"]",
            actual=repr(value),
        )


def test_greeting_route(client):
    """GET /greeting answers Hello."""
    expect(client.get("/greeting")).status(200).body("Hello")


def test_app_name(app, client, spawn_app):
    """GET /app-name answers current_app.name, whatever the module is called."""
    expect(client.get("/app-name")).status(200).body(app.name)
    renamed = spawn_app(module_name="shop")
    expect(renamed.test_client().get("/app-name")).status(200).body(renamed.name)


def test_whoami(client):
    """GET /whoami with header X-User: alice answers alice."""
    for user in ("alice", "Ada Lovelace"):
        expect(client.get("/whoami", headers={"X-User": user})).status(200).mimetype("text/html").html(user)


@given(user=header_text())
def test_whoami_escaped(client, user):
    """An X-User with <, >, & or quotes is HTML-escaped, never sent as markup."""
    expect(client.get("/whoami", headers={"X-User": user})).status(200).escaped(user)


def test_whoami_anonymous(client):
    """GET /whoami without X-User, or with it empty, answers anonymous."""
    expect(client.get("/whoami")).status(200).body("anonymous")
    expect(client.get("/whoami", headers={"X-User": ""})).status(200).body("anonymous")


@settings(max_examples=50)  # each example is up to 7 requests
@given(visits=st.lists(st.tuples(st.integers(0, 1), USERS), min_size=1, max_size=6))
def test_g_per_request(app, visits):
    """g starts empty for every request: each answer names that request's user only."""
    clients = [app.test_client(), app.test_client()]
    for which, user in [(0, "mallory"), *visits]:
        response = clients[which].get("/whoami", headers={} if user is None else {"X-User": user})
        expect(response).status(200).body(user or "anonymous")


def test_before_request_hook(app):
    """A before_request hook is registered (it sets g.user)."""
    expect(app).hook(
        "before_request",
        advice="set g.user in a function decorated with @app.before_request, so that every view can use it",
    )
