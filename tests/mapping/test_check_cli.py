"""``badgegate mapping check`` and ``badgegate legacy seed``: output and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from badgegate.cli import main
from badgegate.errors import ExitCode
from badgegate.mapping import default_mapping_path


def _seed(url: str, *extra: str) -> int:
    return main(["legacy", "seed", "--legacy-db", url, "--badges", "25", "--seed", "1", *extra])


def test_seed_then_check_passes(legacy_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _seed(legacy_url) == ExitCode.OK
    assert "seeded 25 badges" in capsys.readouterr().out
    assert main(["mapping", "check", "--legacy-db", legacy_url]) == ExitCode.OK
    assert "mapping check passed: 18 columns" in capsys.readouterr().out


def test_seeding_twice_needs_replace(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _seed(sqlite_url) == ExitCode.OK
    assert _seed(sqlite_url) == ExitCode.USAGE
    assert "--replace" in capsys.readouterr().err
    assert _seed(sqlite_url, "--replace") == ExitCode.OK


def test_an_added_unmapped_column_fails_naming_it(
    legacy_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _seed(legacy_url) == ExitCode.OK
    engine = sa.create_engine(legacy_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE badge_requirements ADD COLUMN weight integer")
    engine.dispose()
    capsys.readouterr()
    assert main(["mapping", "check", "--legacy-db", legacy_url]) == ExitCode.FAILED
    out = capsys.readouterr().out
    assert "badge_requirements.weight: live column has no fate" in out
    assert "mapping-unmapped-column" in out


def test_a_mapping_naming_a_missing_column_fails(
    legacy_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _seed(legacy_url) == ExitCode.OK
    document = yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))
    document["tables"]["badges"]["columns"]["owner_email"] = {
        "type": "text",
        "nullable": True,
        "fate": "progress",
        "target": "progress:/legacy/owner_email",
        "transform": "text",
    }
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    capsys.readouterr()
    code = main(["mapping", "check", "--legacy-db", legacy_url, "--mapping", str(path)])
    assert code == ExitCode.FAILED
    assert "badges.owner_email: " in capsys.readouterr().out


def test_a_changed_column_type_fails(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE badges (id text PRIMARY KEY, name text NOT NULL,"
            " description text NOT NULL, content text, progress text NOT NULL,"
            " status text NOT NULL, created_at timestamp NOT NULL, updated_at timestamp,"
            " start_date text, target_date text, external_id text, external_source text)"
        )
    engine.dispose()
    assert main(["mapping", "check", "--legacy-db", sqlite_url]) == ExitCode.FAILED
    out = capsys.readouterr().out
    assert "badges.progress: live type TEXT is text, the mapping says integer" in out
    assert "mapping-missing-table" in out


def test_usage_and_reachability_errors(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mapping", "check", "--legacy-db", "::not a url::"]) == ExitCode.USAGE
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    code = main(["mapping", "check", "--legacy-db", sqlite_url, "--mapping", str(bad)])
    assert code == ExitCode.USAGE
    assert "does not match" in capsys.readouterr().err
    missing = tmp_path / "absent.sqlite3"
    assert main(["mapping", "check", "--legacy-db", f"sqlite:///{missing}"]) == ExitCode.UNREACHABLE
    assert "cannot reach the legacy database" in capsys.readouterr().err
    assert not missing.exists()
    refused = "postgresql+psycopg://postgres@127.0.0.1:1/none"
    assert main(["mapping", "check", "--legacy-db", refused]) == ExitCode.UNREACHABLE
