"""The CI templates are valid YAML, install badgegate as a tool (no checkout of it), run the
README's "Gate badge-engine's merges" commands and call commands that exist."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from badgegate.cli import build_parser
from badgegate.paths import project_root

TEMPLATES = ("github-actions.yml", "gitlab-ci.yml")
# An editable install, `pip install .` and badgegate's constraints.txt need its checkout.
NEEDS_A_CHECKOUT = re.compile(r"\s(-e|--editable|\.)(\s|$)|constraints\.txt")


def _template(name: str) -> Any:
    return yaml.safe_load((project_root() / "ci-templates" / name).read_text(encoding="utf-8"))


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _shell_lines(document: Any) -> list[str]:
    """Every shell command line of the template's steps (``run``) and jobs (``script``,
    ``before_script``)."""
    lines: list[str] = []
    for node in _nodes(document):
        for key in ("run", "before_script", "script"):
            for text in _strings(node.get(key)):
                lines += text.replace("\\\n", " ").splitlines()
    return lines


def _badgegate_calls(line: str) -> Iterator[list[str]]:
    """The argument lists of every `badgegate …` call in a shell line."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    command: list[str] = []
    for word in [*lexer, ";"]:
        if word in {"&&", "||", ";", "|"}:
            names = [Path(part).name for part in command]
            if "badgegate" in names:
                yield command[names.index("badgegate") + 1 :]
            command = []
        else:
            command.append(word)


def _gate_commands() -> list[str]:
    """The command lines of the README's "Gate badge-engine's merges"."""
    readme = (project_root() / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Gate badge-engine's merges", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.+?)\n```", section, flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines()]


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_runs_the_readme_gate_commands(name: str) -> None:
    commands = _gate_commands()
    assert len(commands) == 2, commands
    lines = [line.strip() for line in _shell_lines(_template(name))]
    for command in commands:
        assert command in lines, f"{name} lacks {command!r}"


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_installs_badgegate_as_a_tool_not_a_checkout(name: str) -> None:
    document = _template(name)
    lines = _shell_lines(document)
    installs = [line for line in lines if "pip install" in line]
    assert installs, f"{name} never installs badgegate"
    for line in installs:
        assert '"$BADGEGATE_PACKAGE"' in line, f"{name} installs something else: {line!r}"
        assert not NEEDS_A_CHECKOUT.search(line), f"{name} installs from a checkout: {line!r}"
    package = next(
        node["BADGEGATE_PACKAGE"] for node in _nodes(document) if "BADGEGATE_PACKAGE" in node
    )
    assert re.fullmatch(r"badgegate @ git\+https://\S+@\S+", package), package
    runs = [call for line in lines for call in _badgegate_calls(line) if call[:1] == ["run"]]
    assert runs, f"{name} never runs badgegate"
    for call in runs:
        assert "--engine-url" in call, f"{name}: `badgegate {' '.join(call)}` has no target"
    first_run = next(i for i, line in enumerate(lines) if "badgegate run" in line)
    first_install = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert first_install < first_run, f"{name} runs badgegate before installing it"


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_badgegate_call_parses(name: str) -> None:
    parser = build_parser()
    calls = [call for line in _shell_lines(_template(name)) for call in _badgegate_calls(line)]
    called = {call[0] for call in calls if call}
    assert {"run", "contracts"} <= called, calls
    for call in calls:
        errors = io.StringIO()
        with contextlib.redirect_stderr(errors):
            try:
                args = parser.parse_args(call)
            except SystemExit:
                pytest.fail(
                    f"{name}: `badgegate {' '.join(call)}` does not parse: {errors.getvalue()}"
                )
        assert getattr(args, "func", None) is not None, f"{name}: `badgegate {call}` runs nothing"


@pytest.mark.parametrize("name", TEMPLATES)
def test_broker_steps_only_run_with_a_broker_and_reports_are_uploaded(name: str) -> None:
    text = (project_root() / "ci-templates" / name).read_text(encoding="utf-8")
    document = _template(name)
    for call in ("contracts verify", "contracts can-i-deploy"):
        holders = [node for node in _nodes(document) if call in str(node.get("run", ""))]
        holders += [
            node for node in _nodes(document) if any(call in s for s in node.get("script", []))
        ]
        assert holders, f"{name} never calls {call}"
        for node in holders:
            condition = str(node.get("if", "")) + str(node.get("rules", ""))
            assert "PACT_BROKER_BASE_URL" in condition, f"{name}: {call} runs without a broker"
    calls = [call for line in _shell_lines(document) for call in _badgegate_calls(line)]
    verify = [call for call in calls if call[:2] == ["contracts", "verify"]]
    assert all("--publish-results" in call for call in verify), verify
    deploy = [call for call in calls if call[:2] == ["contracts", "can-i-deploy"]]
    assert all(call[call.index("--pacticipant") + 1] == "badge-engine" for call in deploy)
    for path in ("reports/allure-results/", "reports/junit.xml"):
        assert path in text, f"{name} does not upload {path}"
    assert ".venv" in str(_cached_paths(document)), f"{name} does not cache the virtualenv"


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _nodes(item)


def _cached_paths(document: Any) -> list[Any]:
    found = []
    for node in _nodes(document):
        cache = node.get("cache")
        if isinstance(cache, dict):
            found.append(cache.get("paths"))
        if str(node.get("uses", "")).startswith("actions/cache"):
            found.append(node.get("with", {}).get("path"))
    return found
