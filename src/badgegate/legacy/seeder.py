"""The deterministic seeder: realistic legacy data, the same rows for the same seed.

Shares (of all badges unless said otherwise), documented so tests and reports can rely on them:

* status: ``NOT_STARTED`` 35 %, ``IN_PROGRESS`` 40 %, ``COMPLETED`` 15 %, ``ARCHIVED`` 10 %;
* 0–12 requirements per badge (about one badge in ten has none);
* :data:`INCONSISTENCY_RATES`: a ``COMPLETED`` badge below 100 % (of ``COMPLETED`` badges),
  completed requirements on a ``NOT_STARTED`` badge (of ``NOT_STARTED`` badges with requirements),
  ``updated_at`` before ``created_at``;
* NULL in every nullable column; long texts (4–64 KiB, built from a repeated chunk) in about
  1 % of ``content``; timestamps on a Europe/Berlin DST transition (nonexistent or ambiguous
  local times) in about 6 % of timestamps.

Rows are generated one badge at a time from one ``random.Random(seed)`` stream, so the data
does not depend on how it is batched into the database.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import URL

from badgegate.legacy import corpus
from badgegate.legacy.database import connect, create_tables, is_postgresql, legacy_engine
from badgegate.legacy.dataset import LegacyDataset, LegacyRow, insert_rows
from badgegate.legacy.tables import STATUSES, badge_requirements

STATUS_WEIGHTS: tuple[int, ...] = (35, 40, 15, 10)  # in the order of STATUSES
INCONSISTENCY_RATES: dict[str, float] = {
    "completed_below_100": 0.05,
    "not_started_with_completed_requirements": 0.05,
    "updated_before_created": 0.01,
}
DST_SHARE = 0.06
LONG_TEXT_SHARE = 0.01
INSERT_BATCH = 5000
_EPOCH = dt.datetime(2019, 1, 1)
_SPAN_SECONDS = 7 * 365 * 86400


@dataclass(frozen=True)
class SeedReport:
    """What :func:`seed` wrote and how long it took."""

    badges: int
    requirements: int
    seconds: float

    @property
    def badges_per_second(self) -> float:
        """Seeding rate."""
        return self.badges / self.seconds if self.seconds > 0 else float("inf")


def seed(url: str | URL, *, badges: int, seed: int = 0, replace: bool = False) -> SeedReport:
    """Create the legacy tables at ``url`` and fill them with ``badges`` generated badges."""
    started = time.perf_counter()
    engine = legacy_engine(url)
    try:
        create_tables(engine, replace=replace)
        requirement_count = 0
        with connect(engine) as connection, connection.begin(), _deferred_foreign_key(connection):
            batch: list[tuple[LegacyRow, list[LegacyRow]]] = []
            for item in generate_badges(badges, seed=seed):
                batch.append(item)
                if len(batch) == INSERT_BATCH:
                    requirement_count += _insert_batch(connection, batch)
                    batch = []
            requirement_count += _insert_batch(connection, batch)
    finally:
        engine.dispose()
    return SeedReport(badges, requirement_count, time.perf_counter() - started)


@contextlib.contextmanager
def _deferred_foreign_key(connection: sa.Connection) -> Iterator[None]:
    """On an empty PostgreSQL table, add the foreign key after loading: one bulk check.

    The constraint comes back exactly as created (same name, same ON DELETE CASCADE), in the
    same transaction, so the schema never differs from legacy/tables.py's outside it.
    """
    if not is_postgresql(connection) or _has_rows(connection):
        yield
        return
    constraint = _foreign_key_name(connection)
    connection.exec_driver_sql(f'ALTER TABLE badge_requirements DROP CONSTRAINT "{constraint}"')
    yield
    connection.exec_driver_sql(
        f'ALTER TABLE badge_requirements ADD CONSTRAINT "{constraint}" FOREIGN KEY (badge_id) '
        "REFERENCES badges (id) ON DELETE CASCADE"
    )


def _has_rows(connection: sa.Connection) -> bool:
    query = sa.select(sa.literal(1)).select_from(badge_requirements).limit(1)
    return connection.execute(query).first() is not None


def _foreign_key_name(connection: sa.Connection) -> str:
    (foreign_key,) = sa.inspect(connection).get_foreign_keys("badge_requirements")
    return str(foreign_key["name"])


def _insert_batch(connection: sa.Connection, batch: list[tuple[LegacyRow, list[LegacyRow]]]) -> int:
    requirements = [row for _, rows in batch for row in rows]
    insert_rows(connection, [badge for badge, _ in batch], requirements)
    return len(requirements)


def generate_dataset(badges: int, *, seed: int = 0) -> LegacyDataset:
    """Return ``badges`` generated badges and their requirements in memory."""
    items = list(generate_badges(badges, seed=seed))
    return LegacyDataset(
        badges=[badge for badge, _ in items],
        requirements=[row for _, rows in items for row in rows],
    )


def generate_badges(count: int, *, seed: int = 0) -> Iterator[tuple[LegacyRow, list[LegacyRow]]]:
    """Yield ``count`` generated ``(badge_row, requirement_rows)`` pairs, deterministic per seed."""
    factory = _BadgeFactory(random.Random(seed))
    for index in range(count):
        yield factory.badge(index)


class _BadgeFactory:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.texts = _TextFactory(rng)
        self.times = _TimeFactory(rng)
        self.requirement_index = 0

    def badge(self, index: int) -> tuple[LegacyRow, list[LegacyRow]]:
        rng = self.rng
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        created = self.times.timestamp()
        badge_id = self._badge_id(index)
        source, external_id = self._external()
        badge: LegacyRow = {
            "id": badge_id,
            "name": self.texts.title(),
            "description": self.texts.description(),
            "content": self.texts.content(),
            "progress": self._progress(status),
            "status": status,
            "created_at": created,
            "updated_at": self.times.updated(created),
            "start_date": self.texts.free_date(),
            "target_date": self.texts.free_date(),
            "external_id": external_id,
            "external_source": source,
        }
        return badge, self._requirements(badge)

    def _badge_id(self, index: int) -> str:
        roll = self.rng.random()
        suffix = _base36(index)
        if roll < 0.05:
            return f"{_random_uuid(self.rng)}-{suffix}"
        if roll < 0.07:
            return f"{self.rng.choice(('bädge', '徽章', 'Ünï', 'émoji🏅', 'Z'))}-{suffix}"
        return f"{_token(self.rng, 12)}{suffix}"

    def _progress(self, status: str) -> int:
        rng = self.rng
        if status == "NOT_STARTED":
            return 0
        if status == "IN_PROGRESS":
            return rng.randint(1, 99)
        if status == "COMPLETED":
            below = rng.random() < INCONSISTENCY_RATES["completed_below_100"]
            return rng.randint(10, 99) if below else 100
        return rng.randint(0, 100)

    def _external(self) -> tuple[str | None, str | None]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.40:
            return None, None
        source = rng.choice(corpus.EXTERNAL_SOURCES)
        external_id = _external_id(rng, source)
        if roll < 0.43:
            return None, external_id  # an id without its source
        if roll < 0.45:
            return source, None  # a source without an id
        return source, external_id

    def _requirements(self, badge: LegacyRow) -> list[LegacyRow]:
        rng = self.rng
        count = 0 if rng.random() < 0.1 else rng.randint(1, 12)
        flags = self._completed_flags(badge["status"], count)
        rows = []
        for completed in flags:
            created = self.times.after(badge["created_at"])
            self.requirement_index += 1
            rows.append(
                {
                    "id": f"req_{_token(rng, 9)}{_base36(self.requirement_index)}",
                    "badge_id": badge["id"],
                    "description": self.texts.requirement(),
                    "completed": completed,
                    "created_at": created,
                    "updated_at": self.times.updated(created),
                }
            )
        return rows

    def _completed_flags(self, status: str, count: int) -> list[bool]:
        rng = self.rng
        if status == "NOT_STARTED":
            inconsistent = (
                rng.random() < INCONSISTENCY_RATES["not_started_with_completed_requirements"]
            )
            return [inconsistent and i == 0 for i in range(count)]
        if status == "COMPLETED":
            return [rng.random() < 0.97 for _ in range(count)]
        return [rng.random() < 0.5 for _ in range(count)]


class _TextFactory:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def word(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.6:
            return rng.choice(corpus.LATIN_WORDS)
        if roll < 0.8:
            return rng.choice(corpus.SCRIPT_WORDS)
        if roll < 0.9:
            return rng.choice(corpus.EMOJI)
        return rng.choice(corpus.TRICKY)

    def title(self) -> str:
        return " ".join(self.word() for _ in range(self.rng.randint(1, 4)))

    def description(self) -> str:
        roll = self.rng.random()
        if roll < 0.03:
            return ""
        if roll < 0.005 + 0.03:
            return self.long_text(self.sentence())
        return f"{self.sentence()} ({self.word()})."

    def sentence(self) -> str:
        return f"{self.rng.choice(corpus.SENTENCES)} {self.word()}"

    def requirement(self) -> str:
        roll = self.rng.random()
        if roll < 0.02:
            return ""
        if roll < 0.0005 + 0.02:
            return self.long_text(self.sentence())
        if roll < 0.3:
            return self.rng.choice(corpus.SENTENCES)  # identical descriptions across requirements
        return self.sentence()

    def content(self) -> str | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.10:
            return None
        if roll < 0.13:
            return ""
        blocks = [self.markdown_block() for _ in range(rng.randint(1, 5))]
        text = "\n\n".join(blocks)
        return self.long_text(text) if roll < 0.13 + LONG_TEXT_SHARE else text

    def markdown_block(self) -> str:
        template = self.rng.choice(corpus.MARKDOWN_BLOCKS)
        return template.format(title=self.title(), sentence=self.sentence(), word=self.word())

    def long_text(self, chunk: str) -> str:
        """Repeat ``chunk`` up to a size between 4 and 64 KiB (UTF-8)."""
        target = self.rng.randint(4 * 1024, 64 * 1024)
        size = max(1, len(chunk.encode("utf-8")) + 1)
        return "\n".join([chunk] * max(1, target // size))

    def free_date(self) -> str | None:
        rng = self.rng
        if rng.random() < 0.35:
            return None
        day = _EPOCH.date() + dt.timedelta(days=rng.randrange(7 * 365))
        return rng.choice(corpus.DATE_TEXTS).format(
            iso=day.isoformat(),
            d=f"{day.day:02d}",
            m=f"{day.month:02d}",
            y=day.year,
            month=corpus.MONTHS[day.month - 1],
            monat=corpus.MONATE[day.month - 1],
        )


class _TimeFactory:
    """Naive timestamps (legacy local time), some on Europe/Berlin DST transitions."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.transitions = _berlin_transition_days(2019, 2026)

    def timestamp(self) -> dt.datetime:
        rng = self.rng
        if rng.random() < DST_SHARE:
            day = rng.choice(self.transitions)
            moment = dt.datetime.combine(day, dt.time(2)) + dt.timedelta(
                seconds=rng.randrange(3600)
            )
        else:
            moment = _EPOCH + dt.timedelta(seconds=rng.randrange(_SPAN_SECONDS))
        microsecond = rng.randrange(1_000_000) if rng.random() < 0.7 else 0
        return moment.replace(microsecond=microsecond)

    def after(self, start: dt.datetime) -> dt.datetime:
        if self.rng.random() < DST_SHARE:
            first = bisect.bisect_right(self.transitions, start.date())
            later = self.transitions[first : first + 4]
            if later:
                moment = dt.datetime.combine(self.rng.choice(later), dt.time(2))
                return moment + dt.timedelta(seconds=self.rng.randrange(3600))
        return start + dt.timedelta(seconds=self.rng.randrange(30 * 86400), microseconds=1)

    def updated(self, created: dt.datetime) -> dt.datetime | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            return None
        if roll < 0.3 + INCONSISTENCY_RATES["updated_before_created"]:
            return created - dt.timedelta(seconds=rng.randrange(1, 86400))
        return self.after(created)


def _berlin_transition_days(first: int, last: int) -> list[dt.date]:
    """Last Sundays of March (02:00 skipped) and October (02:00–03:00 twice)."""
    days = []
    for year in range(first, last + 1):
        for month in (3, 10):
            day = dt.date(year, month, 31)
            days.append(day - dt.timedelta(days=(day.weekday() + 1) % 7))
    return days


def _token(rng: random.Random, size: int) -> str:
    raw = rng.getrandbits(size * 6).to_bytes((size * 6 + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).decode("ascii")[:size]


def _random_uuid(rng: random.Random) -> str:
    value = f"{rng.getrandbits(128):032x}"
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
        if number == 0:
            return text


def _external_id(rng: random.Random, source: str) -> str:
    if source == "credly":
        return _random_uuid(rng)
    if source == "linkedin":
        return str(rng.randrange(10**9, 10**12))
    if source == "coursera":
        return f"https://www.coursera.org/account/accomplishments/certificate/{_token(rng, 12)}"
    if source == "moodle":
        return f"moodle:course/{rng.randrange(1, 999)}/badge/{rng.randrange(1, 99)}"
    if source == "badgr":
        return _token(rng, 22)
    return rng.choice(("paper certificate #12", "  see HR file ", "n/a", "—", "42"))
