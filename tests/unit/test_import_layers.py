"""The import-layer contracts of pyproject.toml (ARCHITECTURE.md) hold, and each one turns red
when a leak it exists for comes back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# (file to add the import to, the import, the contract that must break)
LEAKS = [
    ("migrate/run.py", "import badgegate.testing", "test-support-wing"),
    ("reconcile/run.py", "import badgegate.strategies", "test-support-wing"),
    ("fuzz/negative.py", "import badgegate.engine.storage.store", "engine-is-not-an-oracle"),
    ("reconcile/run.py", "import badgegate.migrate", "migrate-and-reconcile-apart"),
    ("engine/__main__.py", "import badgegate.cli", "engine-stands-alone"),
    ("transport/guard.py", "import badgegate.legacy", "http-is-not-sql"),
    ("config.py", "import badgegate.plugin", "layers"),
    ("engine/storage/store.py", "import badgegate.stack", "layers"),
]


def _lint(project: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.skip("lint-imports is not installed (the test extras install import-linter)")
    selected = [arg for contract in contracts for arg in ("--contract", contract)]
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *selected, str(project / "pyproject.toml")],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project / "src")},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_checkout_keeps_every_contract() -> None:
    result = _lint(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def copy_of_the_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sources and pyproject.toml to reintroduce leaks into."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copytree(
        REPO_ROOT / "src" / "badgegate",
        folder / "src" / "badgegate",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(REPO_ROOT / "pyproject.toml", folder / "pyproject.toml")
    return folder


@pytest.mark.parametrize(("module", "line", "contract"), LEAKS)
def test_a_reintroduced_leak_breaks_its_contract(
    copy_of_the_project: Path, module: str, line: str, contract: str
) -> None:
    path = copy_of_the_project / "src" / "badgegate" / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + f"\n{line}  # noqa\n", encoding="utf-8")
        result = _lint(copy_of_the_project, contract)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
