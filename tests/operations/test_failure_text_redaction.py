"""Learners' data stays out of failing checks' text: the console and ``junit.xml`` of a run.

The target holds migrated badges whose name and free text carry a known learner email, and
serves credentials without ``credentialSubject`` (fault ``drop-required-field``): reconcile,
the live integrity property and fuzzing of ``GET /credentials`` all fail and show what they
read. With ``redact_fields`` the values are masked (``ci``) or hashed (``staging``); without it
(the control) the same grep finds them, so it would catch a leak.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegate.client import BadgeEngineClient
from badgegate.compare.live import load_legacy
from badgegate.engine.faults.catalogue import DROP_REQUIRED_FIELD
from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.legacy import generate_dataset
from badgegate.legacy.dataset import LegacyDataset
from badgegate.migrate import migrate
from badgegate.report import fingerprint

from .conftest import run_badgegate

pytestmark = pytest.mark.slow
TOKEN = "failure-text-token-6b0e2d94"
EMAIL = "ada.canary-71c3@example.org"
NOTE = f"Ada's reflection on the course; write to {EMAIL}"
# The legacy column ``content`` is the served Achievement's criteria ``narrative``.
REDACTED = "name,content,narrative"
# Reconcile, the live property on SQLite, and the fuzzing of credential listings.
SELECTION = " or ".join(
    (
        "intact",
        "(read_back_as_the_legacy_rows and sqlite)",
        "(test_operation and GET and credentials)",
    )
)


def _name(index: int) -> str:
    return f"Goal {index} of {EMAIL}"


@dataclasses.dataclass(frozen=True)
class LearnerTarget:
    """A running faulty engine holding the migration of :attr:`legacy_db`."""

    api_url: str
    legacy_db: str
    dataset: LegacyDataset


@pytest.fixture(scope="module")
def learner_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LearnerTarget]:
    """Three awarded badges with the learner's email in their name and content, migrated into
    an engine that drops ``credentialSubject`` from what it serves."""
    generated = generate_dataset(3, seed=5)
    badges = [
        {**badge, "name": _name(index), "content": NOTE, "status": "COMPLETED"}
        for index, badge in enumerate(generated.badges)
    ]
    dataset = LegacyDataset(badges, generated.requirements)
    folder = tmp_path_factory.mktemp("learners")
    legacy_db = f"sqlite:///{folder / 'legacy.sqlite3'}"
    load_legacy(legacy_db, dataset)
    with EngineServer(tokens=[TokenSpec(TOKEN)], faults=[DROP_REQUIRED_FIELD]) as server:
        with BadgeEngineClient(server.api_url, token=TOKEN) as client:
            summary = migrate(legacy_db, client, state_dir=folder / "state")
            assert summary.exit_code == 0, summary.render()
        yield LearnerTarget(server.api_url, legacy_db, dataset)


def _run(target: LearnerTarget, folder: Path, *options: str) -> tuple[str, str, list[str]]:
    """Run integrity and fuzz; return the console, ``junit.xml`` and the failed checks."""
    result = run_badgegate(
        [
            *("run", "--suite", "integrity", "--suite", "fuzz"),
            *("--engine-url", target.api_url, "--legacy-db", target.legacy_db),
            *("--report-dir", str(folder / "reports"), "--state-dir", str(folder / "state")),
            *options,
            *("--", "-k", SELECTION),
        ],
        cwd=folder,
        env={"BADGEGATE_ENGINE_TOKEN": TOKEN},
    )
    console = result.stdout + result.stderr
    assert result.returncode == 1, console[-3000:]
    junit = folder / "reports" / "junit.xml"
    failed = [
        case.get("name", "")
        for case in ET.parse(junit).iter("testcase")
        if case.find("failure") is not None
    ]
    return console, junit.read_text(encoding="utf-8"), failed


def _leaks(outputs: dict[str, str]) -> list[str]:
    """Every line of ``outputs`` that shows the learner's email (all names and the note hold
    it), as it is or JSON-escaped."""
    return [
        f"{name}:{number}: {line.strip()[max(0, line.find(EMAIL) - 120) :][:200]}"
        for name, text in outputs.items()
        for number, line in enumerate(text.splitlines(), 1)
        if EMAIL in line
    ]


def _assert_every_suite_failed(failed: list[str]) -> None:
    assert any("intact" in name for name in failed), failed
    assert any("read_back_as_the_legacy_rows" in name for name in failed), failed
    assert any(name.startswith("test_operation") for name in failed), failed


def test_ci_masks_learners_data_in_console_and_junit(
    learner_target: LearnerTarget, tmp_path: Path
) -> None:
    console, junit, failed = _run(learner_target, tmp_path, "--redact-fields", REDACTED)
    _assert_every_suite_failed(failed)
    leaks = _leaks({"console": console, "junit.xml": junit})
    assert not leaks, "learners' data in the output:\n" + "\n".join(leaks[:30])
    for text in (console, junit):
        assert re.search(r"""["']name["']: ["']\*\*\*["']""", text)
        assert re.search(r"""["']narrative["']: ["']\*\*\*["']""", text)
        # Keys and fields outside redact_fields stay readable.
        assert learner_target.dataset.badges[0]["id"] in text


def test_staging_hashes_learners_data_so_records_still_match(
    learner_target: LearnerTarget, tmp_path: Path
) -> None:
    console, junit, failed = _run(
        learner_target, tmp_path, "--redact-fields", REDACTED, "--profile", "staging"
    )
    assert any("intact" in name for name in failed), failed
    assert any(name.startswith("test_operation") for name in failed), failed
    leaks = _leaks({"console": console, "junit.xml": junit})
    assert not leaks, "learners' data in the output:\n" + "\n".join(leaks[:30])
    fingerprints = {fingerprint(NOTE), *(fingerprint(_name(n)) for n in range(3))}
    for text in (console, junit):
        assert any(value in text for value in fingerprints)


def test_without_redact_fields_the_grep_finds_the_learners_data(
    learner_target: LearnerTarget, tmp_path: Path
) -> None:
    """The control: the same failures show the values when nothing redacts them."""
    console, junit, failed = _run(learner_target, tmp_path)
    _assert_every_suite_failed(failed)
    leaks = _leaks({"console": console, "junit.xml": junit})
    assert any(leak.startswith("console:") for leak in leaks)
    assert any(leak.startswith("junit.xml:") for leak in leaks)
