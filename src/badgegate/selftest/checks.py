"""The checks the self-test can run against a fault engine, by name ``<suite>:<check>``.

Fuzz checks run in-process on the engine's fuzz session; contract verification runs through
:func:`badgegate.contracts.run_verification`; smoke and schema tests run as real pytest
sessions (a subprocess per engine) against the engine's URL.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.etree import ElementTree

from badgegate import vocabulary
from badgegate.capabilities import PROVIDER_STATES
from badgegate.paths import suite_pytest_options, suites_dir
from badgegate.selftest.target import FaultTarget

Check = Callable[[FaultTarget], list[str]]
#: The suites the self-test runs against a fault engine: all but integrity, which checks a
#: migration from a legacy database rather than an engine.
SUITES = tuple(suite for suite in vocabulary.SUITES if suite != "integrity")


def _fuzz_probe(name: str) -> Check:
    def run(engine: FaultTarget) -> list[str]:
        from badgegate.fuzz import probes, profile, refusals, seeding, signatures

        probe: Callable[..., list[str]] = {
            "read-back": lambda s: s.seeded.problems + seeding.seeded_read_back(s),
            "exactly-once": seeding.exactly_once,
            "since": seeding.since_checks,
            "loose-since": probes.loose_since,
            "isolation": seeding.isolation_checks,
            "auth": refusals.token_refusals,
            "scopes": refusals.lacking_scope,
            "methods": probes.undocumented_methods,
            "double-upsert": seeding.double_upsert_checks,
            "invalid-upload": seeding.invalid_upload_checks,
            "profile": profile.profile_checks,
            "bad-signature": signatures.signature_checks,
        }[name]
        return probes.guarded(probe, engine.fuzz)

    return run


def _fuzz_operation(method: str, path: str) -> Check:
    def run(engine: FaultTarget) -> list[str]:
        from badgegate.fuzz.runner import CaseRunner, fuzz_operation

        operation = engine.fuzz.schema[path][method]
        return [failure.render() for failure in fuzz_operation(CaseRunner(engine.fuzz), operation)]

    return run


def fuzz_suite(engine: FaultTarget) -> list[str]:
    """The whole fuzz suite in-process (every operation, links, probes) with few examples."""
    from badgegate.fuzz.runner import CaseRunner, fuzz_links, fuzz_operation

    runner = CaseRunner(engine.fuzz)
    problems = [p for name in FUZZ_PROBES for p in CHECKS[name](engine)]
    for result in engine.fuzz.schema.get_all_operations():
        operation = result.ok()
        if engine.fuzz.not_applicable(str(operation.path)):
            continue
        fuzz_operation(runner, operation)
    fuzz_links(runner)
    return problems + [failure.render() for failure in runner.failures.values()]


def contract_verification(engine: FaultTarget) -> list[str]:
    """Every committed pact replayed against the engine."""
    from badgegate.contracts import committed_pacts_dir, run_verification

    report = run_verification(
        [committed_pacts_dir()], engine.target.api_url, state_url=engine.target.state_url
    )
    return [] if report.passed else [report.render()]


def pytest_nodes(engine: FaultTarget, nodes: Sequence[str]) -> dict[str, list[str]]:
    """Run pytest ``nodes`` (paths relative to the suites folder) against the engine in one
    process; return each node's failures (an empty list when it passed)."""
    with tempfile.TemporaryDirectory(prefix="badgegate-selftest-") as report_dir:
        junit = Path(report_dir) / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            *(str(suites_dir() / node) for node in nodes),
            *suite_pytest_options(),
            "-q",
            "--no-header",
            f"--junitxml={junit}",
        ]
        done = subprocess.run(
            command,
            cwd=report_dir,
            env=engine.environment(report_dir),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        failed = _failed_tests(junit)
    if done.returncode not in (0, 1) or (done.returncode == 1 and not failed):
        problem = f"pytest exited {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
        return {node: [problem] for node in nodes}
    return {node: [f for f in failed if _belongs(f, node)] for node in nodes}


def _failed_tests(junit: Path) -> list[str]:
    """``file::test`` of every failed or erroring test case in a JUnit report."""
    if not junit.exists():
        return []
    failed = []
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            module = case.get("classname", "").replace(".", "/")
            failed.append(f"{module}.py::{case.get('name', '')}")
    return failed


def _belongs(failed: str, node: str) -> bool:
    path, _, test = node.partition("::")
    module = path.removesuffix(".py")
    return module in failed and (not test or f"::{test}" in failed)


def _pytest_check(*nodes: str) -> Check:
    return lambda engine: [p for found in pytest_nodes(engine, nodes).values() for p in found]


FUZZ_PROBES = (
    "fuzz:read-back",
    "fuzz:exactly-once",
    "fuzz:since",
    "fuzz:loose-since",
    "fuzz:isolation",
    "fuzz:auth",
    "fuzz:scopes",
    "fuzz:methods",
    "fuzz:double-upsert",
    "fuzz:invalid-upload",
    "fuzz:profile",
    "fuzz:bad-signature",
)
#: Checks that are pytest tests of a suite: name -> node (run together, one process per engine).
PYTEST_CHECKS: dict[str, str] = {
    "schema:served": "schema/test_served.py",
    "smoke:auth": "smoke/test_smoke.py::test_credentials_refuse_a_missing_or_wrong_token",
    "smoke:paging": "smoke/test_smoke.py::test_paging_headers_follow_limit_offset_and_total",
    "smoke:discovery": "smoke/test_smoke.py::test_discovery_describes_oauth2_without_auth",
    "smoke:base-path": "smoke/test_smoke.py::test_the_api_is_served_under_the_ob3_base_path",
}
CHECKS: dict[str, Check] = {
    **{name: _fuzz_probe(name.split(":", 1)[1]) for name in FUZZ_PROBES},
    "fuzz:get-credentials": _fuzz_operation("GET", "/credentials"),
    "fuzz:get-profile": _fuzz_operation("GET", "/profile"),
    "contracts:verification": contract_verification,
    **{name: _pytest_check(node) for name, node in PYTEST_CHECKS.items()},
}
#: What a check needs of the engine beyond OB 3.0 (:mod:`badgegate.capabilities`); without it
#: the check is not applicable there. Other checks skip their own inapplicable parts.
CHECK_NEEDS: dict[str, tuple[str, ...]] = {
    "contracts:verification": (PROVIDER_STATES,),
    "contracts": (PROVIDER_STATES,),
}
#: What running a whole suite means in the detection matrix.
SUITE_RUNS: dict[str, Check] = {
    "smoke": _pytest_check("smoke"),
    "schema": _pytest_check("schema/test_served.py"),
    "contracts": contract_verification,
    "fuzz": fuzz_suite,
}
