"""A client of the Pact Broker's HTTP API (pact-python 4 ships no broker command line).

It uses exactly these endpoints: ``POST /contracts/publish`` (publish pacts with a branch),
``POST /pacts/provider/{provider}/for-verification`` (consumer version selectors, pending and
WIP pacts), ``GET`` of each pact URL it returns, ``PUT
/pacticipants/{provider}/branches/{branch}/versions/{version}`` (the provider version's
branch), ``POST`` to a pact's ``pb:publish-verification-results`` link, and ``GET
/can-i-deploy`` (the matrix summary). Settings come from the standard variables
``PACT_BROKER_BASE_URL`` and ``PACT_BROKER_TOKEN`` or ``PACT_BROKER_USERNAME`` /
``PACT_BROKER_PASSWORD``.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import requests

from badgegate import __version__
from badgegate.errors import BadgegateError, ConfigError, TargetUnreachable
from badgegate.secret import ShowsNoSecrets
from badgegate.transport import redact, register_secret

HAL_JSON = "application/hal+json"
DEFAULT_SELECTORS: tuple[Mapping[str, Any], ...] = (
    {"mainBranch": True},
    {"deployedOrReleased": True},
)


class BrokerError(BadgegateError):
    """The broker refused or did not understand a request (exit 1)."""


@dataclasses.dataclass(frozen=True)
class BrokerSettings(ShowsNoSecrets):
    """Where the broker is and how to authenticate (a bearer token, or basic auth)."""

    base_url: str
    token: str | None = dataclasses.field(default=None, repr=False)
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> BrokerSettings | None:
        """The settings from ``PACT_BROKER_*`` variables; ``None`` when no base URL is set."""
        environ = os.environ if env is None else env
        base_url = environ.get("PACT_BROKER_BASE_URL", "").strip()
        if not base_url:
            return None
        settings = cls(
            base_url.rstrip("/"),
            token=environ.get("PACT_BROKER_TOKEN") or None,
            username=environ.get("PACT_BROKER_USERNAME") or None,
            password=environ.get("PACT_BROKER_PASSWORD") or None,
        )
        if settings.token and settings.username:
            raise ConfigError(
                "set either PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD, "
                "not both"
            )
        return settings


@dataclasses.dataclass(frozen=True)
class VerifiablePact:
    """A pact the broker wants verified, with its pending/WIP status and the broker's notices."""

    url: str
    name: str
    pending: bool
    wip: bool
    notices: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Deployability:
    """The broker's answer to can-i-deploy: deployable (``None`` = unknown), why, and the rows."""

    deployable: bool | None
    reason: str
    rows: tuple[Mapping[str, Any], ...]

    def render(self) -> str:
        """A verdict line, the reason, and one line per consumer/provider version pair."""
        verdict = {True: "yes", False: "no", None: "unknown"}[self.deployable]
        lines = [f"can-i-deploy: {verdict}", self.reason]
        for row in self.rows:
            lines.append(_render_row(row))
        return "\n".join(line for line in lines if line)


def _render_row(row: Mapping[str, Any]) -> str:
    consumer, provider = row.get("consumer") or {}, row.get("provider") or {}
    consumer_version = (consumer.get("version") or {}).get("number", "?")
    provider_version = (provider.get("version") or {}).get("number", "?")
    result = row.get("verificationResult") or {}
    outcome = result.get("success")
    success = "verified" if outcome is True else "FAILED" if outcome is False else "unverified"
    return (
        f"  {consumer.get('name')} {consumer_version} -> "
        f"{provider.get('name')} {provider_version}: {success}"
    )


class PactBroker:
    """The endpoints of a Pact Broker that badgegate uses."""

    def __init__(self, settings: BrokerSettings, *, timeout: float = 30.0) -> None:
        self.settings = settings
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Accept"] = f"{HAL_JSON}, application/json"
        if settings.token:
            register_secret(settings.token)
            self.session.headers["Authorization"] = f"Bearer {settings.token}"
        elif settings.username:
            if settings.password:
                register_secret(settings.password)
            self.session.auth = (settings.username, settings.password or "")

    def __enter__(self) -> PactBroker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.close()

    def url(self, *segments: str) -> str:
        """The broker URL of a path made of ``segments`` (each one percent-encoded)."""
        quoted = "/".join(urllib.parse.quote(segment, safe="") for segment in segments)
        return f"{self.settings.base_url}/{quoted}"

    def publish(
        self,
        pact_files: Sequence[Path],
        *,
        version: str,
        branch: str | None = None,
        tags: Sequence[str] = (),
        build_url: str | None = None,
    ) -> list[str]:
        """Publish pact files, one call per consumer; return the broker's log."""
        by_consumer: dict[str, list[dict[str, Any]]] = {}
        for path in pact_files:
            document = json.loads(path.read_bytes())
            consumer, provider = document["consumer"]["name"], document["provider"]["name"]
            by_consumer.setdefault(consumer, []).append(
                {
                    "consumerName": consumer,
                    "providerName": provider,
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(path.read_bytes()).decode("ascii"),
                }
            )
        messages: list[str] = []
        for consumer, contracts in by_consumer.items():
            body = {
                "pacticipantName": consumer,
                "pacticipantVersionNumber": version,
                "branch": branch,
                "tags": list(tags),
                "buildUrl": build_url,
                "contracts": contracts,
            }
            answer = self._send("POST", self.url("contracts", "publish"), _without_none(body))
            messages += [str(log.get("message", "")) for log in answer.get("logs") or ()]
            messages.append(f"published {len(contracts)} pact(s) of {consumer} {version}")
        return messages

    def pacts_for_verification(
        self,
        provider: str,
        *,
        selectors: Sequence[Mapping[str, Any]] = DEFAULT_SELECTORS,
        provider_branch: str | None = None,
        include_pending: bool = True,
        include_wip_since: str | None = None,
    ) -> list[VerifiablePact]:
        """The pacts ``provider`` should verify, with their pending and WIP status."""
        body = {
            "consumerVersionSelectors": [dict(selector) for selector in selectors],
            "providerVersionBranch": provider_branch,
            "includePendingStatus": include_pending,
            "includeWipPactsSince": include_wip_since,
        }
        target = self.url("pacts", "provider", provider, "for-verification")
        answer = self._send("POST", target, _without_none(body))
        entries = (answer.get("_embedded") or {}).get("pacts") or []
        return [_verifiable(entry) for entry in entries]

    def fetch_pact(self, url: str) -> dict[str, Any]:
        """The pact document at ``url`` (with the broker's ``_links``)."""
        return self._send("GET", url)

    def record_branch(self, pacticipant: str, branch: str, version: str) -> None:
        """Record that ``version`` of ``pacticipant`` was built from ``branch``."""
        target = self.url("pacticipants", pacticipant, "branches", branch, "versions", version)
        self._send("PUT", target, {})

    def publish_verification(
        self,
        pact: Mapping[str, Any],
        *,
        success: bool,
        provider_version: str,
        test_results: Sequence[Mapping[str, Any]] = (),
        build_url: str | None = None,
    ) -> None:
        """Publish a verification result to the pact's ``pb:publish-verification-results`` link."""
        link = ((pact.get("_links") or {}).get("pb:publish-verification-results") or {}).get("href")
        if not link:
            raise BrokerError("the broker's pact has no pb:publish-verification-results link")
        body = {
            "success": success,
            "providerApplicationVersion": provider_version,
            "buildUrl": build_url,
            "testResults": [dict(result) for result in test_results],
            "verifiedBy": {"implementation": "badgegate", "version": __version__},
        }
        self._send("POST", str(link), _without_none(body))

    def can_i_deploy(
        self, pacticipant: str, version: str, *, environment: str | None = None
    ) -> Deployability:
        """Ask whether ``version`` of ``pacticipant`` may go to ``environment``."""
        query = {"pacticipant": pacticipant, "version": version, "environment": environment}
        target = self.url("can-i-deploy") + "?" + urllib.parse.urlencode(_without_none(query))
        answer = self._send("GET", target)
        summary = answer.get("summary") or {}
        deployable = summary.get("deployable")
        return Deployability(
            deployable if isinstance(deployable, bool) else None,
            str(summary.get("reason", "")),
            tuple(answer.get("matrix") or ()),
        )

    def _send(self, method: str, url: str, body: Any = None) -> dict[str, Any]:
        try:
            response = self.session.request(
                method,
                url,
                json=body,
                headers={"Content-Type": "application/json"} if body is not None else None,
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise TargetUnreachable(
                f"Pact Broker at {redact(self.settings.base_url)} did not answer "
                f"({type(error).__name__}); check PACT_BROKER_BASE_URL"
            ) from None
        return _answer(response, method)


def _answer(response: requests.Response, method: str) -> dict[str, Any]:
    where = f"{method} {redact(response.request.url or '')}"
    if response.status_code in (401, 403):
        raise ConfigError(
            f"Pact Broker refused {where} ({response.status_code}); check PACT_BROKER_TOKEN "
            "or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD"
        )
    if response.status_code >= 400:
        raise BrokerError(
            f"Pact Broker answered {response.status_code} to {where}: {redact(response.text[:500])}"
        )
    if not response.content:
        return {}
    try:
        answer = response.json()
    except ValueError:
        raise BrokerError(f"Pact Broker answered {where} with a non-JSON body") from None
    if not isinstance(answer, dict):
        raise BrokerError(f"Pact Broker answered {where} with a JSON {type(answer).__name__}")
    return answer


def _verifiable(entry: Mapping[str, Any]) -> VerifiablePact:
    properties = entry.get("verificationProperties") or {}
    link = (entry.get("_links") or {}).get("self") or {}
    if not link.get("href"):
        raise BrokerError("the broker listed a pact for verification without a self link")
    return VerifiablePact(
        url=str(link["href"]),
        name=str(link.get("name", link["href"])),
        pending=bool(properties.get("pending")),
        wip=bool(properties.get("wip")),
        notices=tuple(str(notice.get("text", "")) for notice in properties.get("notices") or ()),
    )


def _without_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
