"""``badgegate contracts verify|update|publish|can-i-deploy``: Pact contracts of badge-engine."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.errors import ConfigError, ExitCode

VERIFY_KEYS = (
    "engine_url",
    "engine_token_file",
    "state_url",
    "engine_db",
    "report_dir",
    "profile",
    "allow_writes",
    "write_allowlist",
)


def register(subparsers: Any) -> None:
    """Add ``contracts`` and its sub-commands."""
    contracts = subparsers.add_parser(
        "contracts", help="consumer contracts (Pact): verify, update, publish, can-i-deploy"
    )
    commands = contracts.add_subparsers(dest="contracts_command", metavar="COMMAND")
    _register_verify(commands)
    update = commands.add_parser(
        "update", help="regenerate the committed pact files in contracts/pacts/ on purpose"
    )
    update.set_defaults(func=run_update)
    _register_publish(commands)
    _register_can_i_deploy(commands)
    contracts.set_defaults(func=lambda _args: _usage(contracts))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return ExitCode.USAGE


def _register_verify(commands: Any) -> None:
    verify = commands.add_parser(
        "verify",
        help="replay the pacts against a badge-engine (default: the embedded reference engine)",
        description=(
            "Replay every pact against the target, setting provider states through its "
            "state-change endpoint (--state-url). The pacts' paths are replayed relative to the "
            "path of --engine-url. Interactions that need provider states are refused without "
            "--state-url. On the staging profile nothing that writes is replayed (no write "
            "interaction, no provider-state call) unless --allow-writes is set and the host is "
            "on --write-allowlist. With PACT_BROKER_BASE_URL set (and no --pacts), the pacts "
            "come from the broker. A bearer token for the target (--engine-token-file or "
            "BADGEGATE_ENGINE_TOKEN, with --engine-url) replaces the recorded bearer token of "
            "every interaction that does not expect 401 or 403, and stands in for its provider "
            "state 'client C holds token T with scopes S' (so an interaction with no other state "
            "needs no --state-url); the interactions that show a refusal keep their recorded "
            "credentials. The token must act for the tenant the provider states set up."
        ),
    )
    verify.add_argument(
        "--only-state-free",
        action="store_true",
        help=(
            "verify only the interactions that need no provider state and do not write "
            "(GET/HEAD/OPTIONS without states); no provider-state calls are made, so it is safe "
            "on any target"
        ),
    )
    verify.add_argument(
        "--pacts", type=Path, help="a pact file or folder (default contracts/pacts)"
    )
    verify.add_argument(
        "--interaction", help="only interactions whose description matches this regex"
    )
    broker = verify.add_argument_group("Pact Broker (PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN)")
    broker.add_argument("--provider-version", help="provider version the results are for")
    broker.add_argument("--provider-branch", help="provider branch (for pending pacts)")
    broker.add_argument(
        "--consumer-version-selector",
        action="append",
        dest="selectors",
        metavar="JSON",
        help="e.g. '{\"mainBranch\": true}' (repeatable; default: mainBranch, deployedOrReleased)",
    )
    broker.add_argument("--include-wip-since", metavar="DATE", help="include WIP pacts since DATE")
    broker.add_argument(
        "--publish-results", action="store_true", help="publish results (needs --provider-version)"
    )
    add_config_options(verify, *VERIFY_KEYS)
    verify.set_defaults(func=run_verify)


def _register_publish(commands: Any) -> None:
    publish = commands.add_parser("publish", help="publish the committed pacts to the Pact Broker")
    publish.add_argument("--consumer-app-version", required=True, help="e.g. the git SHA")
    publish.add_argument("--branch", help="the consumer's git branch")
    publish.add_argument("--tag", action="append", default=[], help="a version tag (repeatable)")
    publish.add_argument("--build-url", help="the CI build's URL")
    publish.add_argument(
        "--pacts", type=Path, help="a pact file or folder (default contracts/pacts)"
    )
    publish.set_defaults(func=run_publish)


def _register_can_i_deploy(commands: Any) -> None:
    deploy = commands.add_parser(
        "can-i-deploy", help="ask the Pact Broker whether a version may be deployed"
    )
    deploy.add_argument("--pacticipant", required=True, help="e.g. badge-engine or badge-migrator")
    deploy.add_argument("--version", required=True, help="the version to deploy")
    deploy.add_argument("--environment", help="the target environment, e.g. production")
    deploy.set_defaults(func=run_can_i_deploy)


def _pact_sources(given: Path | None) -> list[Path]:
    from badgegate.contracts import committed_pacts_dir

    source = given or committed_pacts_dir()
    if not source.exists():
        raise ConfigError(f"no pacts at {source}; run `badgegate contracts update` or pass --pacts")
    return [source]


def run_verify(args: argparse.Namespace) -> int:
    """Verify the pacts against the configured target or the embedded engine."""
    from badgegate.contracts.broker import BrokerSettings
    from badgegate.stack import check_engine_base, open_target

    config = config_from_args(args)
    if args.engine_token_file and not config.engine_url:
        raise ConfigError(
            "--engine-token-file is a token for the engine at --engine-url; the embedded "
            "reference engine takes the pacts' recorded tokens: pass --engine-url or drop it"
        )
    broker_settings = None if args.pacts else BrokerSettings.from_env()
    check_engine_base(config)
    with open_target(config) as target:
        state_url = target.state_url or config.state_url
        if broker_settings is not None:
            return _verify_from_broker(args, broker_settings, target, state_url)
        return _verify_files(args, target, state_url)


def _given_token(target: Any) -> Any:
    """The bearer token given for the target (none on the embedded stack)."""
    return None if target.embedded else target.config.engine_token


def _verify_files(args: argparse.Namespace, target: Any, state_url: str | None) -> int:
    from badgegate.contracts.verify import VerificationFailed, run_verification

    report = run_verification(
        _pact_sources(args.pacts),
        target.api_url,
        state_url=state_url,
        description=args.interaction,
        config=target.config,
        only_state_free=args.only_state_free,
        token=_given_token(target),
    )
    folder = Path(target.config.report_dir) / "contracts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "verification.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    if not report.passed:
        raise VerificationFailed(report)
    print(report.render())
    return ExitCode.OK


def _verify_from_broker(
    args: argparse.Namespace, settings: Any, target: Any, state_url: str | None
) -> int:
    from badgegate.contracts.broker import DEFAULT_SELECTORS, PactBroker
    from badgegate.contracts.broker_verify import BrokerVerification, verify_from_broker

    if args.publish_results and not args.provider_version:
        raise ConfigError("--publish-results needs --provider-version")
    options = BrokerVerification(
        provider_version=args.provider_version,
        provider_branch=args.provider_branch,
        selectors=_selectors(args.selectors) or DEFAULT_SELECTORS,
        include_wip_since=args.include_wip_since,
        publish=args.publish_results,
    )
    with PactBroker(settings) as broker:
        results = verify_from_broker(
            broker,
            target.api_url,
            state_url=state_url,
            options=options,
            config=target.config,
            only_state_free=args.only_state_free,
            token=_given_token(target),
        )
    for verifiable, report in results:
        print(f"{verifiable.name}{' (pending)' if verifiable.pending else ''}")
        print(report.render())
    return ExitCode.OK


def _selectors(texts: list[str] | None) -> list[dict[str, Any]]:
    selectors = []
    for text in texts or ():
        try:
            selector = json.loads(text)
        except ValueError:
            raise ConfigError(f"--consumer-version-selector {text!r} is not JSON") from None
        if not isinstance(selector, dict):
            raise ConfigError(f"--consumer-version-selector {text!r} must be a JSON object")
        selectors.append(selector)
    return selectors


def run_update(args: argparse.Namespace) -> int:
    """Check every consumer contract and rewrite ``contracts/pacts/`` from them."""
    from badgegate.contracts import all_contracts, committed_pacts_dir, write_pacts
    from badgegate.contracts.drift import replace_pacts

    with tempfile.TemporaryDirectory(prefix="badgegate-pacts-") as folder:
        write_pacts(all_contracts(), Path(folder))
        for path in replace_pacts(Path(folder), committed_pacts_dir()):
            print(f"wrote {path}")
    return ExitCode.OK


def _broker_settings() -> Any:
    from badgegate.contracts.broker import BrokerSettings

    settings = BrokerSettings.from_env()
    if settings is None:
        raise ConfigError(
            "no Pact Broker configured; set PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN "
            "(or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD)"
        )
    return settings


def run_publish(args: argparse.Namespace) -> int:
    """Publish the pact files to the broker as one consumer version."""
    from badgegate.contracts.broker import PactBroker

    files = [p for source in _pact_sources(args.pacts) for p in _json_files(source)]
    with PactBroker(_broker_settings()) as broker:
        messages = broker.publish(
            files,
            version=args.consumer_app_version,
            branch=args.branch,
            tags=args.tag,
            build_url=args.build_url,
        )
    print("\n".join(message for message in messages if message))
    return ExitCode.OK


def _json_files(source: Path) -> list[Path]:
    return sorted(source.glob("*.json")) if source.is_dir() else [source]


def run_can_i_deploy(args: argparse.Namespace) -> int:
    """Print the broker's verdict; exit 0 only when it says deployable."""
    from badgegate.contracts.broker import PactBroker

    with PactBroker(_broker_settings()) as broker:
        answer = broker.can_i_deploy(args.pacticipant, args.version, environment=args.environment)
    print(answer.render())
    return ExitCode.OK if answer.deployable else ExitCode.FAILED
