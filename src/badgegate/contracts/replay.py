"""What a provider verification will replay, checked before the Pact verifier starts.

The Pact verifier (native code in pact-python's FFI) sends its requests itself, past
badgegate's guarded transport. So the interactions to replay are chosen and checked here, from
the pact files, and the verifier is given only those, rewritten to the target's API base:

* an interaction that needs provider states is refused without a provider-state endpoint;
* on the staging profile, unless writes to the host are allowed (``allow_writes`` and
  ``write_allowlist``), an interaction that writes (POST/PUT/PATCH/DELETE) or any
  provider-state call (a POST to the state endpoint, one per interaction) is refused;
* ``only_state_free`` keeps the interactions with no provider state that only read;
* interactions on operations the target does not offer (its capabilities, for instance no
  extension API) are left out.

A bearer token given for the target (``token``) stands for the consumer's client: it replaces
the recorded bearer token of every interaction that expects an answer other than 401 or 403,
and that interaction's state "client C holds token T with scopes S" for the recorded token is
dropped (the given token holds). Interactions showing a refusal keep their recorded credentials,
which their provider state sets up.
"""

from __future__ import annotations

import dataclasses
import json
import re
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from badgegate.config import HarnessConfig
from badgegate.contracts.states import CLIENT_HOLDS_TOKEN
from badgegate.errors import ConfigError
from badgegate.ob3 import API_BASE_PATH
from badgegate.transport.guard import SAFE_METHODS, is_staging, writes_allowed

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSALS = frozenset({401, 403})


@dataclasses.dataclass(frozen=True)
class Interaction:
    """One interaction of a pact file, as far as the safety checks need it."""

    consumer: str
    description: str
    method: str
    path: str
    states: tuple[str, ...]
    #: The OAuth 2.0 grant of a token request (``client_credentials``, ...), else ``None``.
    grant: str | None = None

    @property
    def writes(self) -> bool:
        """True when replaying it sends a POST, PUT, PATCH or DELETE."""
        return self.method not in SAFE_METHODS

    @property
    def state_free(self) -> bool:
        """True when it needs no provider state and only reads."""
        return not self.states and self.method in READ_METHODS


@dataclasses.dataclass(frozen=True)
class ReplayPlan:
    """The pacts to replay, each with the interactions chosen from it."""

    pacts: tuple[tuple[dict[str, Any], tuple[dict[str, Any], ...]], ...]
    interactions: tuple[Interaction, ...]

    def write(self, folder: Path, *, base_path: str) -> list[Path]:
        """Write the chosen interactions as pact files in ``folder``, their paths moved from
        ``/ims/ob/v3p0`` to ``base_path`` (the path of the target's API base)."""
        paths = []
        for number, (pact, chosen) in enumerate(self.pacts):
            if not chosen:
                continue
            copy = dict(pact)
            copy["interactions"] = [_rebased(interaction, base_path) for interaction in chosen]
            path = folder / f"pact-{number}.json"
            path.write_text(json.dumps(copy), encoding="utf-8")
            paths.append(path)
        return paths


def _rebased(interaction: dict[str, Any], base_path: str) -> dict[str, Any]:
    request = interaction.get("request")
    if not isinstance(request, dict) or not isinstance(request.get("path"), str):
        return interaction
    path = request["path"]
    if base_path == API_BASE_PATH or not path.startswith(API_BASE_PATH):
        return interaction
    rest = path[len(API_BASE_PATH) :]
    if rest and not rest.startswith("/"):
        return interaction
    return {**interaction, "request": {**request, "path": base_path + rest}}


def _with_token(interaction: dict[str, Any], token: str) -> dict[str, Any]:
    """``interaction`` with ``token`` in place of its recorded bearer token, and without the
    provider state that made the recorded token (unless it shows a refusal: 401 or 403)."""
    request, response = interaction.get("request"), interaction.get("response")
    if not isinstance(request, dict) or not isinstance(request.get("headers"), dict):
        return interaction
    if isinstance(response, dict) and response.get("status") in REFUSALS:
        return interaction
    headers = request["headers"]
    name = next((name for name in headers if name.lower() == "authorization"), None)
    recorded = headers.get(name) if name else None
    value = recorded[0] if isinstance(recorded, list) and recorded else recorded
    if name is None or not isinstance(value, str) or not value.startswith("Bearer "):
        return interaction
    given = f"Bearer {token}"
    replaced = {**headers, name: [given] if isinstance(recorded, list) else given}
    old_token = value.removeprefix("Bearer ")
    states = [
        state
        for state in interaction.get("providerStates") or ()
        if not (
            isinstance(state, dict)
            and state.get("name") == CLIENT_HOLDS_TOKEN
            and (state.get("params") or {}).get("token") == old_token
        )
    ]
    return {**interaction, "request": {**request, "headers": replaced}, "providerStates": states}


def _pact_files(sources: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        source = Path(source)
        files.extend(sorted(source.glob("*.json")) if source.is_dir() else [source])
    return files


def _load(path: Path) -> dict[str, Any]:
    try:
        pact = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read pact file {path}: {error}") from None
    if not isinstance(pact, dict) or not isinstance(pact.get("interactions"), list):
        raise ConfigError(f"{path} is not a pact file (no interactions); pass --pacts a pact")
    return pact


def _interaction(pact: dict[str, Any], raw: dict[str, Any]) -> Interaction:
    request = raw.get("request") or {}
    states = tuple(str(state.get("name", "")) for state in raw.get("providerStates") or () if state)
    if not states and raw.get("providerState"):
        states = (str(raw["providerState"]),)
    return Interaction(
        consumer=str((pact.get("consumer") or {}).get("name", "?")),
        description=str(raw.get("description", "")),
        method=str(request.get("method", "GET")).upper(),
        path=str(request.get("path", "/")),
        states=states,
        grant=_grant_type(request),
    )


def _grant_type(request: dict[str, Any]) -> str | None:
    """The ``grant_type`` of a form-encoded token request, else ``None``."""
    body = request.get("body")
    content = body.get("content") if isinstance(body, dict) else body
    if not isinstance(content, str) or "grant_type=" not in content:
        return None
    values = urllib.parse.parse_qs(content).get("grant_type")
    return values[0] if values else None


def plan_replay(
    sources: Sequence[Path],
    *,
    description: str | None = None,
    only_state_free: bool = False,
    offered: Callable[[str, str | None], bool] | None = None,
    token: str | None = None,
) -> ReplayPlan:
    """Choose the interactions to replay from the pact files (or folders) in ``sources``.

    ``description`` is a regular expression an interaction's description must match (searched,
    like the Pact verifier's filter); ``only_state_free`` keeps the state-free reads only;
    ``offered`` (given a path under the API base, such as ``/ext/achievements``, and the grant
    of a token request) leaves out the interactions on what the target does not offer;
    ``token`` replaces the recorded bearer tokens (see the module's description).
    """
    try:
        pattern = re.compile(description) if description else None
    except re.error as error:
        raise ConfigError(
            f"--interaction {description!r} is not a regular expression: {error}"
        ) from None
    pacts = []
    chosen_all: list[Interaction] = []
    for path in _pact_files(sources):
        pact = _load(path)
        chosen = []
        for raw in pact["interactions"]:
            if not isinstance(raw, dict):
                continue
            raw = _with_token(raw, token) if token else raw
            interaction = _interaction(pact, raw)
            if pattern is not None and not pattern.search(interaction.description):
                continue
            if only_state_free and not interaction.state_free:
                continue
            if offered is not None and not offered(
                _under_base(interaction.path), interaction.grant
            ):
                continue
            chosen.append(raw)
            chosen_all.append(interaction)
        pacts.append((pact, tuple(chosen)))
    if not chosen_all:
        what = "state-free " if only_state_free else ""
        narrowed = f" matching --interaction {description!r}" if description else ""
        raise ConfigError(
            f"no {what}interaction{narrowed} in {', '.join(str(s) for s in sources)}; "
            "check --pacts and --interaction"
        )
    return ReplayPlan(tuple(pacts), tuple(chosen_all))


def _under_base(path: str) -> str:
    """A pact path (``/ims/ob/v3p0/...``) relative to the OB 3.0 API base."""
    return path.removeprefix(API_BASE_PATH) or "/"


def check_replay_allowed(
    plan: ReplayPlan,
    provider_url: str,
    *,
    state_url: str | None,
    config: HarnessConfig | None,
) -> None:
    """Raise :class:`ConfigError`, one line per reason, when the plan may not be replayed."""
    problems: list[str] = []
    if not state_url:
        problems.extend(
            f"interaction {item.description!r} ({item.consumer}) needs provider state "
            f"{state!r}: pass --state-url or --only-state-free"
            for item in plan.interactions
            for state in item.states
        )
    if config is not None and is_staging(config):
        host = urllib.parse.urlsplit(provider_url).hostname
        writes: list[str] = []
        if not writes_allowed(config, host):
            writes.extend(
                f"interaction {item.description!r} ({item.consumer}) would send "
                f"{item.method} {item.path} to {host} on the read-only staging profile"
                for item in plan.interactions
                if item.writes
            )
        state_host = urllib.parse.urlsplit(state_url).hostname if state_url else None
        if state_url and not writes_allowed(config, state_host):
            writes.append(
                f"provider-state calls would POST to {state_url} for each of "
                f"{len(plan.interactions)} interaction(s) on the read-only staging profile"
            )
        if writes:
            hosts = ",".join(sorted({h for h in (host, state_host) if h}))
            problems.extend(writes)
            problems.append(
                "to replay them, pass --allow-writes --write-allowlist "
                f"{hosts} (only for a system that may be written), or --only-state-free"
            )
    if problems:
        raise ConfigError("contracts verify refused to replay:\n" + "\n".join(problems))
