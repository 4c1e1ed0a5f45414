"""check50 checks equivalent to exercises/04_converters/checks.py (for the benchmark)."""

import html
import sys
from pathlib import Path

import check50
import check50.flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples import decimals, names, naturals, url  # noqa: E402


def body(app, expected, unescape=False):
    actual = app.response.get_data(as_text=True)
    if (html.unescape(actual) if unescape else actual) != expected:
        raise check50.Mismatch(expected, actual)


@check50.check()
def exists():
    """app.py exists"""
    check50.exists("app.py")


@check50.check(exists)
def item():
    """GET /item/42 answers Item 42, and /item/007 answers Item 7."""
    app = check50.flask.app("app.py")
    body(app.get("/item/42").status(200), "Item 42")
    body(app.get("/item/007").status(200), "Item 7")


@check50.check(exists)
def any_item():
    """GET /item/N answers Item N for every non-negative int N."""
    app = check50.flask.app("app.py")
    for n in naturals(5):
        body(app.get(f"/item/{n}").status(200), f"Item {n}")


@check50.check(exists)
def next_item():
    """GET /item/N/next answers Next item: N+1."""
    app = check50.flask.app("app.py")
    for n in naturals(6):
        body(app.get(f"/item/{n}/next").status(200), f"Next item: {n + 1}")


@check50.check(exists)
def item_rejects_non_int():
    """/item/abc, /item/-1 and /item/1.5 answer 404."""
    app = check50.flask.app("app.py")
    app.get("/item/1").status(200)
    for path in ("/item/abc", "/item/-1", "/item/1.5"):
        app.get(path).status(404)


@check50.check(exists)
def price():
    """GET /price/X.Y answers Price: with two decimals."""
    app = check50.flask.app("app.py")
    for amount in decimals(7):
        body(app.get("/price/3.5").status(200), "Price: 3.50")
        body(app.get(f"/price/{amount}").status(200), f"Price: {float(amount):.2f}")


@check50.check(exists)
def price_needs_a_dot():
    """/price/3 answers 404, while /price/3.0 answers 200."""
    app = check50.flask.app("app.py")
    app.get("/price/3.0").status(200)
    app.get("/price/3").status(404)


@check50.check(exists)
def file_path():
    """GET /files/SUBPATH answers File: SUBPATH."""
    app = check50.flask.app("app.py")
    for first, second in zip(names(8), names(9), strict=False):
        subpath = f"{first}/{second}"
        body(app.get(f"/files/{url(first)}/{url(second)}").status(200), f"File: {subpath}", unescape=True)
