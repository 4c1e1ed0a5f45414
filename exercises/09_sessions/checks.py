"""Checks for exercise 09: sessions.

Each test client keeps its own cookies, like a browser: a new client is a new visitor.
"""

from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from grader import expect


def test_secret_key(app):
    """The app has a non-empty secret key, which signs the session cookie."""
    expect(app).secret_key(advice="Flask cannot sign the session cookie without one, and refuses to use the session")


def test_first_visit(client):
    """A new client's first GET /visit answers Visits: 1."""
    expect(client.get("/visit")).status(200).body("Visits: 1")


def test_counts_visits(client):
    """One client visiting /visit five times sees Visits: 1, Visits: 2, ... Visits: 5."""
    for count in range(1, 6):
        expect(client.get("/visit")).status(200).body(f"Visits: {count}")


@settings(max_examples=50)  # each example is up to 8 requests
@given(order=st.lists(st.integers(0, 3), min_size=1, max_size=8))
@example(order=[0, 1])
@example(order=[0, 0, 1, 0, 1])
def test_clients_independent(app, order):
    """Clients visiting in any order each count their own visits, a new one from 1."""
    clients = {}
    counts = Counter()
    for which in order:
        client = clients.setdefault(which, app.test_client())  # a new visitor
        counts[which] += 1
        expect(client.get("/visit")).status(200).body(f"Visits: {counts[which]}")


def test_reset(client):
    """GET /reset answers Reset, and that client's next visit answers Visits: 1 again."""
    for _ in range(3):
        client.get("/visit")
    expect(client.get("/reset")).status(200).body("Reset")
    for count in (1, 2):
        expect(client.get("/visit")).status(200).body(f"Visits: {count}")
