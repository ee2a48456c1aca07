"""``badgegate auth login|status|logout``: log in to an OB 3.0 Host as its clients do.

``login`` runs the OAuth 2.0 authorization code flow with PKCE (registering a client by RFC 7591
unless ``--client-id`` is given) and keeps the tokens in a user-level file readable by the user
alone; every command then uses that login for the engine URL when no token or client
credentials are configured. ``status`` shows what is held (never a token); ``logout`` revokes
where the target offers it and deletes the file. Exit codes: 0 done; 2 a refused, denied,
timed-out or mismatched login (one line saying what to do).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.config import HarnessConfig
from badgegate.errors import ConfigError, ExitCode

AUTH_KEYS = ("engine_url", "client_id", "client_secret_file", "ca_bundle", "verify_tls")


def register(subparsers: Any) -> None:
    """Add ``auth login``, ``auth status`` and ``auth logout``."""
    auth = subparsers.add_parser(
        "auth", help="log in to an OB 3.0 Host (authorization code with PKCE)"
    )
    commands = auth.add_subparsers(dest="auth_command", metavar="COMMAND", required=True)
    login = commands.add_parser(
        "login",
        help="log in and keep the tokens for the engine URL",
        description="Log in with the OAuth 2.0 authorization code grant and PKCE: register a "
        "client (RFC 7591) unless --client-id is given, open (or print) the authorization URL, "
        "receive the code on a loopback redirect, and keep the tokens in a file readable by "
        "you alone, outside the working directory.",
    )
    login.add_argument(
        "--no-browser", action="store_true", help="print the authorization URL, do not open it"
    )
    login.add_argument(
        "--scope",
        action="append",
        dest="scopes",
        help="a scope URI to ask for (repeatable; default: every scope the target describes "
        "and, where a registration grants them, badgegate's extension scopes)",
    )
    login.add_argument(
        "--timeout",
        type=_positive,
        default=300.0,
        help="seconds to wait for the authorization answer (default 300)",
    )
    add_config_options(login, *AUTH_KEYS)
    login.set_defaults(func=run_login)
    status = commands.add_parser("status", help="show the logins held (never a token)")
    add_config_options(status, "engine_url")
    status.set_defaults(func=run_status)
    logout = commands.add_parser("logout", help="revoke the login's tokens and forget them")
    add_config_options(logout, "engine_url", "ca_bundle", "verify_tls")
    logout.set_defaults(func=run_logout)


def _positive(text: str) -> float:
    """A number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError("must be a number of seconds above 0")
    return value


def _engine_url(config: HarnessConfig) -> str:
    url = config.engine_url
    if not url:
        raise ConfigError("no engine URL given: use --engine-url URL or BADGEGATE_ENGINE_URL")
    return url


def run_login(args: argparse.Namespace) -> int:
    """Log in; print where the login is kept."""
    import webbrowser

    from badgegate.client.login import log_in, save_login
    from badgegate.transport import Transport

    config = config_from_args(args)
    engine_url = _engine_url(config)
    if config.client_id and not config.client_secret:
        raise ConfigError(
            "--client-id needs its secret: set BADGEGATE_CLIENT_SECRET or --client-secret-file"
        )

    def show(url: str) -> None:
        print(f"open this URL to log in:\n  {url}", file=sys.stderr, flush=True)

    with Transport.from_config(config) as transport:
        login = log_in(
            transport,
            engine_url,
            client_id=config.client_id,
            client_secret=config.client_secret,
            scopes=args.scopes,
            show=show,
            open_browser=None if args.no_browser else webbrowser.open,
            timeout=args.timeout,
        )
    path = save_login(login)
    print(f"logged in to {engine_url} as client {login.client_id!r}; login kept in {path}")
    return ExitCode.OK


def run_status(args: argparse.Namespace) -> int:
    """List the logins held, or the one for ``--engine-url``."""
    from badgegate.client.login import stored_logins

    wanted = config_from_args(args).engine_url
    shown = 0
    for login in stored_logins():
        if wanted and login.engine_url != wanted:
            continue
        expires = dt.datetime.fromtimestamp(min(login.expires_at, 4e10), dt.UTC)
        refresh = "a refresh token" if login.refresh_token else "no refresh token"
        print(
            f"{login.engine_url}: client {login.client_id!r}, scopes {' '.join(login.scopes)}, "
            f"access token until {expires.isoformat(timespec='seconds')}, {refresh}"
        )
        shown += 1
    if not shown:
        print("no login held" + (f" for {wanted}" if wanted else ""))
    return ExitCode.OK


def run_logout(args: argparse.Namespace) -> int:
    """Revoke and forget the login of ``--engine-url``."""
    from badgegate.client.login import log_out
    from badgegate.transport import Transport

    config = config_from_args(args)
    engine_url = _engine_url(config)
    with Transport.from_config(config) as transport:
        outcome = log_out(transport, engine_url)
    print(
        {
            None: f"no login held for {engine_url}",
            True: f"logged out of {engine_url}; its tokens are revoked",
            False: f"logged out of {engine_url}; the target did not revoke its tokens (no RFC 7009 "
            "revocation there), so they stay valid until they expire",
        }[outcome]
    )
    return ExitCode.OK
