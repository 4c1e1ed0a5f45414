"""Finding elements in an HTML page, the way a browser reads their tags."""

from __future__ import annotations

from html.parser import HTMLParser


class _TagCollector(HTMLParser):
    def __init__(self, tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tag = tag.lower()
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.tag:  # the parser lowercases tag and attribute names
            self.found.append({name: value or "" for name, value in attrs})

    handle_startendtag = handle_starttag


def find_elements(page: str, tag: str) -> list[dict[str, str]]:
    """The attributes of every ``<tag ...>`` in ``page``, in order (names lowercased, values unescaped)."""
    collector = _TagCollector(tag)
    collector.feed(page)
    collector.close()
    return collector.found


def start_tag(tag: str, attributes: dict[str, str]) -> str:
    """``<form method="post">``: how an element is shown to learners."""
    shown = "".join(f' {name}="{value}"' for name, value in attributes.items())
    return f"<{tag}{shown}>"
