"""Lost and altered writes and profile ownership, against real reference engines on a plain OB
3.0 Host: each finding names the credential id and the JSON pointer, the seeded ids say whose
they are, the report lists what stays on the target, and the Profile is put back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegate.config import load_config
from badgegate.engine.faults import catalogue as faults
from badgegate.engine.variants import PLAIN
from badgegate.fuzz import probes
from badgegate.fuzz.profile import profile_checks, served_profile
from badgegate.fuzz.seeding import SEEDED_HOST, seeded_read_back
from badgegate.selftest.target import FaultTarget, fault_target

pytestmark = pytest.mark.slow


@pytest.fixture
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FaultTarget]:
    """A plain Host with the fault of the test's parameter (``None``: clean), seeded."""
    config = load_config({"report_dir": str(tmp_path)}, env={})
    with fault_target(request.param, config, examples=1, variants=[PLAIN]) as started:
        yield started


@pytest.mark.parametrize("engine", [None], indirect=True)
def test_a_clean_host_keeps_every_write_and_its_profile(engine: FaultTarget) -> None:
    session = engine.fuzz
    assert session.seeded.control_accepted
    assert seeded_read_back(session) == []
    before, _ = served_profile(session)
    assert probes.guarded(profile_checks, session) == []
    assert served_profile(session)[0] == before
    # Every seeded id says whose it is, and the report lists each one left behind.
    run = session.seeded.run
    assert all(
        c["id"].startswith(f"https://{SEEDED_HOST}/seeded/{run}/credential/")
        for c in session.seeded.credentials
    )
    written = json.loads(session.report.write().read_text(encoding="utf-8"))
    left = {entry["id"] for entry in written["left_on_target"]}
    assert {c["id"] for c in session.seeded.credentials} <= left


@pytest.mark.parametrize(
    ("engine", "rule", "pointer"),
    [
        (faults.NULL_MEMBERS, "stored-member-null", "/evidence"),
        (faults.CONTEXT_RENAMED, "stored-member-renamed", "/@context"),
        (faults.CONTEXT_CHANGE, "stored-order-changed", "/@context"),
    ],
    indirect=["engine"],
)
def test_an_altered_write_names_the_credential_and_the_pointer(
    engine: FaultTarget, rule: str, pointer: str
) -> None:
    problems = seeded_read_back(engine.fuzz)
    control = engine.fuzz.seeded.credentials[0]["id"]
    assert any(
        control in problem and f"[{rule}] {control} {pointer}:" in problem for problem in problems
    ), problems
    assert problems[-1].startswith(
        "... and "
    )  # 61 changed credentials: five shown, the rest counted


@pytest.mark.parametrize("engine", [faults.PROFILE_TAKEOVER], indirect=True)
def test_a_profile_taken_over_is_found_and_put_back(engine: FaultTarget) -> None:
    before, _ = served_profile(engine.fuzz)
    problems = probes.guarded(profile_checks, engine.fuzz)
    assert any("naming another id than the served one must be refused" in p for p in problems)
    assert any("[stored-value-changed]" in p and "/id:" in p for p in problems), problems
    assert served_profile(engine.fuzz)[0] == before
