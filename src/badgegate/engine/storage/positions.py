"""Where the pages of a list ended, so that the next page starts there instead of skipping rows.

``LIMIT … OFFSET n`` makes the database step over ``n`` rows, so reading a list of a million
records page by page costs time that grows with the square of its length. After each page
the store notes the ``seq`` of the page's last record and the offset after it, with the list's
change counter (``bg_record_counts.changes``, which every INSERT and DELETE of the list moves,
in its own transaction: :mod:`.record_counts`). A later page at or after a noted
offset starts after that ``seq`` and skips only the difference. Its answer carries the counter
again and stands only when the counter has not moved: then the list holds the same records, so
the noted record is still at the noted offset (an update never moves a record). When it has
moved, the page is read again by offset, and the marks of the old counter are dropped.
"""

from __future__ import annotations

import bisect
import collections
import dataclasses

#: Which list: ``(tenant, kind)``; a tenant of ``None`` is the list of every tenant.
ListKey = tuple[str | None, str]


@dataclasses.dataclass(frozen=True)
class Start:
    """Where a page starts: after record ``after`` (a ``seq``), skipping ``skip`` more records;
    valid while the list's change counter is ``changes``."""

    after: int
    skip: int
    changes: int


@dataclasses.dataclass
class _Marks:
    changes: int
    offsets: list[int] = dataclasses.field(default_factory=list)  # sorted
    seqs: dict[int, int] = dataclasses.field(default_factory=dict)


class PagePositions:
    """The ends of recent pages, per list: at most ``lists`` lists of ``marks`` marks each.

    Kept per process; the change counter in the database is what makes a mark trustworthy,
    so several engine processes on one database each keep their own.
    """

    def __init__(self, lists: int = 16, marks: int = 4096) -> None:
        self._lists: collections.OrderedDict[ListKey, _Marks] = collections.OrderedDict()
        self._max_lists, self._max_marks = lists, marks

    def start(self, key: ListKey, offset: int) -> Start | None:
        """The nearest mark at or before ``offset`` in list ``key``, or ``None``."""
        marks = self._lists.get(key)
        if marks is None or offset <= 0:
            return None
        index = bisect.bisect_right(marks.offsets, offset) - 1
        if index < 0:
            return None
        at = marks.offsets[index]
        self._lists.move_to_end(key)
        return Start(after=marks.seqs[at], skip=offset - at, changes=marks.changes)

    def note(self, key: ListKey, changes: int, offset: int, seq: int) -> None:
        """Record that, while the counter is ``changes``, record ``seq`` ends at ``offset``
        (the offset of the record after it)."""
        marks = self._lists.get(key)
        if marks is None or marks.changes != changes or len(marks.offsets) >= self._max_marks:
            marks = self._lists[key] = _Marks(changes)
        self._lists.move_to_end(key)
        if offset not in marks.seqs:
            bisect.insort(marks.offsets, offset)
        marks.seqs[offset] = seq
        while len(self._lists) > self._max_lists:
            self._lists.popitem(last=False)

    def forget(self, key: ListKey) -> None:
        """Drop the marks of list ``key`` (its counter moved)."""
        self._lists.pop(key, None)
