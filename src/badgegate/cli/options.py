"""Config options shared by every command: ``--x-y`` is config key ``x_y``."""

from __future__ import annotations

import argparse
from typing import Any

from badgegate.config import (
    KEY_HELP,
    PROFILES,
    SECRET_KEYS,
    HarnessConfig,
    config_keys,
    load_config,
)
from badgegate.errors import ConfigError

BOOLEAN_KEYS = ("allow_writes", "verify_tls", "strict", "require_proofs")
#: The keys of every command that talks to badge-engine: where it is, how to authenticate,
#: how to reach it safely, and where run state lives.
ENGINE_KEYS = (
    "engine_url",
    "engine_token_file",
    "client_id",
    "client_secret_file",
    "token_url",
    "state_dir",
    "profile",
    "rate_limit",
    "ca_bundle",
    "verify_tls",
)


def add_config_options(parser: argparse.ArgumentParser, *keys: str) -> None:
    """Add the options of config ``keys`` (all non-secret keys when none are named)."""
    chosen = keys or tuple(key for key in config_keys() if key not in SECRET_KEYS)
    group = parser.add_argument_group("configuration (also [tool.badgegate] and BADGEGATE_*)")
    for key in chosen:
        flag = "--" + key.replace("_", "-")
        if key in BOOLEAN_KEYS:
            group.add_argument(
                flag,
                dest=key,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=KEY_HELP.get(key),
            )
        elif key == "profile":
            group.add_argument(flag, dest=key, choices=PROFILES, default=None, help=KEY_HELP[key])
        else:
            group.add_argument(flag, dest=key, default=None, help=KEY_HELP.get(key))


def config_from_args(
    args: argparse.Namespace, *, problems: list[ConfigError] | None = None, **overrides: Any
) -> HarnessConfig:
    """Load the config with the command line's options (and ``overrides``) on top; with a
    ``problems`` list, values that do not convert are reported there (see ``load_config``)."""
    values = {key: getattr(args, key) for key in config_keys() if hasattr(args, key)}
    values.update({key: value for key, value in overrides.items() if value is not None})
    return load_config(values, problems=problems)
