"""Smoke: the target is up, speaks OB 3.0 discovery, enforces auth and pages correctly."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from badgegate.checks.discovery import (
    Probe,
    check_base_path,
    check_service_description,
    served_operations,
)
from badgegate.checks.discovery import render as render_discovery
from badgegate.checks.imsx import check_error_body
from badgegate.checks.paging import check_paging
from badgegate.findings import Finding
from badgegate.report.gate import gate
from badgegate.stack import Target

pytestmark = pytest.mark.suite("smoke")
PAGE = 2


def _render(findings: list[Finding]) -> str:
    return "\n".join(finding.render() for finding in findings)


@pytest.fixture(scope="module")
def served_total(badgegate_target: Target) -> int:
    """The number of credentials the target serves (X-Total-Count)."""
    page = badgegate_target.client.list_credentials(limit=1)
    assert page.total is not None, "the target sent no X-Total-Count header"
    return page.total


def _discovery_document(target: Target) -> Any:
    """``GET <base>/discovery`` without a token: the document, or ``None`` when it did not
    answer 200 with JSON."""
    response = target.client.transport.session.get(target.api_url + "/discovery")
    if response.status_code != 200:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _status_without_token(target: Target) -> Probe:
    session = target.client.transport.session

    def status(method: str, url: str) -> int | None:
        try:
            return session.request(method, url, allow_redirects=False).status_code
        except requests.RequestException:
            return None

    return status


def test_discovery_describes_oauth2_without_auth(badgegate_target: Target) -> None:
    """GET /discovery answers without a token with a Service Description that OB 3.0's text
    accepts: info, the OAuth 2.0 scheme with its flow and scopes, servers naming the base, and
    paths describing exactly the OB 3.0 read operations served. Read-only."""
    response = badgegate_target.client.transport.session.get(
        badgegate_target.api_url + "/discovery"
    )
    assert response.status_code == 200, response.text[:300]
    base = badgegate_target.api_url
    served = served_operations(base, _status_without_token(badgegate_target))
    findings = check_service_description(response.json(), base, served)
    assert not findings, render_discovery(findings)


def test_the_api_is_served_under_the_ob3_base_path(badgegate_target: Target) -> None:
    """The OB 3.0 API lives under /ims/ob/v3p0: one finding for a Host serving it elsewhere
    (at its root, say) while the other checks go on at the base given. Read-only."""
    document = _discovery_document(badgegate_target)
    findings = check_base_path(badgegate_target.api_url, document)
    assert not findings, render_discovery(findings)


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-valid-token"], ids=["none", "wrong"])
def test_credentials_refuse_a_missing_or_wrong_token(
    badgegate_target: Target, authorization: str | None
) -> None:
    """GET /credentials without a valid token is 401 with ``WWW-Authenticate`` and Imsx body."""
    headers = {"Authorization": authorization} if authorization else {}
    response = badgegate_target.client.transport.session.get(
        badgegate_target.api_url + "/credentials", headers=headers
    )
    sent = "no token" if authorization is None else "an unknown token"
    assert response.status_code == 401, (
        f"GET /credentials with {sent} answered {response.status_code}, not 401 "
        f"(RFC 6750 §3.1): {response.text[:300]}"
    )
    challenge = response.headers.get("WWW-Authenticate")
    assert (challenge or "").lower().startswith("bearer"), (
        f"the 401 to GET /credentials with {sent} carries WWW-Authenticate {challenge!r}; "
        "RFC 6750 §3 requires a Bearer challenge"
    )
    findings = check_error_body(401, response.headers.get("Content-Type", ""), response.text)
    failed = gate(findings, config=badgegate_target.config, name=f"401 body with {sent}")
    assert not failed, f"the 401 to GET /credentials with {sent}:\n" + _render(failed)


def test_paging_headers_follow_limit_offset_and_total(
    badgegate_target: Target, served_total: int
) -> None:
    """Every page's X-Total-Count and Link rels follow from limit, offset and the total."""
    if badgegate_target.embedded:
        assert served_total > 2 * PAGE, "the embedded stack should serve several pages"
    findings: list[Finding] = []
    for offset in range(0, min(served_total, 6 * PAGE) or 1, PAGE):
        page = badgegate_target.client.list_credentials(limit=PAGE, offset=offset)
        findings += check_paging(
            limit=PAGE,
            offset=offset,
            total=page.total,
            links=page.links,
            # A page's items are credential[] and compactJwsString[] together.
            item_count=len(page),
        )
    failed = gate(findings, config=badgegate_target.config, name="paging headers")
    assert not failed, _render(failed)
