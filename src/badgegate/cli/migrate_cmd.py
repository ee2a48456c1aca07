"""``badgegate migrate`` and ``badgegate rollback``: move the legacy badges into badge-engine.

Exit codes: 0 done; 1 records failed, a rollback did not verify, or the legacy
checksum changed; 2 usage or configuration; 3 engine or legacy database unreachable; 4 aborted
at ``--max-failures``; 130 interrupted (the run log is kept: continue with ``--resume``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from badgegate.cli.hints import resume_command
from badgegate.cli.options import ENGINE_KEYS, add_config_options, config_from_args
from badgegate.errors import ConfigError
from badgegate.vocabulary import BATCH_LIMIT

MIGRATE_KEYS = (*ENGINE_KEYS, "allow_writes", "write_allowlist")


def register(subparsers: Any) -> None:
    """Add ``migrate`` and ``rollback``."""
    _register_migrate(subparsers)
    _register_rollback(subparsers)


def _register_migrate(subparsers: Any) -> None:
    migrate = subparsers.add_parser(
        "migrate",
        help="migrate the legacy badges into badge-engine (resumable, idempotent)",
        description="Stream the legacy badges through the migration mapping into badge-engine. "
        "Engine credentials come from BADGEGATE_ENGINE_TOKEN / BADGEGATE_CLIENT_SECRET or the "
        "*-file options. The run log and checkpoints live in --state-dir.",
    )
    add_config_options(
        migrate, "legacy_db", "legacy_statement_timeout", "recipient_email", *MIGRATE_KEYS
    )
    migrate.add_argument(
        "--batch-size",
        type=_positive,
        default=BATCH_LIMIT,
        metavar="N",
        help=f"upserts per batch, 1 to {BATCH_LIMIT} (default {BATCH_LIMIT})",
    )
    migrate.add_argument(
        "--workers",
        type=_positive,
        default=4,
        metavar="N",
        help="batches written concurrently (default 4)",
    )
    migrate.add_argument(
        "--since",
        metavar="TS",
        help="only badges changed at or after TS (ISO 8601; no zone = legacy "
        "local time): the catch-up pass of a cut-over",
    )
    migrate.add_argument(
        "--dry-run",
        action="store_true",
        help="write nothing; report what would be created, replaced or left",
    )
    migrate.add_argument(
        "--resume", action="store_true", help="continue the newest unfinished run (or --run RUN_ID)"
    )
    migrate.add_argument(
        "--max-failures",
        type=_positive,
        default=None,
        metavar="N",
        help="stop with exit 4 once N records have failed",
    )
    migrate.add_argument(
        "--run",
        dest="run_id",
        metavar="RUN_ID",
        help="the run id (default: a new mig-<time>-<random>)",
    )
    migrate.add_argument(
        "--propagate-deletes",
        action="store_true",
        help="delete in badge-engine what was deleted in the legacy database "
        "(when the engine has a delete endpoint)",
    )
    migrate.add_argument(
        "--single-calls",
        action="store_true",
        help="one request per record instead of the batch endpoint",
    )
    migrate.add_argument(
        "--mapping",
        default=None,
        metavar="PATH",
        help="mapping file (default: contracts/migration-mapping.yaml)",
    )
    migrate.set_defaults(func=run_migrate)


def _register_rollback(subparsers: Any) -> None:
    rollback = subparsers.add_parser(
        "rollback",
        help="undo one migration run in badge-engine and verify it",
        description="Delete what run RUN_ID created and restore what it replaced, from "
        "badge-engine's run history; then verify. With --legacy-db, prove the legacy "
        "database untouched with its checksum.",
    )
    add_config_options(rollback, "legacy_db", *MIGRATE_KEYS)
    rollback.add_argument(
        "--run",
        dest="run_id",
        required=True,
        metavar="RUN_ID",
        help="the run to undo (printed by badgegate migrate)",
    )
    rollback.set_defaults(func=run_rollback)


def run_migrate(args: argparse.Namespace) -> int:
    """Run (or resume) a migration; print the checksum, progress and the summary."""
    from badgegate.client import BadgeEngineClient
    from badgegate.mapping import load_mapping
    from badgegate.migrate import migrate, parse_since, progress_for

    config = config_from_args(args)
    if not config.legacy_db:
        raise ConfigError("no legacy database given: use --legacy-db URL or BADGEGATE_LEGACY_DB")
    mapping = load_mapping(args.mapping, recipient_email=config.recipient_email)
    since = parse_since(args.since, mapping) if args.since else None
    with BadgeEngineClient.from_config(config) as client:
        summary = migrate(
            config.legacy_db,
            client,
            state_dir=config.state_dir,
            run_id=args.run_id,
            resume=args.resume,
            batch_size=args.batch_size,
            workers=args.workers,
            since=since,
            dry_run=args.dry_run,
            single_calls=args.single_calls,
            max_failures=args.max_failures,
            propagate_deletes=args.propagate_deletes,
            mapping=mapping,
            progress=progress_for(sys.stderr, verb="migrating"),
            statement_timeout=config.legacy_statement_timeout,
        )
    print(summary.render())
    if summary.status == "interrupted":
        hint = resume_command(
            args, drop=("--resume", "--run"), add=("--resume", "--run", summary.run_id)
        )
        print(f"interrupted: continue with `{hint}`")
    if summary.status == "aborted":
        print(f"aborted: {summary.failed} records failed (--max-failures {args.max_failures})")
    return int(summary.exit_code)


def run_rollback(args: argparse.Namespace) -> int:
    """Roll a run back, verify, and print the report."""
    from badgegate.client import BadgeEngineClient
    from badgegate.migrate import rollback

    config = config_from_args(args)
    with BadgeEngineClient.from_config(config) as client:
        report = rollback(
            client, args.run_id, legacy_db=config.legacy_db, state_dir=config.state_dir
        )
    print(report.render())
    return int(report.exit_code)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value
