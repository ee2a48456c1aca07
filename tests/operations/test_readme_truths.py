"""What the README states as a number is derived here, not typed and left to drift."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import REPO_ROOT, run_badgegate


def test_the_quick_start_names_the_number_of_checks_run_makes(tmp_path: Path) -> None:
    collected = run_badgegate(
        ["run", "--report-dir", str(tmp_path / "reports"), "--", "--collect-only", "-q"],
        cwd=tmp_path,
        timeout=300,
    )
    found = re.search(r"^(\d+) tests collected", collected.stdout, re.MULTILINE)
    assert collected.returncode == 0 and found, collected.stdout[-2000:] + collected.stderr
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"runs the five suites against it \((\d+) checks", readme)
    assert stated, "the README's quick start no longer states the number of checks"
    assert int(stated.group(1)) == int(found.group(1)), (
        f"README says {stated.group(1)} checks, badgegate run collects {found.group(1)}"
    )
