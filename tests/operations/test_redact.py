"""Personal data in reports: masked, or hashed on staging so records still match."""

from __future__ import annotations

import copy
import json

import pytest

from badgegate.config import HarnessConfig
from badgegate.report import (
    fingerprint,
    redact_for_report,
    redact_record,
    redact_text,
    redacted_fields,
    redaction_mode,
    render_evidence,
)
from badgegate.transport import register_secret

EMAIL = "ada@example.org"
PROGRESS = {
    "id": "urn:uuid:7c1d",
    "recipient": {"email": EMAIL, "hashed": False},
    "legacy": {"content": "My notes about the course", "start_date": "next spring"},
    "requirements": [{"id": "urn:uuid:1", "description": "Read chapter 1", "completed": True}],
}


def test_mask_replaces_every_named_member_at_any_depth() -> None:
    redacted = redact_record(PROGRESS, ["email", "content", "description"])
    assert redacted["recipient"] == {"email": "***", "hashed": False}
    assert redacted["legacy"] == {"content": "***", "start_date": "next spring"}
    assert redacted["requirements"][0]["description"] == "***"
    assert redacted["id"] == PROGRESS["id"]
    assert EMAIL not in json.dumps(redacted)


def test_the_original_document_is_left_unchanged() -> None:
    before = copy.deepcopy(PROGRESS)
    redact_record(PROGRESS, ["email"], "hash")
    assert before == PROGRESS


def test_hash_lets_a_reviewer_match_records_without_reading_them() -> None:
    other = {"recipient": {"email": EMAIL}, "legacy": {"content": "something else"}}
    first = redact_record(PROGRESS, ["email", "content"], "hash")
    second = redact_record(other, ["email", "content"], "hash")
    assert first["recipient"]["email"] == second["recipient"]["email"] == fingerprint(EMAIL)
    assert first["legacy"]["content"] != second["legacy"]["content"]
    assert first["recipient"]["email"].startswith("sha256:") and EMAIL not in json.dumps(first)


def test_a_dotted_name_matches_that_path_only() -> None:
    document = {"recipient": {"email": EMAIL}, "issuer": {"email": "registrar@example.org"}}
    redacted = redact_record(document, ["recipient.email"])
    assert redacted == {"recipient": {"email": "***"}, "issuer": {"email": "registrar@example.org"}}


def test_a_whole_object_member_and_none_values() -> None:
    redacted = redact_record(
        {"recipient": {"email": EMAIL}, "content": None}, ["recipient", "content"]
    )
    assert redacted == {"recipient": "***", "content": None}


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mask, hash"):
        redact_record(PROGRESS, ["email"], "erase")  # type: ignore[arg-type]


def test_staging_hashes_and_other_profiles_mask_by_default() -> None:
    staging = HarnessConfig(profile="staging", redact_fields=("email",))
    ci = HarnessConfig(redact_fields=("email",))
    assert redaction_mode(staging) == "hash" and redaction_mode(ci) == "mask"
    assert redact_for_report(PROGRESS, staging)["recipient"]["email"] == fingerprint(EMAIL)
    assert redact_for_report(PROGRESS, ci)["recipient"]["email"] == "***"
    assert redact_for_report(PROGRESS, HarnessConfig()) == PROGRESS


def test_evidence_masks_secrets_and_personal_data() -> None:
    secret = "evidence-secret-5f0e9a"
    register_secret(secret)
    request = {"headers": {"X-Trace": secret}, "body": {"recipient": {"email": EMAIL}}}
    text, kind = render_evidence(request, config=HarnessConfig(redact_fields=("email",)))
    assert kind == "json" and secret not in text and EMAIL not in text
    text, kind = render_evidence(f"curl -H 'X-Trace: {secret}' http://127.0.0.1/")
    assert kind == "text" and secret not in text


def test_text_redaction_reads_json_and_python_reprs() -> None:
    text = (
        """row = {'id': 'b-1', 'content': "Ada's notes", 'progress': 3}\n"""
        """body: {"recipient": {"email": "ada@example.org"}, "content": "cut sho…\n"""
    )
    masked = redact_text(text, ["content", "email"])
    assert masked == (
        """row = {'id': 'b-1', 'content': '***', 'progress': 3}\n"""
        """body: {"recipient": {"email": "***"}, "content": "***"\n"""
    )
    hashed = redact_text(text, ["badges.content"], "hash")
    assert "'content': '" + fingerprint("Ada's notes") + "'" in hashed


def test_redacting_redacted_text_again_changes_nothing() -> None:
    text = """{'content': 'My notes', "email": "ada@example.org"}"""
    for mode in ("mask", "hash"):
        once = redact_text(text, ["content", "email"], mode)  # type: ignore[arg-type]
        assert redact_text(once, ["content", "email"], mode) == once  # type: ignore[arg-type]


def test_naming_a_legacy_column_also_redacts_the_property_it_is_served_as() -> None:
    config = HarnessConfig(redact_fields=("content", "badge_requirements.description"))
    achievement = {
        "id": "urn:uuid:a1",
        "name": "Data literacy",
        "criteria": {"narrative": "My notes about the course"},
        "resultDescription": [{"id": "urn:uuid:r1", "name": "Read chapter 1"}],
    }
    redacted = redact_for_report({"achievement": achievement}, config)["achievement"]
    assert redacted["criteria"]["narrative"] == "***"
    assert redacted["resultDescription"][0]["name"] == "***"
    assert redacted["name"] == "Data literacy"
    text = redact_text(json.dumps(achievement), redacted_fields(config))
    assert "My notes" not in text and "Read chapter 1" not in text


def test_a_column_of_another_table_or_an_unmapped_name_adds_nothing() -> None:
    assert redacted_fields(HarnessConfig(redact_fields=("badges.completed", "email"))) == (
        "badges.completed",
        "email",
    )


def test_unpaired_surrogates_are_hashed_not_a_crash() -> None:
    text = redact_text('{"email": "\\ud800x"}', ["email"], "hash")
    assert text.startswith('{"email": "sha256:')
    assert fingerprint("\ud800") != fingerprint("\ud801")


def test_failure_text_redaction_never_raises_and_never_shows_the_raw_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from badgegate.report import failures

    redacted = failures.message_redaction(HarnessConfig(redact_fields=("email",)))
    assert redacted('{"email": "ada@example.org"}') == '{"email": "***"}'

    def broken(*_: object) -> str:
        raise RuntimeError("odd text")

    monkeypatch.setattr(failures, "redact_text", broken)
    shown = redacted('{"email": "ada@example.org"}')
    assert "ada@example.org" not in shown and "withheld" in shown and "RuntimeError" in shown


def test_json_text_inside_a_json_string_is_redacted_too() -> None:
    body = json.dumps({"email": EMAIL, "id": "b-1"})
    report = json.dumps({"body": body})
    masked = redact_text(report, ["email"])
    assert EMAIL not in masked and json.loads(json.loads(masked)["body"])["email"] == "***"
    hashed = redact_text(report, ["email"], "hash")
    assert json.loads(json.loads(hashed)["body"]) == {"email": fingerprint(EMAIL), "id": "b-1"}
    assert redact_text(hashed, ["email"], "hash") == hashed
