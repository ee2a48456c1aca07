"""``redact_fields`` in the written reports: reconcile JSON, integrity evidence, fuzz report."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from badgegate.client import BadgeEngineClient
from badgegate.compare import IntegrityVerdict, iter_operations, rows_json
from badgegate.compare.diff import compare_rows, keyed_rows
from badgegate.config import HarnessConfig
from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.fuzz.report import FuzzFailure, FuzzReport
from badgegate.legacy import generate_dataset, seed
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import documents as docs
from badgegate.mapping import load_mapping
from badgegate.reconcile import reconcile
from badgegate.report import fingerprint
from badgegate.streaming.planner import issuer_from_profile

BADGES = 6
SEED = 11
CHANGED = 5
MASKED = HarnessConfig(redact_fields=("name", "content"))
HASHED = HarnessConfig(profile="staging", redact_fields=("name", "badges.content"))


@pytest.fixture(scope="module")
def dataset() -> LegacyDataset:
    """The legacy data set held by :func:`legacy_db`."""
    return generate_dataset(BADGES, seed=SEED)


@pytest.fixture(scope="module")
def legacy_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small legacy SQLite database (never written by the tests)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('legacy') / 'legacy.sqlite3'}"
    seed(url, badges=BADGES, seed=SEED)
    return url


@pytest.fixture(scope="module")
def migrated_client(dataset: LegacyDataset) -> Iterator[BadgeEngineClient]:
    """A reference engine holding the data set, one badge's name changed after migration."""
    spec = ClientSpec("redaction", secrets.token_urlsafe(18), tenant="redaction")
    mapping = load_mapping()
    with (
        EngineServer(clients=[spec]) as server,
        BadgeEngineClient(
            server.api_url, client_id=spec.client_id, client_secret=spec.client_secret
        ) as client,
    ):
        issuer = issuer_from_profile(client.get_profile())
        operations = list(iter_operations(dataset, mapping=mapping, issuer=issuer))
        assert not [result for result in client.upsert_many(operations) if result.failed]
        key = docs.key(mapping, "achievement", dataset.badges[CHANGED]["id"])
        achievement = client.get_achievement(key)
        client.put_achievement(key, {**achievement, "name": "Renamed for Ada Lovelace"})
        yield client


def _reconcile(
    client: BadgeEngineClient, legacy_db: str, out: Path, config: HarnessConfig | None
) -> tuple[str, dict[str, Any]]:
    report = reconcile(legacy_db, client, out=out, state_dir=out.parent / "state", config=config)
    assert report.exit_code == 1
    text = out.read_text(encoding="utf-8")
    (changed,) = [d for d in json.loads(text)["discrepancies"] if d["class"] == "changed"]
    (field,) = [f for f in changed["fields"] if f["field"] == "badges.name"]
    return text, field


def test_reconcile_report_masks_configured_fields(
    migrated_client: BadgeEngineClient, legacy_db: str, dataset: LegacyDataset, tmp_path: Path
) -> None:
    legacy_name = dataset.badges[CHANGED]["name"]
    plain, field = _reconcile(migrated_client, legacy_db, tmp_path / "plain.json", None)
    assert field["expected"] == legacy_name and "Renamed for Ada Lovelace" in plain
    masked, field = _reconcile(migrated_client, legacy_db, tmp_path / "masked.json", MASKED)
    assert field == {**field, "expected": "***", "actual": "***"}
    assert legacy_name not in masked and "Renamed for Ada Lovelace" not in masked


def test_reconcile_report_hashes_on_staging_with_stable_fingerprints(
    migrated_client: BadgeEngineClient, legacy_db: str, dataset: LegacyDataset, tmp_path: Path
) -> None:
    legacy_name = dataset.badges[CHANGED]["name"]
    first, field = _reconcile(migrated_client, legacy_db, tmp_path / "a.json", HASHED)
    second, again = _reconcile(migrated_client, legacy_db, tmp_path / "b.json", HASHED)
    assert field["expected"] == again["expected"] == fingerprint(legacy_name)
    assert field["actual"] == fingerprint("Renamed for Ada Lovelace")
    assert legacy_name not in first + second and "Ada Lovelace" not in first + second


def test_reconcile_report_without_redact_fields_is_unchanged(
    migrated_client: BadgeEngineClient, legacy_db: str, tmp_path: Path
) -> None:
    plain, _ = _reconcile(migrated_client, legacy_db, tmp_path / "plain.json", None)
    empty, _ = _reconcile(migrated_client, legacy_db, tmp_path / "empty.json", HarnessConfig())
    assert _without_times(plain) == _without_times(empty)


def _without_times(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    for member in ("started", "finished", "seconds"):
        document.pop(member)
    return document


def _lossy_verdict(dataset: LegacyDataset) -> IntegrityVerdict:
    badge = dataset.badges[CHANGED]
    recovered = [{**badge, "content": "Ada's private notes"}, *dataset.badges[:CHANGED]]
    differences = compare_rows(
        keyed_rows(dataset.badges, dataset.requirements),
        keyed_rows(recovered, dataset.requirements),
    )
    return IntegrityVerdict(dataset, differences, [])


def test_integrity_evidence_masks_rows_and_differences(dataset: LegacyDataset) -> None:
    verdict = _lossy_verdict(dataset)
    content = json.dumps(dataset.badges[CHANGED]["content"], ensure_ascii=False)[1:-1]
    evidence = json.dumps(verdict.to_dict(config=MASKED), ensure_ascii=False)
    rows = rows_json(dataset, config=MASKED)
    assert content in rows_json(dataset) and "Ada's private notes" in json.dumps(verdict.to_dict())
    for text in (evidence, rows):
        assert content not in text and "Ada's private notes" not in text
    assert all(row["name"] == "***" for row in json.loads(rows)["badges"])


def test_integrity_evidence_hashes_the_same_value_to_the_same_fingerprint(
    dataset: LegacyDataset,
) -> None:
    verdict = _lossy_verdict(dataset)
    content = dataset.badges[CHANGED]["content"]
    (difference,) = verdict.to_dict(config=HASHED)["differences"]
    rows = {row["id"]: row for row in json.loads(rows_json(dataset, config=HASHED))["badges"]}
    assert difference["expected"] == rows[dataset.badges[CHANGED]["id"]]["content"]
    assert difference["expected"] == fingerprint(content)
    assert difference["actual"] == fingerprint("Ada's private notes")


def test_integrity_evidence_without_redact_fields_is_byte_identical(
    dataset: LegacyDataset,
) -> None:
    verdict = _lossy_verdict(dataset)
    assert rows_json(dataset, config=HarnessConfig()) == rows_json(dataset)
    assert verdict.to_dict(config=HarnessConfig()) == verdict.to_dict()


def test_fuzz_report_redacts_request_bodies(tmp_path: Path) -> None:
    failure = FuzzFailure(
        check="status_code_conformance",
        operation="PUT /profile",
        message="500 for a profile named Ada",
        curl='curl -X PUT -d \'{"name": "Ada Lovelace", "id": "x"}\' http://127.0.0.1/profile',
        seed=7,
        profile="ci",
    )
    report = FuzzReport(tmp_path, seed=7, profile="ci", document="doc.yaml", config=HASHED)
    report.add([failure])
    text = report.path.read_text(encoding="utf-8")
    assert "Ada Lovelace" not in text and fingerprint("Ada Lovelace") in text
    plain = FuzzReport(tmp_path / "plain", seed=7, profile="ci", document="doc.yaml")
    plain.add([failure])
    assert "Ada Lovelace" in plain.path.read_text(encoding="utf-8")


@pytest.mark.parametrize("config", [MASKED, HASHED], ids=["masked", "hashed"])
def test_integrity_failure_text_redacts_rows_differences_and_sql(
    dataset: LegacyDataset, config: HarnessConfig
) -> None:
    verdict = _lossy_verdict(dataset)
    badge = dataset.badges[CHANGED]
    line = max(badge["content"].splitlines(), key=len)  # shown in JSON, repr and SQL alike
    plain = verdict.render()
    assert line in plain and "Ada's private notes" in plain
    text = verdict.render(config=config)
    assert line not in text and "Ada's private notes" not in text
    sql = verdict.reproduction(config=config)
    (insert,) = [row for row in sql.splitlines() if f"VALUES ('{badge['id']}', " in row]
    assert badge["name"] not in insert and str(badge["progress"]) in insert
    if config is HASHED:
        assert fingerprint("Ada's private notes") in text
    else:
        assert "expected '***', got '***'" in text
