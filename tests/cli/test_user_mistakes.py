"""Every user mistake gets one line naming what is wrong and the documented exit code, never a
traceback.

The option rows are generated from the command line's own parsers: every command × every option
that takes a value, given no value, an empty value, a value of the wrong type, a file that does
not exist and a file of 10 MB. The named rows are mistakes seen in use.
"""

from __future__ import annotations

import argparse
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from badgegate.cli import build_parser, main
from badgegate.command_line import INPUT_FILES, NUMBERS
from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.errors import ExitCode

from ..operations.conftest import run_badgegate

BIG_FILE_BYTES = 10 * 1024 * 1024


class Row(NamedTuple):
    """One mistake: the words typed after ``badgegate`` and the option the error must name."""

    argv: tuple[str, ...]
    option: str


def _all_options(parser: argparse.ArgumentParser, command: tuple[str, ...]) -> Iterator[tuple]:
    """Every option of every command: ``(command words, action)``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _all_options(sub, (*command, name))
        elif action.option_strings:
            yield command, action


def _options(parser: argparse.ArgumentParser, command: tuple[str, ...]) -> Iterator[tuple]:
    """The options that take a value."""
    for words, action in _all_options(parser, command):
        if (
            action.nargs is None
            and action.const is None
            and not isinstance(action, argparse._HelpAction | argparse._VersionAction)
        ):
            yield words, action


def _typed(action: argparse.Action) -> bool:
    return (
        action.choices is not None
        or action.dest in NUMBERS
        or action.type is int
        or (callable(action.type) and action.type.__name__ in ("int", "_positive", "_count"))
    )


def _rows(missing_file: str, big_file: str) -> Iterator[tuple[str, Row]]:
    for command, action in _options(build_parser(), ()):
        option = action.option_strings[-1]
        name = f"{' '.join(command)} {option}"
        yield f"{name} without a value", Row((*command, option), option)
        yield f"{name} empty", Row((*command, option, ""), option)
        if _typed(action):
            yield f"{name} of the wrong type", Row((*command, option, "not-a-thing"), option)
        if action.dest in INPUT_FILES:
            yield f"{name} missing file", Row((*command, option, missing_file), option)
        if action.dest in INPUT_FILES and INPUT_FILES[action.dest] < BIG_FILE_BYTES:
            yield f"{name} 10 MB file", Row((*command, option, big_file), option)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file of 10 MB of bytes that are no token, no JSON and no certificate."""
    path = tmp_path_factory.mktemp("big") / "ten-megabytes.bin"
    path.write_bytes(b"\xff\x00garbage" * (BIG_FILE_BYTES // 9 + 1))
    return path


MISSING = "/nonexistent/badgegate/file"
ROWS = dict(_rows(MISSING, "{big}"))


def test_every_command_has_rows() -> None:
    commands = {row.argv[0] for row in ROWS.values()}
    assert {"run", "migrate", "reconcile", "engine", "contracts", "validate"} <= commands
    assert len(ROWS) > 300


@pytest.mark.parametrize("name", sorted(ROWS))
def test_an_option_mistake_is_one_line_naming_the_option(
    name: str, big_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = ROWS[name]
    argv = [word.replace("{big}", str(big_file)) for word in row.argv]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    shown = capsys.readouterr()
    assert stopped.value.code == ExitCode.USAGE, shown
    error_lines = [line for line in shown.err.splitlines() if "error:" in line]
    assert len(error_lines) == 1, shown.err
    assert row.option in error_lines[0]
    assert "Traceback" not in shown.err + shown.out


@pytest.fixture(scope="module")
def tableless_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database that is not a legacy database: it has a table, but not badges."""
    path = tmp_path_factory.mktemp("tableless") / "other.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE something_else (x INTEGER)")
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineServer]:
    """A reference engine with one client."""
    with EngineServer(clients=[ClientSpec("qa", "qa-secret-value")]) as server:
        yield server


def _assert_one_line(result: subprocess.CompletedProcess[str], code: ExitCode, *words: str) -> None:
    shown = result.stdout + result.stderr
    assert result.returncode == code, shown[-2000:]
    assert "Traceback" not in shown, shown[-3000:]
    errors = [line for line in shown.splitlines() if line.startswith("badgegate: error:")]
    assert len(errors) == 1, shown[-2000:]
    for word in words:
        assert word in errors[0], errors[0]


@pytest.mark.parametrize(
    "command", [["migrate"], ["migrate", "--dry-run"], ["reconcile"]], ids=" ".join
)
def test_a_database_without_the_legacy_tables_is_named(
    command: list[str], tableless_db: str, engine: EngineServer, tmp_path: Path
) -> None:
    result = run_badgegate(
        [*command, "--legacy-db", tableless_db, "--engine-url", engine.api_url],
        cwd=tmp_path,
        env={"BADGEGATE_CLIENT_ID": "qa", "BADGEGATE_CLIENT_SECRET": "qa-secret-value"},
        timeout=120,
    )
    _assert_one_line(result, ExitCode.USAGE, "badges", "--legacy-db")


def _busy_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--port", "99999"], ["--port", "65535"]),
        (["--host", "192.0.2.1"], ["--host", "192.0.2.1"]),
        (["--port", "{busy}"], ["in use", "--port"]),
    ],
    ids=["port out of range", "host not of this machine", "busy port"],
)
def test_engine_serve_refuses_where_it_cannot_listen(
    options: list[str], words: list[str], tmp_path: Path
) -> None:
    for port in _busy_port():
        argv = [word.replace("{busy}", str(port)) for word in options]
        result = run_badgegate(
            ["engine", "serve", "--engine-db", str(tmp_path / "engine.sqlite3"), *argv],
            cwd=tmp_path,
            timeout=60,
        )
        _assert_one_line(result, ExitCode.USAGE, *words)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_against_an_unreachable_target_is_one_line(tmp_path: Path) -> None:
    result = run_badgegate(
        ["run", "--engine-url", f"http://127.0.0.1:{_closed_port()}/ims/ob/v3p0"],
        cwd=tmp_path,
        timeout=60,
    )
    _assert_one_line(result, ExitCode.UNREACHABLE, "refused the connection", "ENGINE_URL")
    assert len((result.stdout + result.stderr).splitlines()) < 10


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"BADGEGATE_ENGINE_TOKEN": "not-a-valid-token"}, ["BADGEGATE_ENGINE_TOKEN"]),
        (
            {"BADGEGATE_CLIENT_ID": "qa", "BADGEGATE_CLIENT_SECRET": "wrong-secret"},
            ["BADGEGATE_CLIENT_SECRET"],
        ),
    ],
    ids=["wrong token", "wrong client secret"],
)
def test_the_harness_credentials_refused_at_start_are_a_configuration_error(
    env: dict[str, str], words: list[str], engine: EngineServer, tmp_path: Path
) -> None:
    result = run_badgegate(["run", "--engine-url", engine.api_url], cwd=tmp_path, env=env)
    _assert_one_line(result, ExitCode.USAGE, "refused badgegate's own credentials", *words)


def test_the_resume_hint_carries_the_options_and_no_password() -> None:
    from badgegate.cli.hints import resume_command

    given = argparse.Namespace(
        argv=[
            "migrate",
            "--legacy-db",
            "postgresql+psycopg://reader:pa55word@db/legacy",
            "--engine-url",
            "http://engine.example/ims/ob/v3p0",
            "--batch-size=100",
            "--resume",
            "--run",
            "mig-old",
        ]
    )
    hint = resume_command(given, drop=("--resume", "--run"), add=("--resume", "--run", "mig-1"))
    assert hint.startswith("badgegate migrate --legacy-db ")
    assert "--engine-url http://engine.example/ims/ob/v3p0 --batch-size=100" in hint
    assert hint.count("--run") == 1 and hint.count("--resume") == 1 and "mig-1" in hint
    assert "pa55word" not in hint and "give them again" in hint
    plain = argparse.Namespace(argv=["reconcile", "--legacy-db", "sqlite:///legacy.sqlite3"])
    assert resume_command(plain, drop=("--resume",), add=("--resume",)) == (
        "badgegate reconcile --legacy-db sqlite:///legacy.sqlite3 --resume"
    )


def test_every_option_has_help_text() -> None:
    missing = [
        f"{' '.join(command)} {action.option_strings[-1]}"
        for command, action in _all_options(build_parser(), ())
        if not action.help
    ]
    assert not missing, missing
