"""``badgegate mapping check``: the live legacy schema against the migration mapping.

Exit 0 when every live column has a fate and every mapped column exists with the declared type
and nullability; 1 naming each column that does not; 2 for a bad URL or mapping file; 3 when the
database cannot be reached.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.errors import ConfigError, ExitCode


def register(subparsers: Any) -> None:
    """Add the ``mapping`` command group (``mapping check``)."""
    mapping = subparsers.add_parser("mapping", help="the migration data contract")
    commands = mapping.add_subparsers(dest="mapping_command", metavar="COMMAND", required=True)
    check = commands.add_parser(
        "check",
        help="fail when a live legacy column has no fate or the mapping names a missing one",
        description="Inspect the live legacy schema (read-only) and compare it with "
        "contracts/migration-mapping.yaml.",
    )
    add_config_options(check, "legacy_db", "legacy_statement_timeout")
    check.add_argument(
        "--mapping",
        type=Path,
        default=None,
        metavar="PATH",
        help="mapping file (default: contracts/migration-mapping.yaml)",
    )
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    """Check the mapping against the live schema; print one line per finding."""
    from badgegate.legacy import describe_url
    from badgegate.mapping import check_schema, load_mapping

    config = config_from_args(args)
    url = config.legacy_db
    if not url:
        raise ConfigError("no legacy database given: use --legacy-db URL or BADGEGATE_LEGACY_DB")
    mapping = load_mapping(args.mapping)
    findings = check_schema(url, mapping, statement_timeout=config.legacy_statement_timeout)
    for finding in findings:
        print(finding.render())
    columns = sum(len(table.columns) for table in mapping.tables)
    if findings:
        print(f"mapping check failed: {len(findings)} problem(s) in {describe_url(url)}")
        return ExitCode.FAILED
    print(f"mapping check passed: {columns} columns of {describe_url(url)} have a fate")
    return ExitCode.OK
