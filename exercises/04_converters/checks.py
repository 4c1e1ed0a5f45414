"""Checks for exercise 04: int, float and path converters."""

from hypothesis import given

from grader import expect
from grader.strategies import decimal_strings, naturals, path_segments, url_quote


def test_item(client):
    """GET /item/42 answers Item 42, and /item/007 answers Item 7."""
    expect(client.get("/item/42")).status(200).body("Item 42")
    expect(client.get("/item/007")).status(200).body("Item 7")


@given(item_id=naturals())
def test_any_item(client, item_id):
    """GET /item/N answers Item N for every non-negative int N."""
    expect(client.get(f"/item/{item_id}")).status(200).body(f"Item {item_id}")


@given(item_id=naturals())
def test_next_item(client, item_id):
    """GET /item/N/next answers Next item: N+1."""
    expect(client.get(f"/item/{item_id}/next")).status(200).body(f"Next item: {item_id + 1}")


def test_item_rejects_non_int(client):
    """/item/abc, /item/-1 and /item/1.5 answer 404, while /item/1 answers 200."""
    expect(client.get("/item/1")).status(200)
    for path in ("/item/abc", "/item/-1", "/item/1.5"):
        expect(client.get(path)).status(404)


def test_next_rejects_non_int(client):
    """/item/abc/next, /item/-1/next and /item/1.5/next answer 404, while /item/1/next answers 200."""
    expect(client.get("/item/1/next")).status(200)
    for path in ("/item/abc/next", "/item/-1/next", "/item/1.5/next"):
        expect(client.get(path)).status(404)


@given(amount=decimal_strings())
def test_price(client, amount):
    """GET /price/X.Y answers Price: with the amount to two decimals."""
    # The generated amount first: a failure then shows the request of the example.
    expect(client.get(f"/price/{amount}")).status(200).body(f"Price: {float(amount):.2f}")
    expect(client.get("/price/3.5")).status(200).body("Price: 3.50")


def test_price_needs_a_dot(client):
    """/price/3 answers 404 (not a float), while /price/3.0 answers 200."""
    expect(client.get("/price/3.0")).status(200)
    expect(client.get("/price/3")).status(404)


@given(subpath=path_segments())
def test_file_path(client, subpath):
    """GET /files/SUBPATH answers File: SUBPATH, slashes included."""
    quoted = "/".join(url_quote(part) for part in subpath.split("/"))
    expect(client.get("/files/" + quoted)).status(200).html(f"File: {subpath}")
