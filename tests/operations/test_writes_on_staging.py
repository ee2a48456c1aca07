"""Seeded writes on staging go only to a host on the write allow-list, carry recognisable ids,
and the fuzz report lists what stays on the target; the Profile is put back."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from badgegate.client import BadgeEngineClient
from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.engine.variants import PLAIN
from badgegate.fuzz.seeding import SEEDED_HOST

from .conftest import run_badgegate

pytestmark = pytest.mark.slow

#: The suite checks that write: the seeded read-back and profile ownership.
WRITING_CHECKS = "served_back or tenants_own"


@pytest.fixture
def plain_host() -> Iterator[tuple[EngineServer, ClientSpec]]:
    client = ClientSpec("staging-writer", secrets.token_urlsafe(24))
    with EngineServer(clients=[client], variants=[PLAIN]) as server:
        yield server, client


def _run(server: EngineServer, client: ClientSpec, allowlist: str, cwd: Path):  # type: ignore[no-untyped-def]
    reports = cwd / "reports"
    result = run_badgegate(
        [
            "run",
            "--suite",
            "fuzz",
            "--profile",
            "staging",
            "--allow-writes",
            "--write-allowlist",
            allowlist,
            "--report-dir",
            str(reports),
            "--",
            "-k",
            WRITING_CHECKS,
        ],
        cwd=cwd,
        env={
            "BADGEGATE_ENGINE_URL": server.api_url,
            "BADGEGATE_CLIENT_ID": client.client_id,
            "BADGEGATE_CLIENT_SECRET": client.client_secret,
            "BADGEGATE_STATE_DIR": str(cwd / "state"),
        },
    )
    return result, reports / "fuzz" / "fuzz-report.json"


def _served(server: EngineServer, client: ClientSpec) -> tuple[list[str], dict[str, object]]:
    with BadgeEngineClient(
        server.api_url, client_id=client.client_id, client_secret=client.client_secret
    ) as reader:
        ids = [str(c["id"]) for c in reader.list_credentials(limit=1000).items]
        return ids, reader.get_profile()


def test_a_host_on_the_allow_list_is_seeded_and_told_what_stays(
    plain_host: tuple[EngineServer, ClientSpec], tmp_path: Path
) -> None:
    server, client = plain_host
    _, profile_before = _served(server, client)
    result, report = _run(server, client, "127.0.0.1", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    served, profile_after = _served(server, client)
    assert served and all(i.startswith(f"https://{SEEDED_HOST}/seeded/") for i in served)
    left = json.loads(report.read_text(encoding="utf-8"))["left_on_target"]
    assert set(served) <= {entry["id"] for entry in left}
    assert f"fuzz: left on the target (OB 3.0 has no delete): {len(left)} record(s)" in (
        result.stdout
    )
    assert profile_after == profile_before


def test_a_host_off_the_allow_list_gets_no_write(
    plain_host: tuple[EngineServer, ClientSpec], tmp_path: Path
) -> None:
    server, client = plain_host
    _, profile_before = _served(server, client)
    result, report = _run(server, client, "staging.example.org", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    junit = ElementTree.parse(report.parent.parent / "junit.xml").getroot()
    skipped = [node.get("message", "") for node in junit.iter("skipped")]
    assert len(skipped) == 2 and all("not applicable" in reason for reason in skipped), skipped
    assert _served(server, client) == ([], profile_before)
    assert json.loads(report.read_text(encoding="utf-8"))["left_on_target"] == []
