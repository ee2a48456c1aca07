"""Comparison in legacy column names, the SQL reproduction, and the failure evidence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from badgegate.compare import (
    check_roundtrip,
    compare_rows,
    keyed_rows,
    sql_literal,
    statement_list,
)
from badgegate.compare.live import load_legacy
from badgegate.legacy import create_tables, iter_badges, legacy_engine, read_snapshot
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping, load_mapping
from badgegate.testing.strategies import legacy_datasets

pytest_plugins = ["pytester"]
BADGE = {
    "id": "b-1",
    "name": "O'Brien",
    "description": "d",
    "content": None,
    "progress": 40,
    "status": "COMPLETED",
    "created_at": dt.datetime(2024, 3, 31, 2, 30),
    "updated_at": None,
    "start_date": "",
    "target_date": None,
    "external_id": None,
    "external_source": None,
}
REQUIREMENT = {
    "id": "r-1",
    "badge_id": "b-1",
    "description": "x",
    "completed": True,
    "created_at": dt.datetime(1, 1, 1),
    "updated_at": dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
}


@pytest.fixture(scope="module")
def mapping() -> MigrationMapping:
    return load_mapping()


def test_differences_name_the_legacy_table_column_and_record() -> None:
    changed = {**BADGE, "name": "OBrien"}
    differences = compare_rows(keyed_rows([BADGE], [REQUIREMENT]), keyed_rows([changed], []))
    assert [(d.field, d.record_id, d.change) for d in differences] == [
        ("badges.name", "b-1", "changed"),
        ("badge_requirements", "r-1", "missing"),
    ]
    assert differences[0].expected == "O'Brien" and differences[0].actual == "OBrien"
    assert differences[1].badge_id == "b-1"
    assert "badges.name (field changed) of badges row 'b-1'" in differences[0].render()


def test_a_type_change_and_an_unexpected_row_are_named() -> None:
    as_text = {**BADGE, "created_at": "2024-03-31T02:30:00"}
    differences = compare_rows(keyed_rows([BADGE], []), keyed_rows([as_text], [REQUIREMENT]))
    assert [(d.field, d.change) for d in differences] == [
        ("badges.created_at", "changed type"),
        ("badge_requirements", "unexpected"),
    ]
    assert differences[0].to_dict()["expected"] == "2024-03-31T02:30:00"


def test_sql_literals_quote_and_escape() -> None:
    assert sql_literal("O'Brien") == "'O''Brien'"
    assert sql_literal(None) == "NULL" and sql_literal(True) == "TRUE"
    assert sql_literal(dt.datetime(1, 1, 1)) == "'0001-01-01 00:00:00.000000'"
    assert sql_literal("a\x00b") == "'a\\x00b'"


def _reproduce(url: str, dataset: LegacyDataset) -> LegacyDataset:
    engine = legacy_engine(url)
    try:
        create_tables(engine, replace=True)
        with engine.begin() as connection:
            cursor = connection.connection.cursor()  # no parameters: % is no placeholder
            for statement in statement_list(dataset):
                cursor.execute(statement)
    finally:
        engine.dispose()
    with read_snapshot(url) as connection:
        grouped = list(iter_badges(connection))
    return LegacyDataset([b for b, _ in grouped], [r for _, rows in grouped for r in rows])


REPRODUCE = settings(
    max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)


@REPRODUCE
@given(dataset=legacy_datasets(max_badges=3, max_requirements=3, long_texts=False))
def test_the_sql_reproduction_recreates_the_rows_on_sqlite(
    dataset: LegacyDataset, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'repro.sqlite3'}"
    assert list(_reproduce(url, dataset).grouped()) == list(dataset.grouped())


@pytest.mark.postgres
@REPRODUCE
@given(dataset=legacy_datasets(max_badges=3, max_requirements=3, long_texts=False))
def test_the_sql_reproduction_recreates_the_rows_on_postgresql(
    dataset: LegacyDataset, pg_url: str
) -> None:
    assert list(_reproduce(pg_url, dataset).grouped()) == list(dataset.grouped())


def test_a_lossless_round_trip_has_no_evidence(mapping: MigrationMapping) -> None:
    verdict = check_roundtrip(LegacyDataset([BADGE], [REQUIREMENT]), mapping=mapping)
    assert not verdict.lost and verdict.fields == []
    verdict.check()


def test_evidence_holds_rows_differences_findings_and_sql(
    mapping: MigrationMapping, tmp_path: Path
) -> None:
    def drop_name(badge, requirements, operations):  # type: ignore[no-untyped-def]
        for operation in operations:
            if operation.kind == "achievement":
                operation.record.pop("name")
        return operations

    verdict = check_roundtrip(
        LegacyDataset([BADGE], [REQUIREMENT]), mapping=mapping, rewrite=drop_name
    )
    assert "badges.name" in verdict.fields
    with pytest.raises(AssertionError) as failure:
        verdict.check("names were lost")
    text = str(failure.value)
    assert text.startswith("names were lost:")
    assert '"name": "O\'Brien"' in text
    assert "badges.name (field missing) of badges row 'b-1'" in text
    assert "INSERT INTO badges (id, name" in text and "'O''Brien'" in text
    load_legacy(f"sqlite:///{tmp_path / 'x.sqlite3'}", LegacyDataset([BADGE], [REQUIREMENT]))


def test_allure_receives_the_evidence(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import datetime as dt
        from badgegate.compare import check_roundtrip
        from badgegate.legacy.dataset import LegacyDataset
        from badgegate.mapping import load_mapping

        def test_lossy():
            badge = {"id": "b", "name": "n", "description": "d", "content": None,
                     "progress": 50, "status": "IN_PROGRESS",
                     "created_at": dt.datetime(2024, 1, 1), "updated_at": None,
                     "start_date": None, "target_date": None, "external_id": None,
                     "external_source": None}
            def rounding(badge, requirements, operations):
                for operation in operations:
                    if operation.kind == "progress":
                        operation.record["progress"] = 0
                return operations
            mapping = load_mapping()
            check_roundtrip(LegacyDataset([badge], []), mapping=mapping, rewrite=rounding).check()
        """
    )
    results = pytester.path / "allure-results"
    outcome = pytester.runpytest_subprocess(f"--alluredir={results}", "-p", "no:cacheprovider")
    outcome.assert_outcomes(failed=1)
    attachments = sorted(path.read_text(encoding="utf-8") for path in results.glob("*-attachment*"))
    assert any("badges.progress" in text for text in attachments)
    assert any("INSERT INTO badges" in text for text in attachments)
