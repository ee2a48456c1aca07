"""Zero false positives: on every legitimate variant of an OB 3.0 Host (``badgegate engine
variants``), ``badgegate run`` passes every suite or says it is not applicable, and why.

Each run is a real ``badgegate run`` against a reference engine started as the variant, seeded
through the standard API only (``POST /credentials``), on the ``ci`` profile (writes allowed)
and on the read-only ``staging`` profile.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from xml.etree import ElementTree

import pytest

from badgegate.client import BadgeEngineClient
from badgegate.engine.server import ClientSpec, EngineServer, TokenSpec
from badgegate.engine.variants import AUTHORIZATION_CODE_ONLY, VARIANT_NAMES
from badgegate.samples import sample_compact_jws, sample_credential, sample_key, sample_valid_from
from badgegate.stack import ISOLATION_TENANT, PRIMARY_TENANT
from tests.cli.oauth_host import log_in_following_the_url

from .conftest import run_badgegate

#: The badgegate profile decides what each suite does (writes, operations, checks); the
#: staging Hypothesis profile's 10 examples per property, instead of 25, keep these five full
#: runs within CI's time. A false positive shows on the first examples of a check.
FEWER_EXAMPLES = {"HYPOTHESIS_PROFILE": "staging"}
#: Enough credentials to page past a Host's own page size of 50.
SEEDED = 64
JWS_SEEDED = 3
#: The variants that switch data and wire behaviour, run together (each also alone, nightly).
TOGETHER = ("page-size-50", "jws-list", "replace-200", "content-type-echo")
RUNS = [
    pytest.param(("plain",), "ci", id="plain-ci"),
    pytest.param(("plain",), "staging", id="plain-staging"),
    pytest.param(TOGETHER, "ci", id="data-variants-ci"),
    pytest.param(TOGETHER, "staging", id="data-variants-staging"),
]


def test_the_runs_cover_every_variant() -> None:
    covered = {name for param in RUNS for name in param.values[0]}
    # authorization-code-only logs in like an OB 3.0 client: its run is the last test here.
    assert covered | {AUTHORIZATION_CODE_ONLY} == set(VARIANT_NAMES)


@pytest.fixture
def variant_engine(request: pytest.FixtureRequest) -> Iterator[tuple[EngineServer, dict[str, str]]]:
    variants: Sequence[str] = request.param
    primary = ClientSpec("variant-primary", secrets.token_urlsafe(24), tenant=PRIMARY_TENANT)
    other = ClientSpec("variant-isolation", secrets.token_urlsafe(24), tenant=ISOLATION_TENANT)
    isolation_token = secrets.token_urlsafe(24)
    with EngineServer(
        clients=[primary, other],
        tokens=[TokenSpec(isolation_token, tenant=ISOLATION_TENANT)],
        variants=variants,
        test_endpoints=True,
    ) as server:
        with BadgeEngineClient(
            server.api_url, client_id=primary.client_id, client_secret=primary.client_secret
        ) as client:
            _seed(client)
        env = {
            "BADGEGATE_ENGINE_URL": server.api_url,
            "BADGEGATE_CLIENT_ID": primary.client_id,
            "BADGEGATE_CLIENT_SECRET": primary.client_secret,
            "BADGEGATE_ISOLATION_TOKEN": isolation_token,
        }
        if server.state_url:
            env["BADGEGATE_STATE_URL"] = server.state_url
        yield server, env


def _seed(client: BadgeEngineClient) -> None:
    """Store credentials through the standard API only: JSON ones and compact JWS ones."""
    issuer = client.get_profile()["id"]
    for index in range(SEEDED):
        key = sample_key("credential", f"variant:{index}")
        client.upsert_credential(sample_credential(key, sample_valid_from(index), issuer=issuer))
    for index in range(JWS_SEEDED):
        key = sample_key("credential", f"variant-jws:{index}")
        client.upsert_credential_jws(
            sample_compact_jws(key, sample_valid_from(SEEDED + index), issuer=issuer)
        )


def _assert_no_false_positives(
    reports: Path, result: object, where: str
) -> tuple[list[str], list[str]]:
    failed, skipped = _outcomes(reports / "junit.xml")
    assert not failed, f"false positives on {where}:\n" + "\n".join(failed)
    unexplained = [s for s in skipped if ": not applicable" not in s]
    assert not unexplained, "skips without an applicability reason:\n" + "\n".join(unexplained)
    return failed, skipped


def _outcomes(junit: Path) -> tuple[list[str], list[str]]:
    """(failed or errored tests with their messages, skip reasons) of a JUnit report."""
    failed, skipped = [], []
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        for kind in ("failure", "error"):
            for node in case.findall(kind):
                failed.append(f"{name}: {(node.get('message') or '')[:400]}")
        for node in case.findall("skipped"):
            skipped.append(f"{name}: {node.get('message') or ''}")
    return failed, skipped


@pytest.mark.parametrize(("variant_engine", "profile"), RUNS, indirect=["variant_engine"])
def test_every_suite_passes_or_is_not_applicable(
    variant_engine: tuple[EngineServer, dict[str, str]], profile: str, tmp_path: Path
) -> None:
    server, env = variant_engine
    reports = tmp_path / "reports"
    started = time.monotonic()
    result = run_badgegate(
        ["run", "--profile", profile, "--report-dir", str(reports)],
        cwd=tmp_path,
        env={**env, "BADGEGATE_STATE_DIR": str(tmp_path / "state"), **FEWER_EXAMPLES},
    )
    took = time.monotonic() - started
    _, skipped = _assert_no_false_positives(reports, result, f"{server.api_url} ({profile})")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # What the target offers is learned and said.
    assert "badgegate: what the target offers:" in result.stdout
    print(f"{profile} run took {took:.1f} s; {len(skipped)} not applicable")


def test_an_authorization_code_only_host_passes_with_the_stored_login(tmp_path: Path) -> None:
    """A Host offering only the authorization-code grant (no client credentials): the QA
    engineer logs in once with ``badgegate auth login``; every suite then runs on the stored
    login and passes or is not applicable."""
    isolation_token = secrets.token_urlsafe(24)
    work, state = tmp_path / "work", tmp_path / "state"
    work.mkdir()
    env = {"XDG_STATE_HOME": str(state)}
    with EngineServer(
        tokens=[TokenSpec(isolation_token, tenant=ISOLATION_TENANT)],
        variants=[AUTHORIZATION_CODE_ONLY],
        test_endpoints=True,
    ) as server:
        login = log_in_following_the_url(server.api_url, work, env)
        assert login.returncode == 0, login.stderr
        reports = tmp_path / "reports"
        result = run_badgegate(
            [
                "run",
                "--profile",
                "ci",
                "--engine-url",
                server.api_url,
                "--report-dir",
                str(reports),
            ],
            cwd=work,
            env={
                **env,
                "BADGEGATE_ISOLATION_TOKEN": isolation_token,
                "BADGEGATE_STATE_URL": str(server.state_url),
                "BADGEGATE_STATE_DIR": str(tmp_path / "run-state"),
                **FEWER_EXAMPLES,
            },
        )
    _assert_no_false_positives(reports, result, f"{server.api_url} (authorization code only)")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    offered = result.stdout.split("badgegate: what the target offers:", 1)[1]
    assert "grants: authorization_code, refresh_token\n" in offered
