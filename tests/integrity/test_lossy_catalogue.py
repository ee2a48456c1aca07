"""The data-loss fault catalogue: every lossy migration is caught by the integrity property and by
``reconcile``, and both name the record and the field."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings

from badgegate.client import BadgeEngineClient
from badgegate.compare import IntegrityVerdict, check_roundtrip, iter_operations
from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.legacy import generate_dataset, seed
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping, load_mapping
from badgegate.reconcile import reconcile
from badgegate.streaming.planner import issuer_from_profile
from badgegate.testing.lossy import CATALOGUE, LossyMigration, lossy_migration
from badgegate.testing.preload import preload_engine
from badgegate.testing.strategies import legacy_datasets

SEEDED = 60
NAMES = [entry.name for entry in CATALOGUE]


@pytest.fixture(scope="module")
def mapping() -> MigrationMapping:
    return load_mapping()


def _caught(verdict: IntegrityVerdict, entry: LossyMigration) -> bool:
    return any(field.startswith(entry.field) for field in verdict.fields)


@pytest.mark.parametrize("name", NAMES)
def test_the_integrity_property_catches_the_lossy_migration(
    name: str, mapping: MigrationMapping
) -> None:
    entry = lossy_migration(name)
    verdicts: list[IntegrityVerdict] = []

    @settings(max_examples=400, database=None, derandomize=True, phases=[Phase.generate])
    @given(dataset=legacy_datasets())
    def integrity_property(dataset: LegacyDataset) -> None:
        verdict = check_roundtrip(dataset, mapping=mapping, rewrite=entry.rewrite(mapping))
        verdicts.append(verdict)
        verdict.check()

    with pytest.raises(AssertionError) as failure:
        integrity_property()
    assert check_roundtrip(verdicts[-1].dataset, mapping=mapping).lost is False
    assert _caught(verdicts[-1], entry), verdicts[-1].fields
    assert entry.field in str(failure.value)
    assert "INSERT INTO badges" in str(failure.value)


def test_a_failure_shows_the_shrunk_rows_the_legacy_field_and_the_sql(
    mapping: MigrationMapping,
) -> None:
    entry = lossy_migration("progress-rounded")

    @settings(max_examples=200, database=None, derandomize=True)
    @given(dataset=legacy_datasets(max_badges=3, max_requirements=2, long_texts=False))
    def integrity_property(dataset: LegacyDataset) -> None:
        check_roundtrip(dataset, mapping=mapping, rewrite=entry.rewrite(mapping)).check()

    with pytest.raises(AssertionError) as failure:
        integrity_property()
    message = str(failure.value)
    assert "badges.progress (field changed)" in message
    assert "expected 1, got 0" in message or "expected 5, got 10" in message or "got" in message
    assert message.count("INSERT INTO badges (") == 1, "the data set was not shrunk to one badge"
    assert '"badge_requirements": []' in message


@pytest.fixture(scope="module")
def lossy_engine() -> Iterator[tuple[EngineServer, dict[str, ClientSpec]]]:
    specs = {
        name: ClientSpec(f"lossy-{name}", secrets.token_urlsafe(16), tenant=f"lossy-{name}")
        for name in [*NAMES, "large"]
    }
    with EngineServer(clients=list(specs.values())) as server:
        yield server, specs


@pytest.fixture(scope="module")
def seeded_legacy(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, LegacyDataset]:
    url = f"sqlite:///{tmp_path_factory.mktemp('lossy') / 'legacy.sqlite3'}"
    seed(url, badges=SEEDED, seed=5)
    return url, generate_dataset(SEEDED, seed=5)


def _client(server: EngineServer, spec: ClientSpec) -> BadgeEngineClient:
    return BadgeEngineClient(
        server.api_url, client_id=spec.client_id, client_secret=spec.client_secret
    )


@pytest.mark.parametrize("name", NAMES)
def test_reconcile_catches_the_lossy_migration(
    name: str,
    lossy_engine: tuple[EngineServer, dict[str, ClientSpec]],
    seeded_legacy: tuple[str, LegacyDataset],
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    entry = lossy_migration(name)
    server, specs = lossy_engine
    legacy_db, dataset = seeded_legacy
    with _client(server, specs[name]) as client:
        issuer = issuer_from_profile(client.get_profile())
        operations = iter_operations(
            dataset, mapping=mapping, issuer=issuer, rewrite=entry.rewrite(mapping)
        )
        assert not [result for result in client.upsert_many(list(operations)) if result.failed]
        report = reconcile(
            legacy_db, client, out=tmp_path / "r.json", state_dir=tmp_path, mapping=mapping
        )
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report.exit_code == 1, report.render()
    legacy_ids = {row["id"] for row in dataset.badges}
    named = [
        item
        for item in document["discrepancies"]
        if item["class"] == entry.reconcile_class and item["legacyId"] in legacy_ids
    ]
    assert named, document["summary"]
    if entry.reconcile_class == "changed":
        fields = {field["field"] for item in named for field in item["fields"]}
        assert any(field.startswith(entry.field) for field in fields), fields


@pytest.mark.slow
def test_reconcile_finds_the_one_altered_record_among_ten_thousand(
    lossy_engine: tuple[EngineServer, dict[str, ClientSpec]],
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    server, specs = lossy_engine
    legacy_db = f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
    seed(legacy_db, badges=10_000, seed=3)
    dataset = generate_dataset(10_000, seed=3)
    altered = sorted(row["id"] for row in dataset.badges)[6_543]

    def alter(badge, requirements, operations):  # type: ignore[no-untyped-def]
        if badge["id"] == altered:
            for operation in operations:
                if operation.kind == "progress":
                    operation.record["legacy"]["target_date"] = "someday"
        return operations

    with _client(server, specs["large"]) as client:
        issuer = issuer_from_profile(client.get_profile())
        operations = iter_operations(dataset, mapping=mapping, issuer=issuer, rewrite=alter)
        preload_engine(server.engine_db, "lossy-large", operations)
        report = reconcile(
            legacy_db, client, out=tmp_path / "r.json", state_dir=tmp_path, mapping=mapping
        )
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report.exit_code == 1
    (changed,) = document["discrepancies"]
    assert changed["legacyId"] == altered and changed["class"] == "changed"
    (field,) = changed["fields"]
    assert field["field"] == "badges.target_date" and field["actual"] == "someday"
