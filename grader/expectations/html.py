"""Expectations about an HTML page as a browser shows it: title, visible text, lists.

Templates differ in whitespace, attributes and extra markup; these checks see
past that. A page is parsed with the standard library's ``html.parser``,
entities are decoded and runs of whitespace collapse to one space, as a browser
renders them::

    expect(client.get("/items")).status(200).page().title("Items - Shop").list_items(["a", "b"])

Because the text is what the browser would show, ``shows()`` also checks
escaping: a name with ``<b>`` that was not escaped becomes a tag, not text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from grader.display import quote

if TYPE_CHECKING:
    from grader.expectations.response import ResponseExpectation

#: What HTML counts as whitespace (not the non-breaking space, which shows).
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_HIDDEN = {"script", "style", "title", "template"}
_LISTS = {"ul", "ol"}


def collapse(text: str) -> str:
    """``text`` with each run of HTML whitespace made one space, ends stripped."""
    return _HTML_SPACE.sub(" ", text).strip()


@dataclass
class HtmlList:
    """One ``<ul>`` or ``<ol>``: the text of each of its own ``<li>`` items."""

    tag: str
    items: list[str] = field(default_factory=list)
    open_item: list[str] | None = None  # text of the <li> being read

    def close_item(self) -> None:
        if self.open_item is not None:
            self.items.append(collapse("".join(self.open_item)))
            self.open_item = None


class Page(HTMLParser):
    """A parsed page: ``title``, visible ``text``, and every list with its items."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._title: list[str] | None = None
        self._text: list[str] = []
        self._hidden: list[str] = []  # open elements whose text is not shown
        self._open_lists: list[HtmlList] = []
        self.lists: list[HtmlList] = []
        self.feed(source)
        self.close()
        for html_list in self._open_lists:  # lists left open at the end still count
            html_list.close_item()

    @property
    def title(self) -> str | None:
        """The ``<title>``'s text, collapsed; None when the page has none."""
        return None if self._title is None else collapse("".join(self._title))

    @property
    def text(self) -> str:
        """The text a browser shows in the page (no title, scripts or styles), collapsed."""
        return collapse("".join(self._text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and self._title is None:
            self._title = []
        if tag in _HIDDEN:
            self._hidden.append(tag)
        elif tag in _LISTS:
            html_list = HtmlList(tag)  # nested lists' text also joins the outer item
            self._open_lists.append(html_list)
            self.lists.append(html_list)
        elif tag == "li" and self._open_lists:
            current = self._open_lists[-1]
            current.close_item()  # "<li>a<li>b": a new item ends the previous one
            current.open_item = []
        if tag in ("br", "p", "div", "li", "h1", "h2", "h3", "tr"):
            self._add_text(" ")  # block boundaries separate words, as on screen

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and tag in self._hidden:
            while self._hidden and self._hidden.pop() != tag:
                pass
        elif tag == "li" and self._open_lists:
            self._open_lists[-1].close_item()
        elif tag in _LISTS and any(html_list.tag == tag for html_list in self._open_lists):
            while self._open_lists:
                html_list = self._open_lists.pop()
                html_list.close_item()
                if html_list.tag == tag:
                    break

    def handle_data(self, data: str) -> None:
        if self._hidden:
            if self._hidden[-1] == "title" and self._title is not None:
                self._title.append(data)
            return
        self._add_text(data)

    def _add_text(self, data: str) -> None:
        self._text.append(data)
        for html_list in self._open_lists:
            if html_list.open_item is not None:
                html_list.open_item.append(data)


class PageExpectation:
    """Chainable checks on an HTML response's page; get one with ``expect(r).page()``."""

    def __init__(self, response: ResponseExpectation) -> None:
        self.response = response
        self.page = Page(response.response.text)

    def title(self, expected: str | Callable[[str], bool], describe: str = "") -> PageExpectation:
        """The ``<title>`` is ``expected`` (whitespace collapsed), or satisfies it if callable."""
        actual = self.page.title
        wanted = describe or (f"<title>{expected}</title>" if isinstance(expected, str) else "another title")
        if actual is None:
            self.response.fail(f"{self._request_line} answered a page without a <title>.", expected=wanted)
        ok = expected(actual) if callable(expected) else actual == collapse(expected)
        if not ok:
            self.response.fail(f"{self._request_line} answered a page titled {quote(actual)}.", expected=wanted)
        return self

    def shows(self, text: str) -> PageExpectation:
        """The page shows ``text`` as text: entities decoded, markup ignored, whitespace collapsed.

        Fails when a value meant as text was not escaped (its ``<b>`` became a tag).
        """
        wanted = collapse(text)
        if wanted not in self.page.text:
            self.response.fail(
                f"{self._request_line} answered a page that does not show {quote(wanted)}; "
                f"the page shows {quote(self.page.text)}.",
                expected=f"a page showing the text {quote(wanted)}"
                + (
                    "\n(text that came from the user must be escaped, or the browser reads it as HTML)"
                    if set(text) & set("<>&")
                    else ""
                ),
            )
        return self

    def list_items(self, items: list[str], tag: str = "ul") -> PageExpectation:
        """Some ``<ul>`` (or ``tag``) has exactly these items, in this order."""
        wanted = [collapse(item) for item in items]
        found = [html_list.items for html_list in self.page.lists if html_list.tag == tag]
        if wanted not in found:
            seen = "; ".join(str(items) for items in found) if found else f"no <{tag}> at all"
            self.response.fail(
                f"{self._request_line} answered a page without a <{tag}> of exactly these items; it has {seen}.",
                expected=f"a <{tag}> with one <li> per item, in order: {wanted}",
            )
        return self

    @property
    def _request_line(self) -> str:
        request = self.response.response.request
        return f"{request.method} {request.url}"
