"""The README cannot drift from the code: its config reference and quick start are checked."""

from __future__ import annotations

import re
from pathlib import Path

from badgegate.config import reference_markdown

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_config_reference_is_generated_from_the_config_object() -> None:
    match = re.search(
        r"<!-- config-reference:start[^>]*-->\n(.*?)<!-- config-reference:end -->", README, re.S
    )
    assert match, "README.md lacks the config-reference markers"
    assert match.group(1) == reference_markdown(), (
        "the README's configuration reference is stale: replace the table between the markers "
        "with the output of `badgegate config show --format reference`"
    )


def test_quick_start_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(python3 -m venv .*?)\n```", README)
    assert len(commands) == 2, "the quick start has two commands"
    run_command, test_command = commands
    assert run_command.endswith("badgegate run")
    install = test_command.split(" && ")[1].replace(".venv/bin/pip install -q", "")
    assert install.strip() in ci.replace(".venv/bin/pip install --quiet", "")
    assert "BADGEGATE_REQUIRE_ALL=1 .venv/bin/pytest" in ci
