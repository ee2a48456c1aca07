"""Pact-file drift: the pacts the consumer contracts produce against the committed ones.

Every contract change must be a reviewed diff of ``contracts/pacts/``. :func:`compare_pacts`
compares bytes and reports each file that changed, is missing or is unexpected, with a
unified diff; ``badgegate contracts update`` rewrites the committed files on purpose.
"""

from __future__ import annotations

import dataclasses
import difflib
import shutil
from pathlib import Path

from badgegate.paths import contracts_dir

DIFF_LINES = 60


def committed_pacts_dir() -> Path:
    """The folder of the committed pact files: ``contracts/pacts/``."""
    return contracts_dir() / "pacts"


@dataclasses.dataclass(frozen=True)
class PactDrift:
    """One pact file that differs: ``changed``, ``missing`` (not committed) or ``unexpected``."""

    name: str
    status: str
    diff: str = ""

    def render(self) -> str:
        """The file, what happened to it, and the head of the diff."""
        head = f"{self.name}: {self.status}"
        return f"{head}\n{self.diff}" if self.diff else head


def compare_pacts(generated: Path, committed: Path) -> list[PactDrift]:
    """Compare every ``*.json`` pact in ``generated`` with ``committed``, byte for byte."""
    produced = {path.name: path for path in sorted(generated.glob("*.json"))}
    stored = {path.name: path for path in sorted(committed.glob("*.json"))}
    drifts = []
    for name in sorted(produced.keys() | stored.keys()):
        if name not in stored:
            drifts.append(PactDrift(name, "missing from the committed pacts"))
        elif name not in produced:
            drifts.append(PactDrift(name, "unexpected: no consumer contract produces it"))
        elif produced[name].read_bytes() != stored[name].read_bytes():
            drifts.append(PactDrift(name, "changed", _diff(stored[name], produced[name])))
    return drifts


def _diff(committed: Path, generated: Path) -> str:
    lines = difflib.unified_diff(
        committed.read_text(encoding="utf-8").splitlines(),
        generated.read_text(encoding="utf-8").splitlines(),
        fromfile=f"committed/{committed.name}",
        tofile=f"generated/{generated.name}",
        lineterm="",
    )
    shown = list(lines)
    if len(shown) > DIFF_LINES:
        shown = [*shown[:DIFF_LINES], f"... ({len(shown) - DIFF_LINES} more diff lines)"]
    return "\n".join(shown)


def render_drift(drifts: list[PactDrift]) -> str:
    """A numbered list of the drifted pact files, with how to accept the change."""
    lines = [f"{number}) {drift.render()}" for number, drift in enumerate(drifts, start=1)]
    lines.append(
        "the consumer contracts no longer produce the committed pacts; review the change and "
        "run `badgegate contracts update` to accept it"
    )
    return "\n".join(lines)


def replace_pacts(generated: Path, committed: Path) -> list[Path]:
    """Make ``committed`` hold exactly the pact files of ``generated``; return the written files."""
    committed.mkdir(parents=True, exist_ok=True)
    produced = {path.name for path in generated.glob("*.json")}
    for stale in committed.glob("*.json"):
        if stale.name not in produced:
            stale.unlink()
    written = []
    for name in sorted(produced):
        written.append(Path(shutil.copyfile(generated / name, committed / name)))
    return written
