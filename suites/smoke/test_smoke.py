"""Smoke: the target is up, speaks OB 3.0 discovery, enforces auth and pages correctly."""

from __future__ import annotations

from typing import Any

import pytest

from badgegate.checks.imsx import check_error_body
from badgegate.checks.paging import check_paging
from badgegate.findings import Finding
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


def test_discovery_describes_oauth2_without_auth(badgegate_target: Target) -> None:
    """GET /discovery answers without a token with the Service Description's OAuth 2.0 scheme."""
    response = badgegate_target.client.transport.session.get(
        badgegate_target.api_url + "/discovery"
    )
    assert response.status_code == 200, response.text[:300]
    schemes: dict[str, Any] = response.json()["components"]["securitySchemes"]
    oauth = schemes.get("OAuth2ACG")
    assert oauth is not None, f"no OAuth2ACG security scheme in {sorted(schemes)}"
    assert oauth.get("x-imssf-registrationUrl"), "OAuth2ACG has no x-imssf-registrationUrl"


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
    assert not findings, _render(findings)


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
    assert not findings, _render(findings)
