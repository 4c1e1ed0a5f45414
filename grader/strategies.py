"""Hypothesis strategies for what learners' routes receive.

They follow the catalogue's rule: no surrogates, ``/``, ``?``, ``#`` or raw
newlines where the concept does not need them, ints under 4300 digits.
"""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import strategies as st

#: Characters a single URL segment may carry to a ``<name>`` variable.
_SEGMENT_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
    blacklist_characters="/?#",
)


def segment_text(min_size: int = 1, max_size: int = 20) -> st.SearchStrategy[str]:
    """Text for one path segment (the value a ``<name>`` route receives)."""
    return st.text(_SEGMENT_CHARS, min_size=min_size, max_size=max_size).filter(
        lambda s: s.strip(".") != ""  # "." and ".." are path steps, not names
    )


def html_text(min_size: int = 1, max_size: int = 20) -> st.SearchStrategy[str]:
    """Segment text rich in the characters HTML escaping is about."""
    special = st.sampled_from(["<", ">", "&", '"', "'", "<b>", "&amp;", "<script>"])
    return (
        st.lists(st.one_of(special, segment_text(1, 4)), min_size=1, max_size=6)
        .map("".join)
        .filter(lambda s: min_size <= len(s) <= max_size * 3)
    )


def path_segments(min_segments: int = 1, max_segments: int = 4) -> st.SearchStrategy[str]:
    """A relative path of non-empty segments joined by ``/`` (what ``<path:...>`` receives)."""
    return st.lists(segment_text(1, 8), min_size=min_segments, max_size=max_segments).map("/".join)


def naturals(max_digits: int = 30) -> st.SearchStrategy[int]:
    """Non-negative ints, small and very large (under the 4300-digit limit)."""
    return st.one_of(st.integers(0, 1000), st.integers(0, 10**max_digits))


def decimal_strings() -> st.SearchStrategy[str]:
    """Strings Flask's ``float`` converter accepts: digits, a dot, digits."""
    return st.builds(
        "{}.{}".format,
        st.integers(0, 10**6),
        st.text("0123456789", min_size=1, max_size=6),
    )


def url_quote(text: str) -> str:
    """``text`` quoted for a URL path, so ``%``, spaces and the like arrive intact."""
    return quote(text, safe="")


#: Characters an HTTP header value may carry: printable ASCII.
_HEADER_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


def header_text(min_size: int = 1, max_size: int = 20) -> st.SearchStrategy[str]:
    """A header value (such as a User-Agent), rich in HTML's special characters.

    No spaces at either end: HTTP drops them, so no app could echo them.
    """
    special = st.sampled_from(["<", ">", "&", '"', "'", "<b>", "&amp;"])
    return (
        st.lists(st.one_of(special, st.text(_HEADER_CHARS, min_size=1, max_size=4)), min_size=1, max_size=6)
        .map("".join)
        .filter(lambda s: s == s.strip() and min_size <= len(s) <= max_size)
    )


def json_numbers() -> st.SearchStrategy[int | float]:
    """Numbers as JSON carries them: ints and finite floats, small enough that any
    way of adding them agrees to within a millionth."""
    return st.one_of(
        st.integers(-(10**12), 10**12),
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    )


def json_non_numbers() -> st.SearchStrategy[object]:
    """JSON values that are not numbers: booleans (Python's bool is an int!),
    null, strings (numeric ones too), lists and objects."""
    return st.one_of(
        st.booleans(),
        st.none(),
        st.sampled_from(["1", "2.5", "", "one"]),
        st.text(max_size=5),
        st.lists(st.integers(0, 9), max_size=2),
        st.dictionaries(st.sampled_from(["n", "value"]), st.integers(0, 9), min_size=1, max_size=1),
    )


def url_text(min_size: int = 1, max_size: int = 20) -> st.SearchStrategy[str]:
    """Segment text rich in what a URL must quote: ``%``, ``?``, ``#``, spaces, non-ASCII.

    For checks of URLs the app builds (``url_for`` quotes these; an f-string does not).
    """
    special = st.sampled_from(["%", "%41", "%2F", "?", "#", " ", "&", "=", "+", "é", "€"])
    return (
        st.lists(st.one_of(special, segment_text(1, 4)), min_size=1, max_size=6)
        .map("".join)
        .filter(lambda s: min_size <= len(s) <= max_size * 3 and s.strip(".") != "")
    )


def status_codes_with_body() -> st.SearchStrategy[int]:
    """HTTP statuses from 200 to 599 whose responses carry a body (all but 204 and 304)."""
    return st.integers(200, 599).filter(lambda code: code not in (204, 304))


def not_naturals() -> st.SearchStrategy[str]:
    """Non-empty strings that are not a natural number in ASCII digits: ``-1``, ``1.5``, ``a``...

    Without ``/``, and without ``_``, spaces or non-ASCII digits, which Python's
    ``int()`` accepts (``int("1_0") == 10``): a check about converters should not
    turn on such trivia.
    """
    typical = st.sampled_from(["a", "abc", "-1", "+1", "1.5", "1e3", "0x1", "one", "½", "1-2", "--"])
    mixed = st.tuples(
        st.text("0123456789", max_size=3), st.sampled_from("abcxyz.-,!~*"), st.text("0123456789", max_size=3)
    )
    return st.one_of(typical, mixed.map("".join))


def json_strings(min_size: int = 0, max_size: int = 30) -> st.SearchStrategy[str]:
    """Any text a JSON string can carry (no surrogates): quotes, newlines and slashes included."""
    return st.text(st.characters(exclude_categories=["Cs"]), min_size=min_size, max_size=max_size)


def json_values(max_leaves: int = 6) -> st.SearchStrategy[object]:
    """Any JSON value: null, booleans, numbers, strings, and lists and objects of them."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=False),
        json_strings(max_size=8),
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(json_strings(max_size=6), children, max_size=3)
        ),
        max_leaves=max_leaves,
    )
