"""The strategies checks draw from give what they promise: values a route receives
intact, and nothing a check should not turn on (``int("1_0")``, surrogates, ``..``)."""

from __future__ import annotations

from urllib.parse import unquote

from flask import Flask
from hypothesis import given

from grader import strategies

app = Flask(__name__)
app.add_url_rule("/name/<name>", "name", lambda name: name)
app.add_url_rule("/path/<path:rest>", "path", lambda rest: rest)
app.add_url_rule("/int/<int:number>", "int", lambda number: repr(number))
app.add_url_rule("/float/<float:number>", "float", lambda number: repr(number))
client = app.test_client()  # as checks send them: quoted, through the test client


@given(strategies.segment_text())
def test_segment_text_reaches_a_name_variable_intact(text):
    assert client.get("/name/" + strategies.url_quote(text)).text == text


@given(strategies.path_segments())
def test_path_segments_reach_a_path_variable_intact(path):
    assert client.get("/path/" + "/".join(map(strategies.url_quote, path.split("/")))).text == path
    assert "" not in path.split("/")


@given(strategies.naturals())
def test_naturals_are_what_the_int_converter_gives(number):
    assert client.get(f"/int/{number}").text == repr(number)


@given(strategies.not_naturals())
def test_not_naturals_are_refused_by_the_int_converter_and_are_no_ascii_number(text):
    assert text and "/" not in text
    assert client.get("/int/" + strategies.url_quote(text)).status_code == 404
    assert not (text.isascii() and text.isdigit())


@given(strategies.decimal_strings())
def test_decimal_strings_are_accepted_by_the_float_converter(text):
    assert client.get(f"/float/{text}").text == repr(float(text))


@given(strategies.url_text())
def test_url_text_quotes_and_unquotes_back(text):
    assert unquote(strategies.url_quote(text)) == text
    assert "/" not in strategies.url_quote(text)


@given(strategies.header_text())
def test_header_text_is_printable_ascii_without_outer_spaces(text):
    assert text.isascii() and text.isprintable() and text == text.strip()


@given(strategies.status_codes_with_body())
def test_status_codes_with_body_exclude_the_bodyless_ones(code):
    assert 200 <= code <= 599 and code not in (204, 304)


@given(strategies.json_numbers(), strategies.json_non_numbers())
def test_json_numbers_and_non_numbers_do_not_overlap(number, other):
    assert type(number) in (int, float)
    assert type(other) not in (int, float)


@given(strategies.json_strings())
def test_json_strings_hold_no_surrogates(text):
    text.encode("utf-8")  # a lone surrogate cannot be encoded
