"""Checks for exercise 07: the request object."""

import math
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from grader import expect, json_text
from grader.strategies import header_text, json_non_numbers, json_numbers, segment_text

ERROR = 'JSON {"error": "..."}: an object with a message under "error"'


def is_error(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("error"), str) and bool(data["error"].strip())


def expect_error(response) -> None:
    expect(response).status(400).json(where=is_error, describe=ERROR)


@given(msg=segment_text())
@example(msg="hello")
def test_echo(client, msg):
    """GET /echo?msg=M answers M, for any text M."""
    expect(client.get("/echo", query_string={"msg": msg})).status(200).body(msg)


def test_echo_plain_text(client):
    """/echo answers text/plain, so a message like <b>hi</b> shows as text."""
    expect(client.get("/echo", query_string={"msg": "<b>hi</b>"})).status(200).mimetype("text/plain")


def test_echo_needs_msg(client):
    """GET /echo without msg, or with msg empty, answers 400 (while ?msg=x answers 200)."""
    expect(client.get("/echo", query_string={"msg": "x"})).status(200)
    expect(client.get("/echo")).status(400)
    expect(client.get("/echo", query_string={"msg": ""})).status(400)


def test_agent(client):
    """GET /agent answers Your browser is UA, with the User-Agent the client sent."""
    for agent in ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "curl/8.5.0"):
        response = client.get("/agent", headers={"User-Agent": agent})
        expect(response).status(200).mimetype("text/html").html(f"Your browser is {agent}")


@given(agent=header_text())
def test_agent_escaped(client, agent):
    """A User-Agent with <, >, & or quotes is HTML-escaped, never sent as markup."""
    response = client.get("/agent", headers={"User-Agent": agent})
    expect(response).status(200).escaped(agent, prefix="Your browser is ")


@given(numbers=st.lists(json_numbers(), max_size=8))
@example(numbers=[1, 2, 3.5])
@example(numbers=[])
def test_sum(client, numbers):
    """POST /sum with {"numbers": [...]} answers JSON {"sum": S}, for ints and floats."""
    total = sum(numbers)

    def is_sum(data: Any) -> bool:
        value = data.get("sum") if isinstance(data, dict) and set(data) == {"sum"} else None
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return is_number and math.isclose(value, total, rel_tol=1e-9, abs_tol=1e-6)

    response = client.post("/sum", json={"numbers": numbers})
    expect(response).status(200).json(where=is_sum, describe=json_text({"sum": total}))


@given(numbers=st.lists(json_numbers(), max_size=4), bad=json_non_numbers(), position=st.integers(0, 4))
@example(numbers=[1, 2], bad=True, position=1)
@example(numbers=[1], bad="2", position=1)
@example(numbers=[], bad=None, position=0)
def test_sum_rejects_non_numbers(client, numbers, bad, position):
    """A list holding anything that is not a number (true, "1", null, ...) answers 400 with a JSON error."""
    numbers = [*numbers[:position], bad, *numbers[position:]]
    expect_error(client.post("/sum", json={"numbers": numbers}))


def test_sum_missing_numbers(client):
    """A JSON body without a list under "numbers" answers 400 with a JSON error."""
    for body in ({}, {"nums": [1, 2]}, {"numbers": None}, {"numbers": 5}, [1, 2]):
        expect_error(client.post("/sum", json=body))


def test_sum_broken_json(client):
    """A body that is not valid JSON answers 400 with a JSON error; one sent as text/plain, 400 or 415."""
    for body in ('{"numbers": [1, 2', "numbers=1,2", ""):
        expect_error(client.post("/sum", data=body, content_type="application/json"))
    expect(client.post("/sum", data='{"numbers": [1, 2]}', content_type="text/plain")).status(400, 415)


def test_method(client):
    """/method answers GET, POST, PUT and DELETE with the method's name."""
    for method in ("GET", "POST", "PUT", "DELETE"):
        expect(client.open("/method", method=method)).status(200).body(method)


def test_method_not_allowed(client):
    """PATCH /method answers 405 (while GET /method answers 200)."""
    expect(client.get("/method")).status(200)
    expect(client.patch("/method")).status(405)
