"""A failing smoke check attaches its requests and responses to Allure, secrets masked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from badgegate.client import BadgeEngineClient
from badgegate.compare.live import load_legacy
from badgegate.engine.faults.catalogue import BROKEN_LINK_HEADER, NO_WWW_AUTHENTICATE
from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.legacy import generate_dataset
from badgegate.legacy.dataset import LegacyDataset
from badgegate.migrate import migrate
from badgegate.report.exchanges import ExchangeRecorder, exchange_document

from .conftest import run_badgegate

TOKEN = "smoke-evidence-token-2a9c7f41"
LEARNER = "Goal of ada.smoke-canary@example.org"
PAGING = "test_paging_headers_follow_limit_offset_and_total"


@pytest.fixture(scope="module")
def faulty_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    """An engine serving six credentials named for a learner, with broken paging links and
    401 answers without a challenge."""
    generated = generate_dataset(6, seed=3)
    badges = [{**badge, "name": LEARNER, "status": "COMPLETED"} for badge in generated.badges]
    folder = tmp_path_factory.mktemp("smoke")
    legacy_db = f"sqlite:///{folder / 'legacy.sqlite3'}"
    load_legacy(legacy_db, LegacyDataset(badges, generated.requirements))
    faults = [BROKEN_LINK_HEADER, NO_WWW_AUTHENTICATE]
    with EngineServer(tokens=[TokenSpec(TOKEN)], faults=faults) as server:
        with BadgeEngineClient(server.api_url, token=TOKEN) as client:
            assert migrate(legacy_db, client, state_dir=folder / "state").exit_code == 0
        yield server


def _attachments(results: Path, test: str) -> list[tuple[str, str]]:
    """The (name, text) of every attachment of the Allure results of ``test``'s runs."""
    found = []
    for path in results.glob("*-result.json"):
        result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if result["name"].startswith(test):
            assert result["status"] == "failed", result["name"]
            for attachment in result.get("attachments", []):
                text = (results / attachment["source"]).read_text(encoding="utf-8")
                found.append((attachment["name"], text))
    return found


@pytest.mark.slow
def test_failing_smoke_checks_attach_request_and_response_with_the_token_masked(
    faulty_engine: EngineServer, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    result = run_badgegate(
        [
            *("run", "--suite", "smoke", "--engine-url", faulty_engine.api_url),
            *("--report-dir", str(reports), "--redact-fields", "name"),
        ],
        cwd=tmp_path,
        env={"BADGEGATE_ENGINE_TOKEN": TOKEN},
    )
    console = result.stdout + result.stderr
    assert result.returncode == 1, console[-3000:]
    results = reports / "allure-results"
    paging = _attachments(results, PAGING)
    refused = _attachments(results, "test_credentials_refuse_a_missing_or_wrong_token")
    assert paging and refused, sorted(path.name for path in results.iterdir())
    for name, text in paging + refused:
        assert name.startswith("request and response"), name
        assert TOKEN not in text and LEARNER not in text, name
    exchanges = [json.loads(text) for _, text in paging]
    # The paging check sent the real token: it is there, masked; the bodies hold masked names.
    assert {e["request"]["headers"].get("Authorization") for e in exchanges} == {"Bearer ***"}
    assert all(e["response"]["status"] == 200 for e in exchanges)
    assert any('"name": "***"' in text for _, text in paging)
    assert any(json.loads(text)["response"]["status"] == 401 for _, text in refused)


def test_the_recorded_exchange_masks_what_the_request_carried(
    faulty_engine: EngineServer,
) -> None:
    """The control: the token is in the request as sent, and only the evidence masks it."""
    with BadgeEngineClient(faulty_engine.api_url, token=TOKEN) as client:
        session = client.transport.session
        hooks = list(session.hooks["response"])
        with ExchangeRecorder(session) as recorder:
            client.list_credentials(limit=1)
        (response,) = recorder.responses
        assert TOKEN in response.request.headers["Authorization"]
        assert LEARNER in response.text
        document = exchange_document(response)
        assert document["request"]["headers"]["Authorization"] == "Bearer ***"
        assert TOKEN not in json.dumps(document)
        assert session.hooks["response"] == hooks
