"""badgegate never loses what its engine underneath finds.

Against one faulty reference engine and the official OB 3.0 OpenAPI file, ``schemathesis run``
(the CLI) and badgegate's fuzz suite each run with three seeds, the same checks and the same
example budget; every (operation, check) pair schemathesis reports must be among badgegate's.
The two generate different cases, so the unions over the seeds are compared.

Same checks: the CLI gets badgegate's own schemathesis settings as its config file (the
acceptance statuses the official document needs; ``ignored_auth`` and
``object_level_authorization`` off in both, badgegate runs its own equivalents). Same budget:
``-n`` examples per operation and mode, and the phases badgegate runs — the document's examples
and generated cases. Coverage (thousands of boundary cases for the OB 3.0 schemas, whatever the
budget) is left out, and so are stateful links, which the official document cannot drive.

Check names: badgegate runs schemathesis's built-in checks itself and records each failure under
its title, the name schemathesis's JSON report gives it too, so the names map one to one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from badgegate.config import load_config
from badgegate.engine.faults.catalogue import NON_IMSX_ERROR
from badgegate.fuzz.runner import CaseRunner, fuzz_operation
from badgegate.fuzz.session import FuzzSession, schemathesis_settings
from badgegate.selftest.target import fault_target

pytestmark = pytest.mark.slow

#: A fault schemathesis catches on its own: error bodies that are not the documented
#: Imsx_StatusInfo violate the official document's response schemas.
FAULT = NON_IMSX_ERROR
SEEDS = (0, 1, 2)
EXAMPLES = 3
PHASES = "examples,fuzzing"
TOKEN_VARIABLE = "BADGEGATE_PARITY_TOKEN"

Pair = tuple[str, str]


def config_toml(settings: dict[str, Any], table: tuple[str, ...] = ()) -> str:
    """``settings`` (strings, booleans, lists of strings, nested tables) as TOML."""
    values = [
        f"{key} = {json.dumps(value)}"
        for key, value in settings.items()
        if not isinstance(value, dict)
    ]
    blocks = [("\n".join([f"[{'.'.join(table)}]", *values]) if table else "\n".join(values))]
    for key, value in settings.items():
        if isinstance(value, dict):
            blocks.append(config_toml(value, (*table, key)))
    return "\n".join(block for block in blocks if block.strip())


def schemathesis_pairs(session: FuzzSession, document: Path, folder: Path, seed: int) -> set[Pair]:
    """(operation, check title) of every failure ``schemathesis run`` reports with ``seed``."""
    settings = schemathesis_settings(session.adjustments)
    settings["headers"] = {"Authorization": f"Bearer ${{{TOKEN_VARIABLE}}}"}
    config = folder / "schemathesis.toml"
    config.write_text(config_toml(settings) + "\n", encoding="utf-8")
    report = folder / f"schemathesis-{seed}.json"
    token = session.auth.bearer()["Authorization"].split()[1]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            str(document),
            "--url",
            session.api_url,
            "--seed",
            str(seed),
            "-n",
            str(EXAMPLES),
            "--phases",
            PHASES,
            "--mode",
            "all",
            "--continue-on-failure",
            "--no-shrink",
            "--report",
            "json",
            "--report-json-path",
            str(report),
        ],
        env={**os.environ, TOKEN_VARIABLE: token},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1) and report.exists(), done.stdout[-3000:] + done.stderr
    failures = json.loads(report.read_text(encoding="utf-8"))["failures"]
    return {
        (operation, failure["title"]) for failure in failures for operation in failure["operations"]
    }


def badgegate_pairs(session: FuzzSession, seed: int) -> set[Pair]:
    """(operation, check) of every failure the fuzz suite's operations report with ``seed``."""
    seeded = dataclasses.replace(session, profile=dataclasses.replace(session.profile, seed=seed))
    runner = CaseRunner(seeded)
    for result in seeded.schema.get_all_operations():
        fuzz_operation(runner, result.ok())
    return {(operation, check) for check, operation, _status in runner.failures}


def test_badgegate_reports_every_pair_schemathesis_reports(
    shared_dir: Path, tmp_path: Path
) -> None:
    document = shared_dir / "ob3-official" / "openapi" / "ob_v3p0_oas.json"
    config = load_config({"report_dir": str(tmp_path), "openapi": str(document)}, env={})
    with fault_target(FAULT, config, examples=EXAMPLES) as engine:
        found_by_schemathesis: set[Pair] = set()
        found_by_badgegate: set[Pair] = set()
        for seed in SEEDS:
            found_by_schemathesis |= schemathesis_pairs(engine.fuzz, document, tmp_path, seed)
            found_by_badgegate |= badgegate_pairs(engine.fuzz, seed)
    assert found_by_schemathesis, f"schemathesis found nothing on {FAULT}: the comparison is void"
    lost = sorted(found_by_schemathesis - found_by_badgegate)
    assert not lost, f"badgegate lost what schemathesis found on {FAULT}: {lost}"
