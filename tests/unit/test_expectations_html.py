"""Expectations added for pages, cookies and Location headers, on hand-made responses."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import Headers

from grader import CheckFailure, expect
from grader.client import RequestInfo, Response
from grader.expectations.html import Page


def response(
    body: str = "", status: int = 200, path: str = "/", headers: list[tuple[str, str]] | None = None
) -> Response:
    return Response(
        status_code=status,
        status=f"{status} X",
        headers=Headers([("Content-Type", "text/html; charset=utf-8"), *(headers or [])]),
        data=body.encode(),
        request=RequestInfo("GET", path),
    )


PAGE = """<!doctype html><html><head>
  <title>
     Items  - Shop
  </title><style>li { color: red }</style></head>
<body><nav><ul><li><a href="/">Home</a><li>About</ul></nav>
<h1>Hello, <em>Ann &amp; Bob</em>!</h1>
<ul>
  <li> apple </li>
  <li>banana <b>split</b></li>
  <li>a<ul><li>nested</li></ul></li>
</ul>
<script>var x = "<li>not shown</li>";</script>
</body></html>"""


def test_a_page_is_read_as_a_browser_shows_it():
    page = Page(PAGE)
    assert page.title == "Items - Shop"
    assert "Hello, Ann & Bob!" in page.text
    assert "not shown" not in page.text and "color" not in page.text
    assert [html_list.items for html_list in page.lists] == [
        ["Home", "About"],
        ["apple", "banana split", "a nested"],
        ["nested"],
    ]


def test_page_expectations_pass_on_any_markup_and_name_what_is_missing():
    expect(response(PAGE)).page().title("Items - Shop").shows("Hello, Ann & Bob!").list_items(["Home", "About"])
    with pytest.raises(CheckFailure, match="titled 'Items - Shop'"):
        expect(response(PAGE)).page().title("Home - Shop")
    with pytest.raises(CheckFailure, match=r"has \['Home', 'About'\]"):
        expect(response(PAGE)).page().list_items(["apple"])
    with pytest.raises(CheckFailure, match="without a <title>"):
        expect(response("<p>hi</p>")).page().title("x")


def test_shows_fails_when_a_value_was_not_escaped():
    expect(response("<h1>Hello, &lt;b&gt;!</h1>")).page().shows("Hello, <b>!")
    with pytest.raises(CheckFailure, match="must be escaped"):
        expect(response("<h1>Hello, <b>!</h1>")).page().shows("Hello, <b>!")


def test_cookie_reads_every_set_cookie_header():
    sent = response(headers=[("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "flavor=chocolate; HttpOnly; Path=/")])
    expect(sent).cookie("flavor", "chocolate")
    with pytest.raises(CheckFailure, match="did not set the cookie flavor=vanilla"):
        expect(sent).cookie("flavor", "vanilla")


@pytest.mark.parametrize("location", ["/new", "new", "http://localhost/new", "/n%65w"])
def test_a_location_counts_where_it_leads(location):
    expect(response(status=302, path="/old", headers=[("Location", location)])).redirects_to("/new", 302, 303)


@pytest.mark.parametrize(
    ("location", "leads"),
    [
        ("/profile/%41", "the path '/profile/A'"),
        ("/profile/a?b", "the path '/profile/a' and the query 'b'"),
        ("//evil.example/new", None),
    ],
)
def test_a_wrong_location_says_where_it_leads(location, leads):
    wanted = {"/profile/%41": "/profile/%2541", "/profile/a?b": "/profile/a%3Fb"}.get(location, "/new")
    with pytest.raises(CheckFailure) as failure:
        expect(response(status=302, path="/go", headers=[("Location", location)])).redirects_to(wanted, 302)
    assert f"redirected to {location!r}" in failure.value.summary
    if leads:
        assert leads in failure.value.summary


def test_a_missing_location_is_named():
    with pytest.raises(CheckFailure, match="without a Location header"):
        expect(response(status=201)).location("/notes/1")
