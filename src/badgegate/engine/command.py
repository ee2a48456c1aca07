"""``badgegate engine serve``, ``engine faults`` and ``engine variants``: the reference engine.

:func:`register` adds the ``engine`` command group to a ``badgegate`` parser: the
``badgegate`` command line (:mod:`badgegate.cli`) and ``python -m badgegate.engine``
(:func:`main`) both use it, so the group's options, help, output and exit codes are the same
either way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from badgegate.command_line import run, top_parser
from badgegate.errors import ConfigError, ExitCode


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``badgegate engine`` with ``argv`` (default: the process's arguments)."""
    parser, subparsers = top_parser()
    register(subparsers)
    return run(parser, ["engine", *(sys.argv[1:] if argv is None else argv)])


def register(subparsers: Any) -> None:
    """Add the ``engine`` command group."""
    engine = subparsers.add_parser("engine", help="run the reference badge-engine")
    commands = engine.add_subparsers(dest="engine_command", metavar="COMMAND", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the OB 3.0 API and the extension API until stopped",
        description="Serve the reference badge-engine. With --port 0 a free port is picked; "
        "the line 'badge-engine listening on URL' is printed once it is ready.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    serve.add_argument(
        "--engine-db",
        dest="engine_db",
        default=None,
        help="SQLAlchemy URL or SQLite file path (default <state_dir>/engine.sqlite3)",
    )
    serve.add_argument(
        "--client",
        action="append",
        default=[],
        metavar="ID:SECRET:SCOPES[:TENANT]",
        help="an OAuth client (SCOPES: comma-separated scope URIs or 'all'); repeatable",
    )
    serve.add_argument("--clients-file", type=Path, help="JSON file of clients and static tokens")
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a fault (see 'badgegate engine faults'); repeatable",
    )
    serve.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="behave as a legitimate OB 3.0 variant (see 'badgegate engine variants'); "
        "repeatable, combines with --fault",
    )
    serve.add_argument(
        "--test-endpoints",
        action="store_true",
        help="serve POST /_badgegate/provider-states for contract verification (not as the "
        "plain variant)",
    )
    serve.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    serve.add_argument("--tls-key", help="PEM private key of --tls-cert")
    serve.add_argument(
        "--token-ttl",
        type=int,
        default=None,
        metavar="SECONDS",
        help="lifetime of issued access tokens (default 3600)",
    )
    serve.add_argument(
        "--issuer-key",
        type=Path,
        default=None,
        metavar="FILE",
        help="PEM (PKCS#8) Ed25519 private key every tenant signs its credentials with "
        "(default: each tenant's own key, made on first use and kept in the engine's store)",
    )
    serve.set_defaults(func=run_serve)
    faults = commands.add_parser("faults", help="list the faults the engine can be started with")
    faults.set_defaults(func=run_faults)
    variants = commands.add_parser(
        "variants", help="list the legitimate OB 3.0 variants the engine can be started as"
    )
    variants.set_defaults(func=run_variants)


def run_faults(_args: argparse.Namespace) -> int:
    """Print the fault catalogue: name, the suite that catches it, description."""
    from badgegate.engine.faults.catalogue import CATALOGUE

    width = max(len(fault.name) for fault in CATALOGUE)
    for fault in CATALOGUE:
        print(f"{fault.name:<{width}}  [{fault.caught_by}] {fault.description}")
    return ExitCode.OK


def run_variants(_args: argparse.Namespace) -> int:
    """Print the variant catalogue: name and description, then what allows the behaviour."""
    from badgegate.engine.variants import CATALOGUE

    width = max(len(variant.name) for variant in CATALOGUE)
    for variant in CATALOGUE:
        print(f"{variant.name:<{width}}  {variant.description}")
        print(f"{'':<{width}}  allowed by: {variant.allowed_by}")
    return ExitCode.OK


def run_serve(args: argparse.Namespace) -> int:
    """Serve the engine until interrupted."""
    from badgegate.engine.launcher import serve
    from badgegate.engine.variants import PLAIN

    if bool(args.tls_cert) != bool(args.tls_key):
        raise ConfigError("--tls-cert and --tls-key go together")
    if args.token_ttl is not None and args.token_ttl <= 0:
        raise ConfigError("--token-ttl must be a positive number of seconds")
    settings = _settings(args)
    if settings.test_endpoints and PLAIN in settings.variants:
        print(
            "badge-engine: --variant plain serves no provider-state endpoint, so "
            "--test-endpoints has no effect; leave out one of the two",
            file=sys.stderr,
        )
    if not settings.clients and not settings.tokens:
        print(
            "badge-engine: no --client or --clients-file given, so only clients registered "
            "earlier in this store or through POST /oauth/register can get a token; add one "
            "with --client ID:SECRET:SCOPES[:TENANT] (SCOPES: all, or scope URIs)",
            file=sys.stderr,
        )
    serve(
        settings,
        host=args.host,
        port=args.port,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
    )
    return ExitCode.OK


def _settings(args: argparse.Namespace) -> Any:
    from badgegate.engine.auth.clients import TokenSpec, parse_client_option, read_clients_file
    from badgegate.engine.context import DEFAULT_TOKEN_TTL, EngineSettings
    from badgegate.engine.faults.catalogue import active_faults
    from badgegate.engine.variants import active_variants

    try:
        clients = [parse_client_option(text) for text in args.client]
        tokens: list[TokenSpec] = []
        if args.clients_file is not None:
            more_clients, tokens = read_clients_file(args.clients_file)
            clients += more_clients
        faults = active_faults(args.fault)
        variants = active_variants(args.variant)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    issuer_key = None
    if args.issuer_key is not None:
        from badgegate.engine.model.proofs import IssuerKey

        try:
            issuer_key = IssuerKey.from_pem_file(args.issuer_key)
        except ValueError as error:
            raise ConfigError(
                f"--issuer-key {args.issuer_key}: {error}; give a PEM (PKCS#8) Ed25519 private key"
            ) from None
    return EngineSettings(
        engine_db=args.engine_db or _default_engine_db(),
        clients=tuple(clients),
        tokens=tuple(tokens),
        faults=faults,
        variants=variants,
        test_endpoints=args.test_endpoints,
        token_ttl=args.token_ttl or DEFAULT_TOKEN_TTL,
        issuer_key=issuer_key,
    )


def _default_engine_db() -> str:
    from badgegate.config import load_config

    config = load_config()
    return config.engine_db or str(Path(config.state_dir) / "engine.sqlite3")
