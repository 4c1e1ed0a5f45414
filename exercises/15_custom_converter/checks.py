"""Checks for exercise 15: a custom converter for lists of numbers such as 1+2+3."""

from hypothesis import given
from hypothesis import strategies as st

from grader import expect, fail
from grader.strategies import naturals, not_naturals, url_quote

NUMBER_LISTS = st.lists(naturals(max_digits=12), min_size=1, max_size=6)


@st.composite
def parts_with_a_non_number(draw: st.DrawFn) -> list[str]:
    """The parts of a /sum/ URL, one of them not a number (maybe empty, as in 1++2)."""
    parts = [str(n) for n in draw(st.lists(naturals(max_digits=6), max_size=3))]
    parts.insert(draw(st.integers(0, len(parts))), draw(st.one_of(not_naturals(), st.just(""))))
    return parts


def test_registered(app):
    """A converter is registered as list and used by the route /sum/<list:numbers>."""
    expect(app).converter("list").route("/sum/<list:numbers>")


def test_sum(client):
    """GET /sum/1+2+3 answers Sum: 6."""
    expect(client.get("/sum/1+2+3")).status(200).body("Sum: 6")


@given(numbers=NUMBER_LISTS)
def test_any_sum(client, numbers):
    """GET /sum/A+B+... answers the sum, for any non-negative numbers."""
    path = "/sum/" + "+".join(map(str, numbers))
    expect(client.get(path)).status(200).body(f"Sum: {sum(numbers)}")


# Digits that are not 0-9: a regex's \d matches them and int() reads them, but the README
# asks for the digits 0-9 (Arabic-Indic, fullwidth, Devanagari).
NON_ASCII_DIGITS = ("١+٢", "１２", "1+३")


def test_not_numbers_404(client):
    """A URL with a part that is not a number (x, -1, 1.5, an empty part, digits other than 0-9) answers 404."""
    expect(client.get("/sum/1")).status(200)
    for text in NON_ASCII_DIGITS:
        response = client.get("/sum/" + url_quote(text))
        if response.status_code == 200:
            expect(response).fail(
                f"GET {response.request.url} ({text}) answered 200: {text!r} holds digits other than 0-9, "
                "which a regex's \\d matches and int() reads. Match the digits 0-9 only: [0-9] instead of \\d.",
                expected="status 404",
            )
        expect(response).status(404)
    any_non_number_404(client)


@given(parts=parts_with_a_non_number())
def any_non_number_404(client, parts: list[str]) -> None:
    response = client.get("/sum/" + "+".join(url_quote(part) for part in parts))
    if response.status_code == 500:
        expect(response).fail(
            f"GET {response.request.url} answered 500: your converter raised an exception (below) "
            "instead of rejecting the URL. Raise ValidationError (from werkzeug.routing) in to_python, "
            "or make the regex match only digits joined by +.",
            expected="status 404",
        )
    expect(response).status(404)


def test_url_for_builds(app):
    """url_for('sum_numbers', numbers=[1, 2, 3]) builds /sum/1+2+3, and likewise for any list."""
    expect_built(app, [1, 2, 3])
    any_list_built(app)


@given(numbers=NUMBER_LISTS)
def any_list_built(app, numbers: list[int]) -> None:
    expect_built(app, numbers)


def expect_built(app, numbers: list[int]) -> None:
    url = app.url_for("sum_numbers", numbers=numbers)
    wanted = "/sum/" + "+".join(map(str, numbers))
    if url != wanted:
        fail(f"url_for('sum_numbers', numbers={numbers!r}) built {url!r}.", expected=wanted, actual=url)


def test_sum_url(client):
    """GET /sum-url answers /sum/1+2+3, the URL url_for builds for [1, 2, 3]."""
    expect(client.get("/sum-url")).status(200).body("/sum/1+2+3")
