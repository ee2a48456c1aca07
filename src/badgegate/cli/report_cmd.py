"""``badgegate report``: build the Allure HTML report offline and say where it is."""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import webbrowser
from pathlib import Path
from typing import Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.errors import ExitCode


def register(subparsers: Any) -> None:
    """Add ``report``."""
    report = subparsers.add_parser(
        "report",
        help="build the Allure HTML report from the last run's results",
        description=(
            "Build the Allure HTML report offline from <report_dir>/allure-results (and any other "
            "Allure results folder under <report_dir>), carrying over the previous report's "
            "history. Needs Node.js and Java; Allure is installed with npm on first use."
        ),
    )
    report.add_argument(
        "--results",
        action="append",
        type=Path,
        metavar="DIR",
        help="an Allure results folder (repeatable; default: every one under <report_dir>)",
    )
    report.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="report folder (default <report_dir>/allure-report)",
    )
    report.add_argument(
        "--single-file", action="store_true", help="one self-contained index.html (no history)"
    )
    report.add_argument("--open", action="store_true", help="open the report in a browser")
    add_config_options(report, "report_dir")
    report.set_defaults(func=build_report)


def build_report(args: argparse.Namespace) -> int:
    """Generate the report, print where it is, and open it when asked."""
    from badgegate.report.generator import generate, results_folders

    config = config_from_args(args)
    report_dir = Path(config.report_dir)
    output: Path = args.output or report_dir / "allure-report"
    results = list(args.results or results_folders(report_dir, exclude=[output]))
    build = generate(results, output, single_file=args.single_file)
    print(f"badgegate: report built from {', '.join(str(folder) for folder in build.results)}")
    if build.history_carried:
        print("badgegate: history carried over from the previous report")
    print(f"badgegate: report at {build.index.resolve()}")
    if args.open:
        return _open(build.index, single_file=args.single_file)
    return ExitCode.OK


def _open(index: Path, *, single_file: bool) -> int:
    """Open a single-file report directly; serve a folder report on loopback until Ctrl-C.

    Browsers refuse to let a page read its data files from ``file://``, so a multi-file report
    is served over HTTP on a free loopback port.
    """
    if single_file:
        webbrowser.open(index.resolve().as_uri())
        return ExitCode.OK
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(index.parent.resolve())
    )
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        print(f"badgegate: serving the report at {url} (Ctrl-C to stop)", flush=True)
        webbrowser.open(url)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return ExitCode.OK
