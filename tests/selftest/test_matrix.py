"""The detection matrix: rendering, verdicts and the README block between its markers."""

from __future__ import annotations

from pathlib import Path

from badgegate.engine.faults import FAULT_NAMES
from badgegate.selftest import (
    MATRIX_END,
    MATRIX_START,
    Outcome,
    matrix_problems,
    render_matrix,
    update_readme,
)
from badgegate.selftest.checks import SUITES


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
    table = render_matrix(_caught_everywhere())
    row = next(line for line in table.splitlines() if f"`{FAULT_NAMES[1]}`" in line)
    assert row.split("|")[-2].strip() == "caught"  # fuzz is the last column
    assert row.split("|")[3].strip() == "—"  # smoke
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
