"""``badgegate run``: run the suites against a target (or the embedded stack) with pytest."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.config import SECRET_KEYS, HarnessConfig, config_keys
from badgegate.errors import ConfigError, ExitCode
from badgegate.vocabulary import SUITES

# pytest's exit codes mapped onto DESIGN.md's.
_PYTEST_EXIT = {
    0: ExitCode.OK,
    1: ExitCode.FAILED,
    2: ExitCode.INTERRUPTED,
    3: ExitCode.FAILED,
    4: ExitCode.USAGE,
    5: ExitCode.USAGE,
}
_STOPPED = {
    ExitCode.UNREACHABLE: "target unreachable, run stopped (see the summary above)",
    ExitCode.INTERRUPTED: "interrupted",
}


def register(subparsers: Any) -> None:
    """Add ``run``."""
    run = subparsers.add_parser(
        "run",
        help="run the suites against a badge-engine (default: the embedded stack)",
        description="Run badgegate's suites with pytest. Arguments after -- go to pytest.",
    )
    run.add_argument(
        "--suite",
        action="append",
        choices=SUITES,
        dest="suites",
        help="a suite to run (repeatable; default: every suite that exists)",
    )
    add_config_options(run)
    run.set_defaults(func=run_suites)


def run_suites(args: argparse.Namespace) -> int:
    """Run the chosen suites in-process with pytest; return a DESIGN.md exit code."""
    import pytest

    from badgegate.paths import suites_dir

    config = config_from_args(args)
    folders = _suite_folders(suites_dir(), args.suites)
    report_dir = Path(config.report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("HYPOTHESIS_PROFILE", config.profile)
    pytest_args = [
        *(str(folder) for folder in folders),
        f"--junitxml={report_dir / 'junit.xml'}",
        f"--alluredir={report_dir / 'allure-results'}",
        "-p",
        "no:cacheprovider",
        *_config_options(config),
        *getattr(args, "pytest_args", []),
    ]
    status = int(pytest.main(pytest_args))
    code = ExitCode.UNREACHABLE if status == ExitCode.UNREACHABLE else _PYTEST_EXIT.get(status)
    if code in _STOPPED:
        print(f"badgegate: {_STOPPED[code]}; partial reports kept in {report_dir}", file=sys.stderr)
    return code if code is not None else ExitCode.FAILED


def _suite_folders(root: Path, chosen: list[str] | None) -> list[Path]:
    names = chosen or [name for name in SUITES if (root / name).is_dir()]
    missing = [name for name in names if not (root / name).is_dir()]
    if missing:
        raise ConfigError(f"suite(s) {', '.join(missing)} do not exist under {root}")
    return [root / name for name in names]


def _config_options(config: HarnessConfig) -> list[str]:
    """Pass every setting given on the command line on to the plugin's options."""
    options = []
    for key in config_keys():
        if key in SECRET_KEYS or config.sources.get(key) != "cli":
            continue
        options.append(f"--badgegate-{key.replace('_', '-')}={_option_text(config.value(key))}")
    return options


def _option_text(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
