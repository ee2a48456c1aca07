"""Schema suite, part (a): the credential fixtures give exactly the verdicts recorded beside them.

Every file under ``fixtures/credentials/valid/`` is valid (only the warnings listed in its
``expected.yaml`` entry); every file under ``fixtures/credentials/invalid/`` fails with the rule
at the JSON pointer its ``expected.yaml`` entry records.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from badgegate.paths import fixtures_dir
from badgegate.validate.documents import SUFFIXES, validate_file
from badgegate.validate.schemas import parse_date_time

FIXTURES = fixtures_dir() / "credentials"


def _manifest(folder: str, section: str) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((FIXTURES / folder / "expected.yaml").read_text(encoding="utf-8"))
    entries: dict[str, dict[str, Any]] = data[section]
    return entries


VALID = _manifest("valid", "files")
INVALID = _manifest("invalid", "cases")


def _check(folder: str, name: str, entry: dict[str, Any]) -> list[Any]:
    result = validate_file(
        FIXTURES / folder / name,
        variant=entry["variant"],
        mode=entry["mode"],
        at=parse_date_time(entry["at"]),
    )
    return result.findings


@pytest.mark.parametrize("folder,manifest", [("valid", VALID), ("invalid", INVALID)])
def test_every_fixture_file_has_an_expectation(folder: str, manifest: dict[str, Any]) -> None:
    files = {p.name for p in (FIXTURES / folder).iterdir() if p.suffix in SUFFIXES}
    assert files == set(manifest), (
        f"fixtures/credentials/{folder}: files without an entry in expected.yaml "
        f"{sorted(files - set(manifest))}, entries without a file {sorted(set(manifest) - files)}"
    )


def test_invalid_corpus_covers_at_least_sixty_cases() -> None:
    assert len(INVALID) >= 60, f"only {len(INVALID)} invalid fixtures; the corpus needs 60"


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_fixture_passes(name: str) -> None:
    findings = _check("valid", name, VALID[name])
    errors = [f.render() for f in findings if f.is_error]
    assert errors == [], f"the valid fixture {name} has errors:\n" + "\n".join(errors)
    warned = sorted({f.rule for f in findings})
    assert warned == VALID[name]["warnings"], (
        f"{name} warns {warned}, expected.yaml records {VALID[name]['warnings']}"
    )


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_fixture_fails_with_recorded_rule(name: str) -> None:
    entry = INVALID[name]
    errors = [(f.rule, f.pointer) for f in _check("invalid", name, entry) if f.is_error]
    assert (entry["rule"], entry["pointer"]) in errors, (
        f"{name} should fail {entry['rule']} at {entry['pointer'] or '/'}; its errors: {errors}"
    )
