"""The Allure HTML report, built offline with Allure 2 (npm ``allure-commandline`` on Java).

The generator is installed on first use with ``npm install --prefix <cache>`` (pinned version,
cache ``$XDG_CACHE_HOME/badgegate`` or ``~/.cache/badgegate``); after that no network is needed.
Every Allure results folder under the report directory is merged (pytest's and, when present,
schemathesis's), and the previous report's ``history/`` is carried into the results first, so
trends and "new failed" marks work across runs.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from badgegate.errors import BadgegateError, ConfigError, ExitCode

ALLURE_PACKAGE = "allure-commandline"
ALLURE_VERSION = "2.46.1"
RESULT_GLOB = "*-result.json"
INSTALL_TIMEOUT = 600.0
GENERATE_TIMEOUT = 600.0


class ReportToolMissing(ConfigError):
    """Node.js, npm or Java, needed to build the HTML report, is not installed."""


@dataclasses.dataclass(frozen=True)
class ReportBuild:
    """A generated report: its entry page, the results it was built from, carried history."""

    index: Path
    results: tuple[Path, ...]
    history_carried: bool


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """badgegate's cache: ``$XDG_CACHE_HOME/badgegate``, else ``~/.cache/badgegate``."""
    environ = os.environ if env is None else env
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "badgegate"


def _results_hint(results: Sequence[Path]) -> str:
    shown = ", ".join(str(folder) for folder in results) or "(none found)"
    return f"The raw Allure results are in {shown}."


def find_node(results: Sequence[Path] = ()) -> tuple[str, str]:
    """Paths of ``node`` and ``npm``, or :class:`ReportToolMissing` saying how to get them."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        return node, npm
    missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if not path)
    raise ReportToolMissing(
        f"building the HTML report needs Node.js; {missing} not found on PATH. Install Node.js "
        f"18 or later (Debian: apt-get install nodejs npm) and run `badgegate report` again. "
        + _results_hint(results)
    )


def find_java(results: Sequence[Path] = ()) -> str:
    """Path of ``java`` (``$JAVA_HOME/bin/java`` first), or :class:`ReportToolMissing`."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found:
        return found
    raise ReportToolMissing(
        "building the HTML report needs Java 8 or later (Allure 2 runs on it); java is not on "
        "PATH and JAVA_HOME is not set. Install a JRE (Debian: apt-get install "
        "openjdk-17-jre-headless) and run `badgegate report` again. " + _results_hint(results)
    )


def _install_prefix(cache: Path) -> Path:
    """The npm prefix the pinned Allure version is installed under inside ``cache``."""
    return cache / f"{ALLURE_PACKAGE}-{ALLURE_VERSION}"


def allure_entry(cache: Path) -> Path:
    """Where the pinned Allure command's Node entry point lives inside ``cache``."""
    return _install_prefix(cache) / "node_modules" / ALLURE_PACKAGE / "bin" / "allure"


def ensure_allure(cache: Path, npm: str, results: Sequence[Path] = ()) -> Path:
    """Install the pinned ``allure-commandline`` into ``cache`` unless it is there; return it."""
    entry = allure_entry(cache)
    if entry.is_file():
        return entry
    prefix = _install_prefix(cache)
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=prefix.name + ".", dir=cache))
    print(f"badgegate: installing {ALLURE_PACKAGE}@{ALLURE_VERSION} into {prefix} (first use)")
    command = [npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund"]
    command.append(f"{ALLURE_PACKAGE}@{ALLURE_VERSION}")
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        shutil.rmtree(staging, ignore_errors=True)
        raise _install_error("timed out", results) from None
    if completed.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise _install_error(_tail(completed.stderr or completed.stdout), results)
    try:
        staging.rename(prefix)
    except OSError:  # installed meanwhile by a concurrent run
        shutil.rmtree(staging, ignore_errors=True)
    if not entry.is_file():
        raise _install_error(f"npm finished but {entry} is missing", results)
    return entry


def _install_error(detail: str, results: Sequence[Path]) -> BadgegateError:
    return BadgegateError(
        f"could not install {ALLURE_PACKAGE}@{ALLURE_VERSION} with npm ({detail}); the npm "
        "registry must be reachable on first use (npm's proxy and registry settings apply). "
        + _results_hint(results),
        exit_code=ExitCode.USAGE,
    )


def _tail(text: str, lines: int = 5) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept) or "no output"


def results_folders(report_dir: Path, *, exclude: Iterable[Path] = ()) -> list[Path]:
    """Every folder under ``report_dir`` holding Allure results, ``allure-results`` first."""
    excluded = [folder.resolve() for folder in exclude]
    found = {
        result.parent
        for result in report_dir.glob("**/" + RESULT_GLOB)
        if not any(result.resolve().is_relative_to(folder) for folder in excluded)
    }
    primary = report_dir / "allure-results"
    return sorted(found, key=lambda folder: (folder != primary, str(folder)))


def carry_history(previous_report: Path, results: Path) -> bool:
    """Copy the previous report's ``history/`` into ``results``; return whether there was one."""
    history = previous_report / "history"
    if not history.is_dir():
        return False
    shutil.copytree(history, results / "history", dirs_exist_ok=True)
    return True


def generate(
    results: Sequence[Path], output: Path, *, single_file: bool = False, cache: Path | None = None
) -> ReportBuild:
    """Build the HTML report of ``results`` into ``output`` (installing Allure on first use)."""
    if not results:
        raise ConfigError(
            "no Allure results to build a report from; run `badgegate run` first (it writes "
            "<report_dir>/allure-results) or name a folder with --results"
        )
    _check_output(output, results)
    node, npm = find_node(results)
    java = find_java(results)
    entry = ensure_allure(cache or cache_dir(), npm, results)
    carried = carry_history(output, results[0])
    command = [node, str(entry), "generate", *map(str, results), "-o", str(output), "--clean"]
    if single_file:
        command.append("--single-file")
    env = {**os.environ, "ALLURE_NO_ANALYTICS": "true"}
    env.setdefault("JAVA_HOME", str(Path(java).resolve().parents[1]))
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=GENERATE_TIMEOUT, env=env, check=False
    )
    index = output / "index.html"
    if completed.returncode != 0 or not index.is_file():
        raise BadgegateError(
            f"Allure could not build the report into {output}: "
            f"{_tail(completed.stderr or completed.stdout)}. " + _results_hint(results),
            exit_code=ExitCode.USAGE,
        )
    return ReportBuild(index, tuple(results), carried)


def _check_output(output: Path, results: Sequence[Path]) -> None:
    """Refuse an output folder that Allure's ``--clean`` would wrongly wipe."""
    target = output.resolve()
    if any(
        target == folder.resolve() or folder.resolve().is_relative_to(target) for folder in results
    ):
        raise ConfigError(f"--output {output} holds the results; choose another folder")
    if target.is_dir() and any(target.iterdir()) and not (target / "index.html").is_file():
        raise ConfigError(
            f"--output {output} is a folder that is not an Allure report; it would be emptied. "
            "Choose an empty or new folder"
        )
