"""``reconcile`` against a real reference engine: every class, re-fetch, resume, since, report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from badgegate import paths
from badgegate.client import BadgeEngineClient
from badgegate.compare.live import engine_snapshot
from badgegate.legacy import checksum
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping
from badgegate.mapping import documents as docs
from badgegate.reconcile import ReconcileReport, reconcile
from badgegate.reconcile.records import legacy_id_of_achievement

SCHEMA = paths.schemas_dir() / "reports" / "reconcile-report.schema.json"


def run(
    client: BadgeEngineClient, legacy_db: str, tmp_path: Path, **options: Any
) -> tuple[ReconcileReport, dict[str, Any]]:
    out = tmp_path / "reconcile.json"
    report = reconcile(legacy_db, client, out=out, state_dir=tmp_path / "state", **options)
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    return report, document


def test_a_faithful_migration_agrees_and_nothing_is_written(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
) -> None:
    load_engine(client, seeded_dataset)
    before_legacy, before_engine = checksum(legacy_db), engine_snapshot(client)
    report, document = run(client, legacy_db, tmp_path)
    assert report.exit_code == 0, report.render()
    assert document["status"] == "agree" and document["discrepancies"] == []
    assert document["summary"]["agreeingBadges"] == len(seeded_dataset.badges)
    statuses = {row["status"] for row in seeded_dataset.badges}
    assert set(document["summary"]["byStatus"]) == statuses
    assert document["legacyFindings"], "the seeded data has inconsistencies to report"
    assert checksum(legacy_db) == before_legacy
    assert engine_snapshot(client) == before_engine
    assert not (tmp_path / "state" / "reconcile").exists() or not any(
        (tmp_path / "state" / "reconcile").iterdir()
    )


def test_badges_missing_in_the_engine_are_named(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
) -> None:
    lost = seeded_dataset.badges[5]
    load_engine(
        client,
        LegacyDataset(
            [row for row in seeded_dataset.badges if row is not lost],
            [row for row in seeded_dataset.requirements if row["badge_id"] != lost["id"]],
        ),
    )
    report, document = run(client, legacy_db, tmp_path)
    assert report.exit_code == 1
    missing = [d for d in document["discrepancies"] if d["class"] == "missing"]
    assert {d["legacyId"] for d in missing} == {lost["id"]}
    assert {d["kind"] for d in missing} >= {"achievement", "progress"}
    assert all(d["engineId"].startswith("urn:uuid:") for d in missing)


def test_a_changed_field_is_reported_in_legacy_column_names(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    load_engine(client, seeded_dataset)
    badge = seeded_dataset.badges[3]
    key = docs.key(mapping, "achievement", badge["id"])
    achievement = client.get_achievement(key)
    client.put_achievement(key, {**achievement, "name": badge["name"] + "!"})
    report, document = run(client, legacy_db, tmp_path)
    assert report.exit_code == 1
    (changed,) = [d for d in document["discrepancies"] if d["class"] == "changed"]
    assert changed["legacyId"] == badge["id"] and changed["engineId"] == key.urn
    (field,) = [f for f in changed["fields"] if f["field"] == "badges.name"]
    assert field["expected"] == badge["name"] and field["actual"] == badge["name"] + "!"


def test_an_unexpected_record_is_traced_through_other_identifier(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    load_engine(client, seeded_dataset)
    template = client.get_achievement(
        docs.key(mapping, "achievement", seeded_dataset.badges[0]["id"])
    )
    ghost_key = docs.key(mapping, "achievement", "ghost-badge")
    ghost = {
        **template,
        "id": ghost_key.urn,
        "otherIdentifier": [
            {"type": "IdentifierEntry", "identifier": "ghost-badge", "identifierType": "systemId"}
        ],
    }
    client.put_achievement(ghost_key, ghost)
    report, document = run(client, legacy_db, tmp_path)
    assert report.exit_code == 1
    (unexpected,) = [d for d in document["discrepancies"] if d["class"] == "unexpected"]
    assert unexpected["legacyId"] == "ghost-badge" and unexpected["engineId"] == ghost_key.urn
    assert "lacks" in unexpected["message"]


class RepairOnFirstChunk:
    """Puts the right record back while the legacy side is being read (a change mid-run)."""

    def __init__(self, repair: Any) -> None:
        self.repair = repair

    def start(self, total: int | None, done: int = 0) -> None:
        self.repair()

    def advance(self, badges: int) -> None:
        pass

    def finish(self) -> None:
        pass

    def phase(self, label: str, done: int, total: int | None, unit: str = "rows") -> None:
        pass


def test_a_record_changed_back_during_the_run_is_not_reported(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    load_engine(client, seeded_dataset)
    key = docs.key(mapping, "progress", seeded_dataset.badges[7]["id"])
    right = client.get_progress(key)
    client.put_progress(key, {**right, "progress": -5})
    report, document = run(
        client,
        legacy_db,
        tmp_path,
        progress=RepairOnFirstChunk(lambda: client.put_progress(key, right)),
    )
    assert report.exit_code == 0, report.render()
    assert document["summary"]["resolvedOnRefetch"] == 1


class InterruptAfterFirstChunk:
    def start(self, total: int | None, done: int = 0) -> None:
        self.chunks = 0

    def advance(self, badges: int) -> None:
        self.chunks += 1
        if self.chunks == 1:
            raise KeyboardInterrupt

    def finish(self) -> None:
        pass


def test_an_interrupted_run_keeps_a_partial_report_and_resumes(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    load_engine(client, seeded_dataset)
    key = docs.key(mapping, "achievement", seeded_dataset.badges[-1]["id"])
    client.put_achievement(key, {**client.get_achievement(key), "description": "rewritten"})
    cut, partial = run(
        client, legacy_db, tmp_path, chunk_size=20, progress=InterruptAfterFirstChunk()
    )
    assert cut.exit_code == 130 and partial["status"] == "interrupted"
    assert partial["counts"]["badges"] == 20
    resumed, document = run(client, legacy_db, tmp_path, chunk_size=20, resume=True)
    fresh, expected = run(client, legacy_db, tmp_path / "fresh", chunk_size=20)
    assert resumed.exit_code == fresh.exit_code == 1
    assert document["counts"] == expected["counts"]
    assert document["summary"] == expected["summary"]
    assert document["discrepancies"] == expected["discrepancies"]


def test_a_run_interrupted_under_another_digest_is_not_resumed(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from badgegate.errors import ConfigError
    from badgegate.reconcile import run as reconcile_run

    load_engine(client, seeded_dataset)
    monkeypatch.setattr(reconcile_run, "DIGEST", "another-digest")
    cut, _ = run(client, legacy_db, tmp_path, chunk_size=20, progress=InterruptAfterFirstChunk())
    assert cut.exit_code == 130
    monkeypatch.undo()
    with pytest.raises(ConfigError, match="no interrupted reconciliation"):
        run(client, legacy_db, tmp_path, chunk_size=20, resume=True)


def test_resume_without_an_interrupted_run_is_a_usage_error(
    client: BadgeEngineClient, legacy_db: str, tmp_path: Path
) -> None:
    from badgegate.errors import ConfigError

    with pytest.raises(ConfigError, match="no interrupted reconciliation"):
        reconcile(legacy_db, client, out=tmp_path / "r.json", state_dir=tmp_path, resume=True)


def test_since_compares_only_badges_changed_in_the_window(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
) -> None:
    load_engine(
        client,
        LegacyDataset(
            seeded_dataset.badges[:10],
            [
                r
                for r in seeded_dataset.requirements
                if r["badge_id"] in {b["id"] for b in seeded_dataset.badges[:10]}
            ],
        ),
    )
    since = dt.datetime(2025, 6, 1)
    _, document = run(client, legacy_db, tmp_path, since=since)
    changed_ids = {
        row["id"]
        for row in seeded_dataset.badges
        if max(
            [row["updated_at"] or row["created_at"]]
            + [
                r["updated_at"] or r["created_at"]
                for r in seeded_dataset.requirements
                if r["badge_id"] == row["id"]
            ]
        )
        >= since
    }
    assert document["counts"]["badges"] == len(changed_ids)
    assert {d["legacyId"] for d in document["discrepancies"]} <= changed_ids
    assert any("--since" in note for note in document["notes"])
    assert not [d for d in document["discrepancies"] if d["class"] == "unexpected"]


def test_strict_fails_on_legacy_findings_alone(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
) -> None:
    load_engine(client, seeded_dataset)
    lenient, _ = run(client, legacy_db, tmp_path / "lenient")
    strict, document = run(client, legacy_db, tmp_path / "strict", strict=True)
    assert lenient.exit_code == 0
    assert strict.exit_code == 1 and document["status"] == "differ"
    assert document["summary"]["byClass"]["legacy"] == len(document["legacyFindings"]) > 0


def test_an_updated_issuer_profile_is_not_a_change_but_another_issuer_is(
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
) -> None:
    load_engine(client, seeded_dataset)
    profile = client.get_profile()
    client.put_profile({**profile, "name": "Renamed issuer", "description": "after issuance"})
    report, _ = run(client, legacy_db, tmp_path / "renamed")
    assert report.exit_code == 0, report.render()

    awarded = next(c for c in client.iter_credentials() if isinstance(c, dict))
    data = {name: value for name, value in awarded.items() if name != "proof"}
    forged = {**data, "issuer": {**awarded["issuer"], "id": "https://someone-else.example/"}}
    client.upsert_credential(forged)
    report, document = run(client, legacy_db, tmp_path / "forged")
    assert report.exit_code == 1
    assert any(
        d["class"] == "unexpected" or d["kind"] == "credential" for d in document["discrepancies"]
    )


def test_a_proof_that_does_not_verify_is_reported_naming_the_legacy_badge(
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
) -> None:
    from badgegate.engine.server import ClientSpec, EngineServer

    spec = ClientSpec("forging", "forging-secret")
    with (
        EngineServer(clients=[spec], faults=["forged-signature"]) as forging,
        BadgeEngineClient(
            forging.api_url, client_id=spec.client_id, client_secret=spec.client_secret
        ) as client,
    ):
        load_engine(client, seeded_dataset)
        awarded = {
            legacy_id_of_achievement(c["credentialSubject"]["achievement"])
            for c in client.iter_credentials()
            if isinstance(c, dict)
        }
        report, document = run(client, legacy_db, tmp_path)
    assert report.exit_code == 1
    proofs = [d for d in document["discrepancies"] if d["rules"] == ["served-proof"]]
    assert {d["legacyId"] for d in proofs} == awarded and awarded
    assert all("signature-invalid" in d["message"] for d in proofs)
    assert {d["class"] for d in document["discrepancies"]} == {"invariant"}
