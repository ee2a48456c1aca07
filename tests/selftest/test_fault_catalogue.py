"""The fault catalogue self-test: every fault is caught by its owning checks, one engine per
fault, and the clean engine passes every owning check."""

from __future__ import annotations

import pytest

from badgegate.capabilities import PROVIDER_STATES, not_applicable
from badgegate.config import load_config
from badgegate.engine.faults.catalogue import FAULT_NAMES
from badgegate.engine.variants import PLAIN
from badgegate.selftest import all_owning_checks, owning_checks, run_checks
from badgegate.selftest.checks import CHECKS
from badgegate.selftest.run import PLAIN_COLUMN, fault_problems, fault_verdict

from .test_matrix import _readme_matrix

EXAMPLES = 2


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A ci config whose reports go to a temporary folder."""
    return load_config({"report_dir": str(tmp_path_factory.mktemp("reports"))}, env={})


def test_every_fault_has_known_owning_checks() -> None:
    assert len(FAULT_NAMES) >= 20
    for fault in FAULT_NAMES:
        names = owning_checks(fault)
        assert names, fault
        assert set(names) <= set(CHECKS), (fault, set(names) - set(CHECKS))


@pytest.mark.slow
def test_clean_engine_passes_every_owning_check(config) -> None:  # type: ignore[no-untyped-def]
    outcomes = run_checks(None, all_owning_checks(), config, examples=EXAMPLES)
    failed = {o.check: o.detail for o in outcomes if o.failed}
    assert not failed, "\n".join(f"{name}:\n{detail}" for name, detail in failed.items())
    assert {o.check for o in outcomes} == set(all_owning_checks())


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULT_NAMES)
def test_fault_is_caught_by_its_owning_checks(fault: str, config) -> None:  # type: ignore[no-untyped-def]
    outcomes = run_checks(fault, owning_checks(fault), config, examples=EXAMPLES)
    passed = [o.check for o in outcomes if not o.failed]
    assert not passed, f"{fault} went unnoticed by {passed}"


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULT_NAMES)
def test_fault_is_caught_on_a_plain_host_where_it_applies(fault: str, config) -> None:  # type: ignore[no-untyped-def]
    """On a plain OB 3.0 Host (no extension API, no provider states) every owning check that
    applies catches the fault, and the verdict is the one the README's matrix states."""
    outcomes = run_checks(fault, owning_checks(fault), config, examples=EXAMPLES, variants=[PLAIN])
    assert not fault_problems(outcomes, fault)
    stated = _readme_matrix()[fault][PLAIN_COLUMN]
    assert fault_verdict(outcomes) == stated, [(o.check, o.applicable, o.failed) for o in outcomes]


@pytest.mark.slow
def test_clean_plain_host_passes_every_applicable_owning_check(config) -> None:  # type: ignore[no-untyped-def]
    outcomes = run_checks(None, all_owning_checks(), config, examples=EXAMPLES, variants=[PLAIN])
    failed = {o.check: o.detail for o in outcomes if o.failed}
    assert not failed, "\n".join(f"{name}:\n{detail}" for name, detail in failed.items())
    skipped = {o.check: o.detail for o in outcomes if not o.applicable}
    assert skipped == {"contracts:verification": not_applicable(PROVIDER_STATES)}
