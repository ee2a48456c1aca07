"""Config options shared by every command: ``--x-y`` is config key ``x_y``."""

from __future__ import annotations

import argparse
from typing import Any

from badgegate.config import PROFILES, SECRET_KEYS, HarnessConfig, config_keys, load_config

_HELP = {
    "engine_url": "OB 3.0 API base of the target, e.g. http://127.0.0.1:8000/ims/ob/v3p0",
    "engine_token_file": "file holding a bearer token for the target",
    "client_id": "OAuth 2.0 client id (client_credentials)",
    "client_secret_file": "file holding the OAuth 2.0 client secret",
    "token_url": "OAuth 2.0 token endpoint (default: <engine_url>/oauth/token)",
    "legacy_db": "SQLAlchemy URL of the legacy database",
    "engine_db": "storage URL of the reference engine (SQLite file or PostgreSQL)",
    "openapi": "OpenAPI document of the target (path or URL)",
    "state_url": "Pact provider-state endpoint of the target",
    "state_dir": "folder for durable run logs and checkpoints (default .badgegate/)",
    "report_dir": "folder for reports (default reports/)",
    "profile": "ci (default), staging or nightly",
    "allow_writes": "allow writes on the staging profile (with write_allowlist)",
    "write_allowlist": "comma-separated hosts that may receive writes on staging",
    "rate_limit": "maximum requests per second to the target",
    "recipient_email": "recipient email of a single-learner legacy database",
    "redact_fields": "comma-separated fields masked in reports",
    "ca_bundle": "CA bundle for HTTPS targets",
    "verify_tls": "verify TLS certificates (true/false)",
}
BOOLEAN_KEYS = ("allow_writes", "verify_tls")


def add_config_options(parser: argparse.ArgumentParser, *keys: str) -> None:
    """Add the options of config ``keys`` (all non-secret keys when none are named)."""
    chosen = keys or tuple(key for key in config_keys() if key not in SECRET_KEYS)
    group = parser.add_argument_group("configuration (also [tool.badgegate] and BADGEGATE_*)")
    for key in chosen:
        flag = "--" + key.replace("_", "-")
        if key in BOOLEAN_KEYS:
            group.add_argument(flag, dest=key, action=argparse.BooleanOptionalAction, default=None)
        elif key == "profile":
            group.add_argument(flag, dest=key, choices=PROFILES, default=None, help=_HELP[key])
        else:
            group.add_argument(flag, dest=key, default=None, help=_HELP.get(key))


def config_from_args(args: argparse.Namespace, **overrides: Any) -> HarnessConfig:
    """Load the config with the command line's options (and ``overrides``) on top."""
    values = {key: getattr(args, key) for key in config_keys() if hasattr(args, key)}
    values.update({key: value for key, value in overrides.items() if value is not None})
    return load_config(values)
