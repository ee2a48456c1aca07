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
from badgegate.errors import ConfigError
from badgegate.ob3 import API_BASE_PATH
from badgegate.transport.guard import SAFE_METHODS, is_staging, writes_allowed

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclasses.dataclass(frozen=True)
class Interaction:
    """One interaction of a pact file, as far as the safety checks need it."""

    consumer: str
    description: str
    method: str
    path: str
    states: tuple[str, ...]

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

    pacts: tuple[tuple[dict[str, Any], tuple[int, ...]], ...]
    interactions: tuple[Interaction, ...]

    def write(self, folder: Path, *, base_path: str) -> list[Path]:
        """Write the chosen interactions as pact files in ``folder``, their paths moved from
        ``/ims/ob/v3p0`` to ``base_path`` (the path of the target's API base)."""
        paths = []
        for number, (pact, chosen) in enumerate(self.pacts):
            if not chosen:
                continue
            copy = dict(pact)
            copy["interactions"] = [
                _rebased(pact["interactions"][index], base_path) for index in chosen
            ]
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
    )


def plan_replay(
    sources: Sequence[Path],
    *,
    description: str | None = None,
    only_state_free: bool = False,
    offered: Callable[[str], bool] | None = None,
) -> ReplayPlan:
    """Choose the interactions to replay from the pact files (or folders) in ``sources``.

    ``description`` is a regular expression an interaction's description must match (searched,
    like the Pact verifier's filter); ``only_state_free`` keeps the state-free reads only;
    ``offered`` (given a path under the API base, such as ``/ext/achievements``) leaves out the
    interactions on operations the target does not offer.
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
        for index, raw in enumerate(pact["interactions"]):
            if not isinstance(raw, dict):
                continue
            interaction = _interaction(pact, raw)
            if pattern is not None and not pattern.search(interaction.description):
                continue
            if only_state_free and not interaction.state_free:
                continue
            if offered is not None and not offered(_under_base(interaction.path)):
                continue
            chosen.append(index)
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
