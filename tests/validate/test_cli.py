"""``badgegate validate``: files and folders, text and JSON output, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VALID = REPO / "fixtures" / "credentials" / "valid"
INVALID = REPO / "fixtures" / "credentials" / "invalid"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from badgegate.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "validate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )


def test_valid_files_exit_zero_with_a_summary() -> None:
    result = _run(
        str(VALID / "achievement-credential-full.json"), str(VALID / "achievement-credential.jwt")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("2 file(s): 2 valid, 0 invalid")


def test_folder_with_an_invalid_file_exits_one_and_names_rule_and_pointer(tmp_path: Path) -> None:
    shutil.copy(VALID / "achievement-credential-minimal.json", tmp_path)
    shutil.copy(INVALID / "context-order-swapped.json", tmp_path)
    result = _run(str(tmp_path))
    assert result.returncode == 1
    assert "error [context-order] /@context/0" in result.stdout
    assert "1 valid, 1 invalid" in result.stdout


def test_json_output_is_versioned() -> None:
    result = _run("--format", "json", str(INVALID / "jws-issuer-mismatch.jwt"))
    report = json.loads(result.stdout)
    assert report["format"] == "badgegate.validate/1"
    assert report["summary"]["invalid"] == 1
    assert {"rule": "jwt-claims", "pointer": "/iss"}.items() <= report["files"][0]["findings"][
        0
    ].items()


def test_verify_mode_at_a_time_turns_expiry_into_an_error() -> None:
    path = str(VALID / "endorsement-credential.json")
    assert _run("--at", "2031-01-01T00:00:00Z", path).returncode == 0
    assert _run("--mode", "verify", "--at", "2031-01-01T00:00:00Z", path).returncode == 1


def test_usage_errors_exit_two() -> None:
    missing = _run("/nonexistent/credential.json")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad_time = _run("--at", "tomorrow", str(VALID / "profile.json"))
    assert bad_time.returncode == 2 and "RFC 3339" in bad_time.stderr
    assert "Traceback" not in missing.stderr + bad_time.stderr


def test_warnings_are_shown_with_their_level_and_fail_only_with_strict() -> None:
    path = str(VALID / "endorsement-credential.json")
    relaxed = _run("--at", "2031-01-01T00:00:00Z", path)
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert "ok, with warnings" in relaxed.stdout
    assert (
        "warning [expired] /validUntil: expired at 2030-01-01T00:00:00Z — SHOULD," in relaxed.stdout
    )
    strict = _run("--strict", "--format", "json", "--at", "2031-01-01T00:00:00Z", path)
    assert strict.returncode == 1, strict.stdout + strict.stderr
    report = json.loads(strict.stdout)
    assert report["summary"]["strict"] is True and report["summary"]["warnings"] == 1
    (finding,) = report["files"][0]["findings"]
    assert (finding["level"], finding["section"]) == ("SHOULD", "8.1")
    assert finding["requirement"] == "a credential is not accepted after validUntil"


def test_errors_quote_the_value_and_name_the_class_member() -> None:
    result = _run(str(INVALID / "issuer-url-no-scheme.json"))
    assert result.returncode == 1
    assert (
        'error [schema-format] /issuer/url: "www.example.org/badges" is not an absolute URI'
        in result.stdout
    )
    assert "— MUST, a URI-typed value is an absolute URI" in result.stdout
    assert "OB 3.0 §B (Profile.url)" in result.stdout
