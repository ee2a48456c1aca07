"""Stored as sent: a record a Host accepted is served back unchanged, member for member.

OB 3.0 asks a Host to keep what it is sent: "MUST preserve data so a later getCredentials
returns the same credential" (§6.9, with the equality of §8.5), and a Profile accepted by
``PUT /profile`` is the Profile ``GET /profile`` serves (§6.3, §6.4). Each difference is a
finding naming the record and the JSON pointer (RFC 6901) of what changed.

Equality is JSON equality where JSON-LD gives order no meaning: object members are unordered,
a number equals the same number however it is spelled (``1`` and ``1.0``), and an array is a
set except those of :data:`badgegate.ob3.ORDERED_ARRAYS` (``@context`` first), whose order must
stay as sent. A Host may reorder ``type`` or ``tag``; it may not reorder ``@context``.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from typing import Any

from badgegate.findings import Finding
from badgegate.ob3 import ORDERED_ARRAYS

#: What a served credential rests on (the Provider (Write) conformance role).
CREDENTIAL_SECTION = "OB 3.0 §6.9 Provider (Write): a later getCredentials returns it (§8.5)"
#: What a served Profile rests on.
PROFILE_SECTION = "OB 3.0 §6.4 putProfile: the entire Profile, as getProfile (§6.3) serves it"
#: What a served record of badgegate's extension API rests on.
EXTENSION_SECTION = "badgegate extension API: GET serves the record as the PUT stored it"


def stored_changes(
    sent: Any, served: Any, *, record_id: str | None = None, section: str = CREDENTIAL_SECTION
) -> list[Finding]:
    """Every way ``served`` differs from the accepted ``sent`` (empty: stored as sent)."""
    return list(_Comparison(record_id, section).compare(sent, served, "", ordered=False))


def pointer_to(parent: str, token: str | int) -> str:
    """The JSON pointer of member or index ``token`` under ``parent`` (RFC 6901 escaping)."""
    return f"{parent}/{str(token).replace('~', '~0').replace('/', '~1')}"


def same_json(left: Any, right: Any) -> bool:
    """JSON equality: numbers by value (booleans are no numbers), arrays in order."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_json(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same_json, left, right))
    return type(left) is type(right) and left == right


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _changed_value(sent: Any, served: Any) -> str:
    if isinstance(sent, str) and isinstance(served, str):
        for form in ("NFC", "NFD", "NFKC", "NFKD"):
            if unicodedata.normalize(form, served) == sent != served:
                return f"served as the same text in another Unicode form (sent is {form})"
    return "served with another value than was accepted"


def _set_key(value: Any) -> str:
    """A key equal for values that :func:`same_json` calls equal (whole floats as integers)."""

    def normal(item: Any) -> Any:
        if isinstance(item, float) and item.is_integer():
            return int(item)
        if isinstance(item, dict):
            return {name: normal(member) for name, member in item.items()}
        if isinstance(item, list):
            return [normal(member) for member in item]
        return item

    return json.dumps(normal(value), sort_keys=True, ensure_ascii=False)


class _Comparison:
    def __init__(self, record_id: str | None, section: str) -> None:
        self.record_id = record_id
        self.section = section

    def finding(self, rule: str, message: str, pointer: str, **values: Any) -> Finding:
        return Finding(
            rule, message, pointer, record_id=self.record_id, section=self.section, **values
        )

    def compare(self, sent: Any, served: Any, pointer: str, *, ordered: bool) -> Iterator[Finding]:
        if isinstance(sent, dict) and isinstance(served, dict):
            yield from self.members(sent, served, pointer)
        elif isinstance(sent, list) and isinstance(served, list):
            yield from (self.in_order if ordered else self.in_any_order)(sent, served, pointer)
        elif not same_json(sent, served):
            yield self.finding(
                "stored-value-changed",
                _changed_value(sent, served),
                pointer,
                expected=sent,
                actual=served,
            )

    def members(
        self, sent: dict[str, Any], served: dict[str, Any], pointer: str
    ) -> Iterator[Finding]:
        extra = [name for name in served if name not in sent]
        renamed: set[str] = set()
        for name, value in sent.items():
            child = pointer_to(pointer, name)
            if name in served:
                yield from self.compare(value, served[name], child, ordered=name in ORDERED_ARRAYS)
                continue
            alias = next(
                (n for n in extra if n not in renamed and same_json(served[n], value)), None
            )
            if alias is not None:
                renamed.add(alias)
                yield self.finding(
                    "stored-member-renamed",
                    f"`{name}` is served as `{alias}`",
                    child,
                    expected=name,
                    actual=alias,
                )
            else:
                yield self.finding(
                    "stored-member-dropped", f"`{name}` was accepted but is not served", child
                )
        for name in extra:
            if name in renamed:
                continue
            if served[name] is None:
                message = (
                    f"`{name}` was not sent but is served as null (null members MUST be omitted)"
                )
                yield self.finding("stored-member-null", message, pointer_to(pointer, name))
            else:
                yield self.finding(
                    "stored-member-added",
                    f"`{name}` was not sent but is served",
                    pointer_to(pointer, name),
                    actual=served[name],
                )

    def in_order(self, sent: list[Any], served: list[Any], pointer: str) -> Iterator[Finding]:
        """An ordered array: the same items in the same order."""
        if same_json(sent, served):
            return
        if len(sent) == len(served) and sorted(map(_set_key, sent)) == sorted(
            map(_set_key, served)
        ):
            yield self.finding(
                "stored-order-changed",
                "the order of this array carries meaning and was not kept",
                pointer,
                expected=sent,
                actual=served,
            )
        elif len(sent) == len(served):
            for index, (item, found) in enumerate(zip(sent, served, strict=True)):
                yield from self.compare(item, found, pointer_to(pointer, index), ordered=False)
        else:
            yield from self.in_any_order(sent, served, pointer)

    def in_any_order(self, sent: list[Any], served: list[Any], pointer: str) -> Iterator[Finding]:
        """An unordered array: the same items in any order."""
        unmatched: dict[str, list[int]] = {}
        for index, item in enumerate(served):
            unmatched.setdefault(_set_key(item), []).append(index)
        lost: list[int] = []
        for index, item in enumerate(sent):
            positions = unmatched.get(_set_key(item))
            if positions:
                positions.pop(0)
            else:
                lost.append(index)
        gained = sorted(index for positions in unmatched.values() for index in positions)
        if len(lost) == len(gained):
            # As many items changed as came back: compare them pairwise, in their order.
            for index, found in zip(lost, gained, strict=True):
                yield from self.compare(
                    sent[index], served[found], pointer_to(pointer, index), ordered=False
                )
            return
        for index in lost:
            yield self.finding(
                "stored-item-dropped",
                f"the item {_short(sent[index])} was accepted but is not served",
                pointer_to(pointer, index),
            )
        for index in gained:
            yield self.finding(
                "stored-item-added",
                "an item that was not sent is served here",
                pointer_to(pointer, index),
                actual=served[index],
            )
