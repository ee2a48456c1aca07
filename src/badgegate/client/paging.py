"""Pages of the list endpoints: RFC 8288 ``Link`` headers, ``X-Total-Count`` and safe walking."""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from badgegate.client.errors import ProtocolError
from badgegate.transport import redact

Item = TypeVar("Item")


def parse_link_header(value: str | None) -> dict[str, str]:
    """Map each relation type of an RFC 8288 ``Link`` header to its target URL.

    Understands several links in one header, quoted and unquoted ``rel`` values, several
    relation types in one ``rel`` (``rel="next last"``), and commas or semicolons inside ``<…>``
    and quoted parameters. Relation types are lower-cased; the first link of a relation wins.
    """
    links: dict[str, str] = {}
    scanner = _LinkScanner(value or "")
    while scanner.skip(" \t,"):
        target = scanner.target()
        if target is None:
            break
        for name, param in scanner.params():
            if name == "rel":
                for rel in param.split():
                    links.setdefault(rel.lower(), target)
    return links


class _LinkScanner:
    """A cursor over a ``Link`` header value (RFC 8288 section 3)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def skip(self, characters: str) -> bool:
        """Skip ``characters``; return whether anything is left."""
        while self.position < len(self.text) and self.text[self.position] in characters:
            self.position += 1
        return self.position < len(self.text)

    def target(self) -> str | None:
        """Read ``<URI>``; ``None`` when the text there is not one."""
        if self.text[self.position] != "<":
            return None
        end = self.text.find(">", self.position)
        if end < 0:
            return None
        uri = self.text[self.position + 1 : end].strip()
        self.position = end + 1
        return uri

    def params(self) -> Iterator[tuple[str, str]]:
        """Read ``; name=value`` pairs up to the comma ending this link."""
        while self.skip(" \t") and self.text[self.position] == ";":
            self.position += 1
            self.skip(" \t")
            name = self._until("=;,").strip().lower()
            value = ""
            if self.position < len(self.text) and self.text[self.position] == "=":
                self.position += 1
                self.skip(" \t")
                value = self._quoted() if self._at('"') else self._until(";,").strip()
            yield name, value

    def _at(self, character: str) -> bool:
        return self.position < len(self.text) and self.text[self.position] == character

    def _until(self, stops: str) -> str:
        start = self.position
        while self.position < len(self.text) and self.text[self.position] not in stops:
            self.position += 1
        return self.text[start : self.position]

    def _quoted(self) -> str:
        self.position += 1
        characters: list[str] = []
        while self.position < len(self.text) and self.text[self.position] != '"':
            if self.text[self.position] == "\\" and self.position + 1 < len(self.text):
                self.position += 1
            characters.append(self.text[self.position])
            self.position += 1
        self.position += 1
        return "".join(characters)


def parse_total(value: str | None) -> int | None:
    """The ``X-Total-Count`` value, ``None`` when absent; a malformed value is a protocol error."""
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit():
        raise ProtocolError(f"engine sent X-Total-Count {value!r}; expected a non-negative integer")
    return int(text)


@dataclasses.dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of a list endpoint.

    ``items`` are the records (for credentials: those in ``credential``), ``compact_jws`` the
    compact JWS strings of ``compactJwsString`` (credentials only), ``total`` the
    ``X-Total-Count`` (``None`` when the engine did not send it) and ``links`` the ``Link``
    header as relation type → absolute URL.
    """

    items: list[Item]
    total: int | None
    links: dict[str, str]
    compact_jws: list[str] = dataclasses.field(default_factory=list)
    url: str = ""

    @property
    def next_url(self) -> str | None:
        """The URL of the next page, if the engine says there is one."""
        return self.links.get("next")

    def __len__(self) -> int:
        return len(self.items) + len(self.compact_jws)


def walk_pages(
    first: Page[Item], fetch: Callable[[str], Page[Item]], *, base_url: str
) -> Iterator[Page[Item]]:
    """Yield ``first`` and every page after it by following ``next`` links.

    Stops with a :class:`ProtocolError` instead of looping or silently losing records when the
    engine's paging is inconsistent: a ``next`` link seen before, a ``next`` link leaving the
    engine's origin, an empty page with a ``next`` link, a total that changes between pages,
    or a walk whose item count disagrees with ``X-Total-Count``.
    """
    seen = {first.url}
    page, count = first, 0
    while True:
        count += len(page)
        _check_total(first, page, count)
        yield page
        next_url = page.next_url
        if next_url is None:
            _check_complete(first, count)
            return
        _check_next(page, next_url, seen, base_url)
        seen.add(next_url)
        page = fetch(next_url)


def _check_total(first: Page[Any], page: Page[Any], count: int) -> None:
    if page.total != first.total:
        raise ProtocolError(
            f"engine paging is inconsistent: X-Total-Count was {first.total} on the first page "
            f"and {page.total} at {redact(page.url)}"
        )
    if first.total is not None and count > first.total:
        raise ProtocolError(
            f"engine paging is inconsistent: {count} items so far at {redact(page.url)} but "
            f"X-Total-Count is {first.total} (an item was served twice?)"
        )


def _check_complete(first: Page[Any], count: int) -> None:
    if first.total is not None and count != first.total:
        raise ProtocolError(
            f"engine paging is inconsistent: the pages held {count} items but X-Total-Count "
            f"is {first.total} (an item was skipped?)"
        )


def _check_next(page: Page[Any], next_url: str, seen: set[str], base_url: str) -> None:
    if next_url in seen:
        raise ProtocolError(
            f"engine paging loops: the next link of {redact(page.url)} points back to "
            f"{redact(next_url)}, already fetched"
        )
    if len(page) == 0:
        raise ProtocolError(
            f"engine paging is inconsistent: {redact(page.url)} is empty but has a next link"
        )
    if not same_origin(next_url, base_url):
        raise ProtocolError(
            f"engine's next link {redact(next_url)} leaves {redact(base_url)}; "
            "not following it (the token would be sent to another server)"
        )


def same_origin(url: str, base_url: str) -> bool:
    """True when ``url`` has the scheme, host and port of ``base_url``."""
    left, right = urllib.parse.urlsplit(url), urllib.parse.urlsplit(base_url)
    return (left.scheme.lower(), left.netloc.lower()) == (
        right.scheme.lower(),
        right.netloc.lower(),
    )
