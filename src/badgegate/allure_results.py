"""What badgegate adds to Allure results: suite labels, environment, failure categories."""

from __future__ import annotations

import json
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

from badgegate import __version__
from badgegate.config import HarnessConfig
from badgegate.vocabulary import SUITES

# Allure severities by what a failing check means, most serious first: lost or changed data and
# broken authentication are critical; a target that is down or speaks no OB 3.0 blocks
# everything; headers that only help a client page are minor; the rest normal.
SEVERITY_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("blocker", re.compile(r"discovery")),
    ("critical", re.compile(r"auth|token|scope|isolation|tenant|read_back|served_back|lost")),
    ("minor", re.compile(r"link_header|paging_header|total_count|content_type|allow")),
)
SUITE_SEVERITY = {
    "smoke": "blocker",
    "schema": "critical",
    "contracts": "critical",
    "fuzz": "normal",
    "integrity": "critical",
}


def severity_of(suite: str, test_name: str) -> str:
    """The Allure severity of check ``test_name`` of ``suite``.

    Integrity checks guard against data loss: always critical. Elsewhere the check's name
    decides (authentication and lost writes critical, paging and other helper headers minor),
    else the suite's default.
    """
    if suite == "integrity":
        return "critical"
    for severity, pattern in SEVERITY_RULES:
        if pattern.search(test_name):
            return severity
    return SUITE_SEVERITY[suite]


# Matched in order; the first category that fits a failed or broken test names it.
CATEGORIES = [
    {
        "name": "target unreachable",
        "messageRegex": r"(?s).*(unreachable|refused the connection|timed out|could not reach).*",
        "matchedStatuses": ["failed", "broken"],
    },
    {
        "name": "server error",
        "messageRegex": r"(?s).*(ServerError|internal_server_error|answered 5\d\d|\b5\d\d\b).*",
        "matchedStatuses": ["failed", "broken"],
    },
    {
        "name": "broken contract",
        "traceRegex": r"(?s).*(suites/contracts/|badgegate/contracts/).*",
        "matchedStatuses": ["failed", "broken"],
    },
    {
        "name": "data lost",
        "traceRegex": r"(?s).*(suites/integrity/|badgegate/reconcile/|badgegate/compare/).*",
        "matchedStatuses": ["failed", "broken"],
    },
    {
        "name": "invalid credential",
        "traceRegex": r"(?s).*(suites/schema/|badgegate/validate/).*",
        "matchedStatuses": ["failed", "broken"],
    },
    {
        "name": "API defect found by fuzzing",
        "traceRegex": r"(?s).*(suites/fuzz/|badgegate/fuzz/).*",
        "matchedStatuses": ["failed", "broken"],
    },
]


def suite_of(path: Path, suites_root: Path) -> str | None:
    """The badgegate suite a test file belongs to (``None`` outside ``suites/``)."""
    try:
        relative = path.resolve().relative_to(suites_root.resolve())
    except ValueError:
        return None
    return relative.parts[0] if relative.parts and relative.parts[0] in SUITES else None


def _git_commit(folder: Path) -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return result.stdout.strip() or "unknown"


def environment(config: HarnessConfig, project: Path) -> dict[str, str]:
    """The run's environment as Allure shows it (no secrets)."""
    return {
        "target": config.engine_url or "embedded default stack",
        "profile": config.profile,
        "badgegate": __version__,
        "git commit": _git_commit(project),
        "python": platform.python_version(),
        "pytest": metadata.version("pytest"),
        "schemathesis": metadata.version("schemathesis"),
        "pact-python": metadata.version("pact-python"),
        "hypothesis": metadata.version("hypothesis"),
    }


def write_run_files(
    results_dir: Path,
    config: HarnessConfig,
    project: Path,
    *,
    capabilities: dict[str, str] | None = None,
) -> None:
    """Write ``environment.properties`` and ``categories.json`` into an Allure results folder;
    ``capabilities`` (what the target offers) join the environment as ``target.*`` entries."""
    results_dir.mkdir(parents=True, exist_ok=True)
    shown = environment(config, project)
    for key, value in (capabilities or {}).items():
        shown[f"target {key}"] = value
    lines = [f"{key.replace(' ', '.')}={value}" for key, value in shown.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (results_dir / "categories.json").write_text(json.dumps(CATEGORIES, indent=2), encoding="utf-8")
