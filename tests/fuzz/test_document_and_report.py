"""Which OpenAPI document is fuzzed, how the official one is adjusted, and what a failure
report carries (the curl reproduction with secrets masked, and the seed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from badgegate.config import load_config
from badgegate.errors import ConfigError
from badgegate.fuzz import (
    FuzzFailure,
    FuzzReport,
    adjustments_for,
    default_document,
    document_location,
    operation_labels,
    read_document,
)
from badgegate.fuzz.document import OFFICIAL_DOCUMENT, OWN_DOCUMENT
from badgegate.fuzz.report import mask_reproduction
from badgegate.transport import register_secret


def test_default_document_is_the_shipped_one() -> None:
    location = document_location(load_config({}, env={}))
    assert Path(location) == default_document()
    assert adjustments_for(read_document(location)) == OWN_DOCUMENT


def test_official_document_gets_relaxed_acceptance(shared_dir: Path) -> None:
    official = shared_dir / "ob3-official" / "openapi" / "ob_v3p0_oas.yaml"
    adjustments = adjustments_for(read_document(str(official)))
    assert adjustments == OFFICIAL_DOCUMENT
    assert "400" in adjustments.positive_statuses and not adjustments.stateful
    assert len(adjustments.notes) >= 2


def test_missing_document_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="BADGEGATE_OPENAPI"):
        read_document(str(tmp_path / "nope.yaml"))


def test_staging_fuzzes_only_reads() -> None:
    staging = operation_labels(load_config({"profile": "staging"}, env={}))
    everything = operation_labels(load_config({}, env={}))
    assert staging and all(label.startswith("GET ") for label in staging)
    assert {"POST /credentials", "PUT /profile"} <= set(everything) - set(staging)


def test_reproductions_mask_tokens_and_registered_secrets() -> None:
    register_secret("s3cr3t-client-value")
    command = (
        "curl -X POST -H 'Authorization: Bearer abc.def.ghi' "
        "-d 'client_secret=s3cr3t-client-value' http://127.0.0.1:1/x"
    )
    masked = mask_reproduction(command)
    assert "abc.def.ghi" not in masked and "s3cr3t-client-value" not in masked
    assert "Authorization: Bearer " in masked


def test_json_report_holds_each_failure_with_curl_and_seed(tmp_path: Path) -> None:
    report = FuzzReport(tmp_path, seed=1234, profile="nightly", document="doc.yaml")
    failure = FuzzFailure(
        check="badgegate_imsx_error_body",
        operation="GET /credentials",
        message="400 answer is not JSON",
        curl="curl -X GET http://127.0.0.1:1/ims/ob/v3p0/credentials?limit=0",
        seed=1234,
        profile="nightly",
        status=400,
        mode="negative",
    )
    report.add([failure])
    written = json.loads((tmp_path / "fuzz" / "fuzz-report.json").read_text(encoding="utf-8"))
    assert written["seed"] == 1234 and written["profile"] == "nightly"
    assert written["failures"][0]["curl"].startswith("curl -X GET")
    assert "--hypothesis-seed=1234" in failure.render()


def test_json_report_and_terminal_list_what_the_run_left_on_the_target(tmp_path: Path) -> None:
    report = FuzzReport(tmp_path, seed=0, profile="staging", document="doc.yaml")
    assert report.left_summary() == []
    ids = [f"https://badgegate.invalid/seeded/run/credential/{n}" for n in range(5)]
    for record_id in ids:
        report.leave("credential", record_id, 201)
    report.leave("profile", "urn:uuid:0", None)
    report.write()
    written = json.loads((tmp_path / "fuzz" / "fuzz-report.json").read_text(encoding="utf-8"))
    assert written["left_on_target"][0] == {"kind": "credential", "id": ids[0], "answered": 201}
    assert written["left_on_target"][-1] == {
        "kind": "profile",
        "id": "urn:uuid:0",
        "answered": None,
    }
    head, where = report.left_summary()
    assert "6 record(s)" in head and ids[0] in head and "(3 more)" in head
    assert str(report.path) in where
