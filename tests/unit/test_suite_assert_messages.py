"""Every assert in a suite check says what broke: no bare ``assert False``, no message-less
``assert`` (pytest's own rewriting shows operands, not which request, record or rule failed).

The suite checks are the modules under ``suites/`` and the consumer exercises the contracts
suite runs against the Pact mock server (``badgegate.contracts`` reader, migrator, login).
"""

from __future__ import annotations

import ast
from pathlib import Path

import badgegate.contracts
from badgegate.paths import suites_dir

CONSUMER_EXERCISES = ("reader.py", "migrator.py", "login.py")


def silent_asserts(source: str, filename: str) -> list[str]:
    """``file:line: assert …`` for each assert without a message, or asserting a false constant."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Assert):
            continue
        constant_false = isinstance(node.test, ast.Constant) and not node.test.value
        if node.msg is None or constant_false:
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def test_every_assert_in_the_suites_carries_a_message() -> None:
    root = suites_dir()
    modules = sorted(root.rglob("*.py"))
    assert len(modules) >= 10, f"only {len(modules)} suite modules under {root}"
    contracts = Path(badgegate.contracts.__file__).parent
    modules += [contracts / name for name in CONSUMER_EXERCISES]
    found = [
        problem
        for path in modules
        for problem in silent_asserts(path.read_text(encoding="utf-8"), _label(path, root))
    ]
    assert found == [], "asserts that do not say what broke:\n" + "\n".join(found)


def _label(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else f"contracts/{path.name}"


def test_the_scan_flags_bare_and_message_less_asserts_only() -> None:
    source = (
        "assert False\n"
        "assert status == 401\n"
        "assert False, 'GET /credentials answered 200'\n"
        "assert status == 401, f'answered {status}'\n"
    )
    assert [line.split(":")[1] for line in silent_asserts(source, "check.py")] == ["1", "2", "3"]
