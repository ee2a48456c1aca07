"""The detection matrix: rendering, verdicts, the README block between its markers, and the
catalogue's claims (each fault's owning suite) backed by the matrix."""

from __future__ import annotations

from pathlib import Path

import pytest

from badgegate.engine.faults.catalogue import CATALOGUE, FAULT_NAMES, Fault
from badgegate.paths import project_root
from badgegate.selftest import (
    MATRIX_END,
    MATRIX_START,
    Outcome,
    matrix_problems,
    owning_checks,
    render_matrix,
    update_readme,
)
from badgegate.selftest.checks import SUITES
from badgegate.selftest.run import PLAIN_COLUMN


def _caught_everywhere() -> list[Outcome]:
    clean = [Outcome(None, suite, False) for suite in SUITES]
    return clean + [Outcome(fault, "fuzz", True) for fault in FAULT_NAMES]


def test_a_fault_no_suite_catches_is_a_problem() -> None:
    outcomes = [o for o in _caught_everywhere() if o.fault != FAULT_NAMES[0]]
    outcomes.append(Outcome(FAULT_NAMES[0], "fuzz", False))
    assert matrix_problems(outcomes) == [f"{FAULT_NAMES[0]}: no suite catches this fault"]


def test_a_suite_failing_on_the_clean_engine_is_a_problem() -> None:
    outcomes = [*_caught_everywhere(), Outcome(None, "smoke", True, "boom")]
    assert matrix_problems(outcomes) == ["clean engine: smoke failed:\nboom"]


def test_matrix_marks_the_catching_suites() -> None:
    plain = {FAULT_NAMES[1]: "not applicable"}
    table = render_matrix(_caught_everywhere(), plain)
    row = next(line for line in table.splitlines() if f"`{FAULT_NAMES[1]}`" in line)
    assert row.split("|")[-3].strip() == "caught"  # fuzz is the last suite column
    assert row.split("|")[3].strip() == "—"  # smoke
    assert row.split("|")[-2].strip() == "not applicable"  # the plain Host's self-test
    assert PLAIN_COLUMN in table.splitlines()[0]
    assert len(table.splitlines()) == 2 + 1 + len(FAULT_NAMES)


def test_readme_block_is_appended_then_replaced(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# badgegate\n\nIntro.\n", encoding="utf-8")
    update_readme(readme, "| first |")
    update_readme(readme, "| second |")
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# badgegate\n\nIntro.\n\n" + MATRIX_START)
    assert text.count(MATRIX_START) == 1 and text.count(MATRIX_END) == 1
    assert "| second |" in text and "| first |" not in text


def test_readme_text_around_the_block_is_kept(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"head\n{MATRIX_START}\nold\n{MATRIX_END}\ntail\n", encoding="utf-8")
    update_readme(readme, "new")
    assert readme.read_text(encoding="utf-8") == f"head\n{MATRIX_START}\nnew\n{MATRIX_END}\ntail\n"


def _readme_matrix() -> dict[str, dict[str, str]]:
    """The README's detection matrix: row label -> suite -> mark."""
    text = (project_root() / "README.md").read_text(encoding="utf-8")
    block = text.split(MATRIX_START, 1)[1].split(MATRIX_END, 1)[0]
    rows = [line.split("|")[1:-1] for line in block.strip().splitlines()[2:]]
    columns = (*SUITES, PLAIN_COLUMN)
    return {
        cells[0].strip().strip("`"): dict(zip(columns, (c.strip() for c in cells[2:]), strict=True))
        for cells in rows
    }


def test_readme_matrix_shows_the_clean_engine_passing_every_suite() -> None:
    clean = _readme_matrix()["(clean engine)"]
    assert clean.pop(PLAIN_COLUMN) == "passes"
    assert set(clean.values()) == {"—"}


def test_readme_matrix_says_for_every_fault_whether_a_plain_host_catches_it() -> None:
    """The plain-Host column holds the self-test's verdict (``badgegate selftest --variant
    plain``): caught, or not applicable where no owning check applies to a plain Host."""
    verdicts = {name: row[PLAIN_COLUMN] for name, row in _readme_matrix().items()}
    verdicts.pop("(clean engine)")
    assert set(verdicts) == set(FAULT_NAMES)
    odd = {name: v for name, v in verdicts.items() if v not in ("caught", "not applicable")}
    assert not odd, f"faults without a plain-Host verdict: {odd}"


@pytest.mark.parametrize("fault", CATALOGUE, ids=lambda fault: fault.name)
def test_owning_suite_of_a_fault_catches_it(fault: Fault) -> None:
    """A fault's ``caught_by`` suite owns checks of it and catches it in the README matrix."""
    assert fault.caught_by in SUITES, f"{fault.name}: the matrix has no {fault.caught_by} column"
    assert fault.caught_by in {name.split(":", 1)[0] for name in owning_checks(fault.name)}
    assert _readme_matrix()[fault.name][fault.caught_by] == "caught"
