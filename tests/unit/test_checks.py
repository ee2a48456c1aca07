"""The shared response checks: Imsx error bodies and paging headers."""

from __future__ import annotations

import json

from badgegate.checks.imsx import check_error_body
from badgegate.checks.paging import check_paging, expected_links


def _imsx(minor: str) -> str:
    return json.dumps(
        {
            "imsx_codeMajor": "failure",
            "imsx_severity": "error",
            "imsx_codeMinor": {
                "imsx_codeMinorField": [
                    {
                        "imsx_codeMinorFieldName": "TargetEndSystem",
                        "imsx_codeMinorFieldValue": minor,
                    }
                ]
            },
        }
    )


def test_imsx_body_with_matching_minor_code_passes() -> None:
    assert check_error_body(404, "application/json", _imsx("not_found")) == []
    assert check_error_body(304, "", "") == []


def test_imsx_wrong_minor_plain_text_and_bad_major_are_findings() -> None:
    assert [f.rule for f in check_error_body(404, "application/json", _imsx("forbidden"))] == [
        "imsx-minor-code"
    ]
    assert check_error_body(500, "text/plain", "Internal Server Error")[0].rule == "imsx-error-body"
    body = json.loads(_imsx("not_found")) | {"imsx_codeMajor": "success"}
    findings = check_error_body(404, "application/json", json.dumps(body))
    assert [f.pointer for f in findings] == ["/imsx_codeMajor"]


def _links(limit: int, offsets: dict[str, int]) -> dict[str, str]:
    return {rel: f"http://h/c?limit={limit}&offset={off}" for rel, off in offsets.items()}


def test_expected_links_for_first_middle_and_last_pages() -> None:
    assert expected_links(2, 0, 5) == {"first": 0, "last": 4, "next": 2}
    assert expected_links(2, 2, 5) == {"first": 0, "last": 4, "next": 4, "prev": 0}
    assert expected_links(2, 4, 5) == {"first": 0, "last": 4, "prev": 2}
    assert expected_links(2, 0, 0) == {"first": 0, "last": 0}


def test_consistent_page_passes_and_each_defect_is_named() -> None:
    good = _links(2, expected_links(2, 2, 5))
    assert check_paging(limit=2, offset=2, total=5, links=good, item_count=2) == []
    missing_next = {k: v for k, v in good.items() if k != "next"}
    assert (
        check_paging(limit=2, offset=2, total=5, links=missing_next, item_count=2)[0].message
        == "Link rel=next is missing"
    )
    wrong = good | {"next": "http://h/c?limit=2&offset=5"}
    assert (
        check_paging(limit=2, offset=2, total=5, links=wrong, item_count=2)[0].rule == "paging-link"
    )
    assert (
        check_paging(limit=2, offset=2, total=5, links=good, item_count=1)[0].rule == "paging-items"
    )
    assert (
        check_paging(limit=2, offset=2, total=None, links=good, item_count=2)[0].rule
        == "paging-total"
    )
    extra = _links(2, expected_links(2, 4, 5)) | {"next": "http://h/c?limit=2&offset=6"}
    assert (
        "must not be present"
        in check_paging(limit=2, offset=4, total=5, links=extra, item_count=1)[0].message
    )


def test_imsx_body_without_minor_code_is_a_warning_a_wrong_one_an_error() -> None:
    body = {"imsx_codeMajor": "failure", "imsx_severity": "error"}
    (missing,) = check_error_body(401, "application/json", json.dumps(body))
    assert (missing.rule, missing.severity, missing.level) == (
        "imsx-minor-code",
        "warning",
        "OPTIONAL",
    )
    assert "the error body has no `imsx_codeMinor`" in missing.message
    assert "unauthorizedrequest" in missing.message
    (wrong,) = check_error_body(401, "application/json", _imsx("forbidden"))
    assert (wrong.severity, wrong.level, wrong.actual) == ("error", "MUST", ["forbidden"])
    assert wrong.section == "B (Imsx_StatusInfo)" and wrong.requirement
    empty = json.loads(_imsx("x")) | {"imsx_codeMinor": {"imsx_codeMinorField": []}}
    assert [f.severity for f in check_error_body(401, "application/json", json.dumps(empty))] == [
        "error"
    ]
