"""The contracts' error bodies expect the minor code the engine answers with, status by status."""

from __future__ import annotations

import json

import pytest

from badgegate.checks.imsx import check_error_body
from badgegate.contracts import matchers as m
from badgegate.engine.wire.imsx import ApiError, error_response


def _minor(body: dict[str, object]) -> object:
    minor = body["imsx_codeMinor"]
    assert isinstance(minor, dict)
    return minor["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]


@pytest.mark.parametrize("status", [413, 415])
def test_a_too_large_or_unsupported_body_is_expected_as_invalid_data(status: int) -> None:
    assert _minor(m.imsx_status(status)) == "invalid_data"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 406, 413, 415, 500, 503])
def test_the_contracts_expect_what_the_engine_answers_and_the_check_accepts(status: int) -> None:
    response = error_response(ApiError(status, "refused"))
    answered = json.loads(response.body)
    assert _minor(m.imsx_status(status)) == _minor(answered)
    assert check_error_body(status, "application/json", response.body.decode()) == []
