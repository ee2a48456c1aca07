"""`legacy_statement_timeout` reaches the legacy reads of migrate, reconcile and mapping check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from badgegate.config import LEGACY_STATEMENT_TIMEOUT, load_config
from badgegate.errors import ConfigError
from badgegate.legacy import create_tables, legacy_engine


def test_the_timeout_is_a_config_key_with_a_default() -> None:
    assert load_config(env={}, pyproject=None).legacy_statement_timeout == LEGACY_STATEMENT_TIMEOUT
    configured = load_config(env={"BADGEGATE_LEGACY_STATEMENT_TIMEOUT": "2.5"}, pyproject=None)
    assert configured.legacy_statement_timeout == 2.5
    with pytest.raises(ConfigError, match="legacy_statement_timeout"):
        load_config(env={"BADGEGATE_LEGACY_STATEMENT_TIMEOUT": "0"}, pyproject=None)


@pytest.mark.parametrize("command", [["mapping", "check"], ["migrate"], ["reconcile"]])
def test_each_legacy_reading_command_takes_the_option(command: list[str]) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "badgegate", *command, "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--legacy-statement-timeout" in shown


def test_mapping_check_reads_with_the_configured_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeout given to the command is the one the legacy engine is opened with."""
    from badgegate.mapping import schema_check

    url = f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
    engine = legacy_engine(url)
    create_tables(engine)
    engine.dispose()
    opened: list[float | None] = []
    real = schema_check.legacy_engine

    def recording(*args: object, **kwargs: object) -> object:
        opened.append(kwargs.get("statement_timeout"))  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(schema_check, "legacy_engine", recording)
    from badgegate.cli import main

    assert main(["mapping", "check", "--legacy-db", url, "--legacy-statement-timeout", "7"]) == 0
    assert opened == [7.0]
