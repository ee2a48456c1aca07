"""``badgegate legacy seed``: create and fill a reference legacy database."""

from __future__ import annotations

import argparse
from typing import Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.errors import ConfigError, ExitCode


def register(subparsers: Any) -> None:
    """Add the ``legacy`` command group (``legacy seed``)."""
    legacy = subparsers.add_parser("legacy", help="the reference legacy database")
    commands = legacy.add_subparsers(dest="legacy_command", metavar="COMMAND", required=True)
    seed = commands.add_parser(
        "seed",
        help="create the legacy tables and fill them with deterministic, realistic badges",
        description="Create the legacy tables (the team's backend schema) at --legacy-db and fill "
        "them with N generated badges; the same --seed gives the same rows.",
    )
    add_config_options(seed, "legacy_db")
    seed.add_argument("--badges", type=_count, required=True, metavar="N", help="badges to create")
    seed.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    seed.add_argument(
        "--replace", action="store_true", help="drop existing legacy tables and their rows first"
    )
    seed.set_defaults(func=run_seed)


def run_seed(args: argparse.Namespace) -> int:
    """Seed the legacy database; print what was written and how fast."""
    import sqlalchemy as sa

    from badgegate.legacy import describe_url, seed

    url = config_from_args(args).legacy_db
    if not url:
        raise ConfigError("no legacy database given: use --legacy-db URL or BADGEGATE_LEGACY_DB")
    try:
        report = seed(url, badges=args.badges, seed=args.seed, replace=args.replace)
    except sa.exc.IntegrityError as error:
        raise ConfigError(
            f"{describe_url(url)} already holds legacy rows that clash with the seeded ones; "
            "use --replace to start over"
        ) from error
    print(
        f"seeded {report.badges} badges and {report.requirements} requirements into "
        f"{describe_url(url)} in {report.seconds:.1f} s ({report.badges_per_second:.0f} badges/s)"
    )
    return ExitCode.OK


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value
