"""The committed pacts are exactly what the consumer contracts produce; edits are caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from badgegate.contracts import all_contracts, committed_pacts_dir, compare_pacts, write_pacts
from badgegate.contracts.drift import render_drift, replace_pacts


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pact files the consumer contracts write now."""
    folder = tmp_path_factory.mktemp("generated")
    write_pacts(all_contracts(), folder)
    return folder


def test_committed_pacts_match_the_contracts(generated: Path) -> None:
    """Byte for byte: any contract change must come with `badgegate contracts update`."""
    drifts = compare_pacts(generated, committed_pacts_dir())
    assert not drifts, render_drift(drifts)


def test_pact_files_are_reproducible(generated: Path, tmp_path: Path) -> None:
    """Writing the contracts twice gives identical bytes (fixed order, no timestamps)."""
    write_pacts(all_contracts(), tmp_path)
    assert compare_pacts(tmp_path, generated) == []


def test_an_edited_committed_pact_is_reported(generated: Path, tmp_path: Path) -> None:
    """Editing one committed pact names the file and shows the changed line."""
    shutil.copytree(committed_pacts_dir(), tmp_path, dirs_exist_ok=True)
    edited = tmp_path / "badge-reader-badge-engine.json"
    edited.write_text(edited.read_text().replace('"status": 401', '"status": 400', 1))
    (drift,) = compare_pacts(generated, tmp_path)
    assert (drift.name, drift.status) == ("badge-reader-badge-engine.json", "changed")
    assert '-        "status": 400' in drift.diff and '+        "status": 401' in drift.diff
    assert "badgegate contracts update" in render_drift([drift])


def test_missing_and_unexpected_pacts_are_reported(generated: Path, tmp_path: Path) -> None:
    """A pact nobody produces and a produced pact that is not committed are both drift."""
    replace_pacts(generated, tmp_path)
    (tmp_path / "badge-migrator-badge-engine.json").unlink()
    (tmp_path / "old-consumer-badge-engine.json").write_text("{}")
    statuses = {drift.name: drift.status for drift in compare_pacts(generated, tmp_path)}
    assert statuses["badge-migrator-badge-engine.json"].startswith("missing")
    assert statuses["old-consumer-badge-engine.json"].startswith("unexpected")


def test_replace_pacts_removes_stale_files(generated: Path, tmp_path: Path) -> None:
    """`contracts update` leaves exactly the produced files."""
    (tmp_path / "stale-badge-engine.json").write_text("{}")
    replace_pacts(generated, tmp_path)
    assert compare_pacts(generated, tmp_path) == []
