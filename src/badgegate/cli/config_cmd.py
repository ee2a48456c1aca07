"""``badgegate config show``: every setting, its value and where it came from."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.config import HarnessConfig
from badgegate.errors import ConfigError, ExitCode


def register(subparsers: Any) -> None:
    """Add ``config show``."""
    config = subparsers.add_parser("config", help="inspect the configuration")
    commands = config.add_subparsers(dest="config_command", metavar="COMMAND", required=True)
    show = commands.add_parser("show", help="print each setting, its value and its source")
    show.add_argument(
        "--format",
        choices=("text", "json", "reference"),
        default="text",
        help="reference: the Markdown table of every key (as in the README)",
    )
    add_config_options(show)
    show.set_defaults(func=show_config)


def show_config(args: argparse.Namespace) -> int:
    """Print the effective config; secrets are masked."""
    if args.format == "reference":
        from badgegate.config import reference_markdown

        print(reference_markdown(), end="")
        return ExitCode.OK
    problems: list[ConfigError] = []
    config = config_from_args(args, problems=problems)
    rows = config.describe()
    if args.format == "json":
        shown = {key: {"value": value, "source": source} for key, value, source in rows}
        print(json.dumps(shown, indent=2))
    else:
        width = max(len(key) for key, _, _ in rows)
        for key, value, source in rows:
            print(f"{key:<{width}}  {value}  [{source}]")
    if args.format == "text":
        print(f"credentials: {_credentials(config)}")
        print(f"credentials, first found wins: {CREDENTIALS_PRECEDENCE}")
    for problem in problems:
        print(f"badgegate: error: {problem}", file=sys.stderr)
    if problems:
        print("badgegate: a value that could not be read is shown at its default", file=sys.stderr)
    return ExitCode.USAGE if problems else ExitCode.OK


CREDENTIALS_PRECEDENCE = (
    "a bearer token (the --engine-token-file option, then the environment: "
    "BADGEGATE_ENGINE_TOKEN_FILE, BADGEGATE_ENGINE_TOKEN), then client credentials, then the "
    "login stored by `badgegate auth login` for the engine URL"
)
_TOKEN_FILE_SOURCES = {
    "cli": "the --engine-token-file option",
    "env": "BADGEGATE_ENGINE_TOKEN_FILE",
    "pyproject": "engine_token_file in pyproject.toml",
}


def _credentials(config: HarnessConfig) -> str:
    """Which credentials a command would use, by the documented precedence (never a value)."""
    from badgegate.client.login import credentials_in_use, login_path

    kind = credentials_in_use(config)
    if kind == "token":
        if config.sources.get("engine_token") == "env":
            return "the bearer token in BADGEGATE_ENGINE_TOKEN"
        where = _TOKEN_FILE_SOURCES.get(config.sources.get("engine_token_file", ""), "a file")
        return f"the bearer token in {config.engine_token_file} ({where})"
    if kind == "client credentials":
        return f"client credentials of {config.client_id!r}"
    if config.engine_url is None:
        return "the embedded stack's own clients (no engine_url)"
    if kind == "stored login":
        return f"the stored login for {config.engine_url} ({login_path(config.engine_url)})"
    return "none (no token, client credentials or stored login for the engine URL)"
