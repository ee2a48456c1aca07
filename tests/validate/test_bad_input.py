"""Bad input gives a finding or a clear error: never a crash, a traceback or a hang."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from badgegate.validate import validate_credential, validate_document
from badgegate.validate.documents import MAX_FILE_BYTES, validate_file

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "fixtures" / "credentials" / "valid" / "achievement-credential-minimal.json"


def _rules(path: Path) -> list[str]:
    result = validate_file(path)
    assert not result.valid
    return [f.rule for f in result.findings]


def test_non_json_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{'single': quotes}")
    assert _rules(path) == ["document-not-json"]


def test_json_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text('["a", 1]')
    assert _rules(path) == ["document-not-object"]
    assert [f.rule for f in validate_credential("text")] == ["document-not-object"]


def test_fifty_megabyte_file_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert MAX_FILE_BYTES < 50 * 1024 * 1024
    assert _rules(path) == ["document-too-large"]


def test_document_nested_ten_thousand_levels_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' * 10_000 + "1" + "}" * 10_000)
    assert _rules(path) == ["document-too-deep"]


def test_document_nested_ten_thousand_levels_in_memory() -> None:
    credential = json.loads(MINIMAL.read_text())
    node = credential["credentialSubject"]["achievement"]
    for _ in range(10_000):
        node["creator"] = {"id": "https://example.org", "type": ["Profile"]}
        node = node["creator"]
    assert [f.rule for f in validate_credential(credential)] == ["document-too-deep"]


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "Bjørn"}'.encode("latin-1"))
    assert _rules(path) == ["document-encoding"]


def test_truncated_jws(tmp_path: Path) -> None:
    header = base64.urlsafe_b64encode(b'{"alg":"RS256","kid":"k"}').rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(MINIMAL.read_bytes()).rstrip(b"=").decode()
    for name, token in (
        ("two-parts.jwt", f"{header}.{payload}"),
        ("cut.jws", f"{header}.{payload[:40]}.sig"),
    ):
        path = tmp_path / name
        path.write_text(token)
        assert _rules(path) == ["jws-malformed"]


def test_unknown_kind_and_empty_object() -> None:
    assert [f.rule for f in validate_document({})] == ["document-kind"]
    assert [f.rule for f in validate_document({"type": 7})] == ["document-kind"]
    assert [f.rule for f in validate_document({"type": {"not": "a term"}})] == ["document-kind"]
    assert [f.rule for f in validate_document({"type": [{}, []]})] == ["document-kind"]
