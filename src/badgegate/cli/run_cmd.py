"""``badgegate run``: run the suites against a target (or the embedded stack) with pytest.

The suites run from wherever badgegate's data is (the checkout, or the installed package) with
badgegate's own pytest settings; reports go to ``report_dir`` and state to ``state_dir``, both
relative to the working directory unless absolute.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.config import SECRET_KEYS, HarnessConfig, config_keys
from badgegate.errors import BadgegateError, ConfigError, ExitCode
from badgegate.vocabulary import SUITES

# pytest's exit codes mapped onto badgegate's (errors.ExitCode).
_PYTEST_EXIT = {
    0: ExitCode.OK,
    1: ExitCode.FAILED,
    2: ExitCode.INTERRUPTED,
    3: ExitCode.FAILED,
    4: ExitCode.USAGE,
    5: ExitCode.USAGE,
}
_STOPPED = {
    ExitCode.UNREACHABLE: "target unreachable, run stopped",
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
    """Run the chosen suites in-process with pytest; return the documented exit code."""
    import pytest

    from badgegate.paths import suite_pytest_options, suites_dir

    config = config_from_args(args)
    folders = _suite_folders(suites_dir(), args.suites)
    report_dir = Path(config.report_dir).absolute()
    report_dir.mkdir(parents=True, exist_ok=True)
    if config.engine_url:
        stopped = _check_target(config, report_dir)
        if stopped is not None:
            return stopped
    os.environ.setdefault("HYPOTHESIS_PROFILE", config.profile)
    pytest_args = [
        *(str(folder) for folder in folders),
        # badgegate's own pytest settings, whatever folder it runs in (see suites.ini).
        *suite_pytest_options(),
        f"--junitxml={report_dir / 'junit.xml'}",
        f"--alluredir={report_dir / 'allure-results'}",
        *_config_options(config),
        *getattr(args, "pytest_args", []),
    ]
    status = int(pytest.main(pytest_args))
    code = ExitCode.UNREACHABLE if status == ExitCode.UNREACHABLE else _PYTEST_EXIT.get(status)
    if code in _STOPPED:
        print(f"badgegate: {_STOPPED[code]}; partial reports kept in {report_dir}", file=sys.stderr)
    return code if code is not None else ExitCode.FAILED


def _check_target(config: HarnessConfig, report_dir: Path) -> int | None:
    """Check the given target before any suite runs; on a problem, say it in one line, record
    it in ``junit.xml`` and return the exit code."""
    from badgegate.stack import check_target
    from badgegate.summary import write_stopped_junit

    try:
        check_target(config)
    except BadgegateError as error:
        write_stopped_junit(
            report_dir / "junit.xml",
            "the target answers and takes badgegate's credentials",
            str(error),
        )
        print(f"badgegate: error: {error}", file=sys.stderr)
        code = ExitCode(error.exit_code)
        reason = _STOPPED.get(code, "run not started")
        print(f"badgegate: {reason}; partial reports kept in {report_dir}", file=sys.stderr)
        return int(code)
    return None


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
