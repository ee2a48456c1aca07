"""``badgegate reconcile``: compare a whole legacy data set with what badge-engine serves.

Read-only on both sides. Exit codes: 0 both sides agree; 1 records are missing,
unexpected or changed (or, with ``--strict``, the legacy data has findings); 2 usage or
configuration; 3 engine or legacy database unreachable; 130 interrupted (the state is kept:
continue with ``--resume``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from badgegate.cli.hints import resume_command
from badgegate.cli.options import ENGINE_KEYS, add_config_options, config_from_args
from badgegate.errors import ConfigError, ExitCode

RECONCILE_KEYS = (*ENGINE_KEYS, "report_dir", "recipient_email", "strict")
REPORT_FILE = "reconcile.json"


def register(subparsers: Any) -> None:
    """Add ``reconcile``."""
    parser = subparsers.add_parser(
        "reconcile",
        help="compare the legacy data set with what badge-engine serves (read-only)",
        description="Compare every legacy badge with its records in badge-engine: missing, "
        "unexpected and changed records (with the legacy column), broken invariants and legacy "
        "data findings. Read-only on both sides; writes a JSON report. Engine credentials come "
        "from BADGEGATE_ENGINE_TOKEN / BADGEGATE_CLIENT_SECRET or the *-file options.",
    )
    add_config_options(parser, "legacy_db", "legacy_statement_timeout", *RECONCILE_KEYS)
    parser.add_argument(
        "--since",
        metavar="TS",
        help="only badges changed at or after TS (ISO 8601; no zone = legacy local time)",
    )
    parser.add_argument(
        "--out", metavar="FILE", help=f"JSON report (default <report-dir>/{REPORT_FILE})"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue the interrupted run of the same target"
    )
    parser.add_argument(
        "--page-size", type=int, default=1000, metavar="N", help="records per page (1-1000)"
    )
    parser.add_argument(
        "--workers", type=int, default=4, metavar="N", help="pages fetched in parallel"
    )
    parser.add_argument(
        "--mapping", default=None, metavar="PATH", help="mapping file (default: the project's)"
    )
    parser.set_defaults(func=run_reconcile)


def run_reconcile(args: argparse.Namespace) -> int:
    """Reconcile, print the progress and the summary table, write the report."""
    from badgegate.client import BadgeEngineClient
    from badgegate.mapping import load_mapping
    from badgegate.reconcile import reconcile
    from badgegate.streaming import parse_since, progress_for

    config = config_from_args(args)
    if not config.legacy_db:
        raise ConfigError("no legacy database given: use --legacy-db URL or BADGEGATE_LEGACY_DB")
    if args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}")
    mapping = load_mapping(args.mapping, recipient_email=config.recipient_email)
    since = parse_since(args.since, mapping) if args.since else None
    out = Path(args.out) if args.out else Path(config.report_dir) / REPORT_FILE
    with BadgeEngineClient.from_config(config) as client:
        report = reconcile(
            config.legacy_db,
            client,
            out=out,
            state_dir=config.state_dir,
            since=since,
            resume=args.resume,
            strict=config.strict,
            mapping=mapping,
            progress=progress_for(sys.stderr, verb="reconciling"),
            page_size=args.page_size,
            workers=args.workers,
            config=config,
        )
    print(report.render())
    if report.exit_code == ExitCode.INTERRUPTED:
        hint = resume_command(args, drop=("--resume",), add=("--resume",))
        print(f"interrupted: continue with `{hint}`")
    return int(report.exit_code)
