"""The JSON the engine stores and answers with, where orjson and the standard library differ.

A record is stored as the standard library's compact text, byte for byte, whatever it holds
(small floats, integers beyond 64 bits, deep nesting, NUL escapes), so a record stored by
any version of the engine compares equal to the same record sent again (304). A batch body
is refused or accepted as a whole exactly as the standard library's parser decides.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from badgegate.samples import sample_credential, sample_progress

if TYPE_CHECKING:
    from tests.engine.conftest import Caller, ImsxCheck

JSON = {"Content-Type": "application/json"}


def nested(depth: int) -> Any:
    """A value nested ``depth`` arrays deep."""
    value: Any = "bottom"
    for _ in range(depth - 1):
        value = [value]
    return value


def standard_text(document: Any) -> str:
    """The stored form of ``document``: the standard library's compact text, no ASCII escapes."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def awkward_progress(key: str) -> dict[str, Any]:
    """A progress record whose unknown properties hold everything the JSON libraries differ on."""
    return {
        **sample_progress(key),
        "legacyExtra": {
            "floats": [1e-05, 1.5e-07, 1e-10, 9.999999999999999e-05, 1e16, 1e22, -0.0, 57.0],
            "integers": [2**63, 2**64, -(2**63) - 1, 10**30],
            "text": "ünï\u2028\x7f\x00 0.00001 1e-7,",
            "deep": nested(300),
        },
    }


def test_stored_text_is_the_standard_librarys_byte_for_byte(caller: Caller) -> None:
    key = str(uuid.uuid4())
    record = awkward_progress(key)
    body = json.dumps(record).encode()
    created = caller.put(f"/ext/progress/{key}", data=body, headers=JSON)
    assert created.status_code == 201, created.text
    assert created.text == standard_text(record)
    assert caller.get(f"/ext/progress/{key}").text == standard_text(record)
    assert caller.put(f"/ext/progress/{key}", data=body, headers=JSON).status_code == 304


def test_batch_stores_the_standard_text_and_sees_it_unchanged(caller: Caller) -> None:
    keys = [str(uuid.uuid4()) for _ in range(2)]
    operations = [{"kind": "progress", "key": key, "record": awkward_progress(key)} for key in keys]
    first = caller.post("/ext/batch", json={"operations": operations})
    assert [result["status"] for result in first.json()["results"]] == [201, 201]
    for key, operation in zip(keys, operations, strict=True):
        assert caller.get(f"/ext/progress/{key}").text == standard_text(operation["record"])
    again = caller.post("/ext/batch", json={"operations": operations})
    assert [result["status"] for result in again.json()["results"]] == [304, 304]


def test_batch_body_nested_too_deeply_anywhere_is_refused_whole(
    caller: Caller, imsx_error: ImsxCheck
) -> None:
    operation = {"kind": "credential", "record": sample_credential(str(uuid.uuid4()))}
    deep = b"[" * 1024 + b"]" * 1024  # within orjson's limit, beyond the standard library's
    body = b'{"operations":[' + json.dumps(operation).encode() + b'],"extra":' + deep + b"}"
    imsx_error(caller.post("/ext/batch", data=body, headers=JSON), 400)
    assert caller.get("/credentials").headers["X-Total-Count"] == "0"


def test_batch_body_moderately_nested_outside_records_is_accepted(caller: Caller) -> None:
    operation = {"kind": "credential", "record": sample_credential(str(uuid.uuid4()))}
    response = caller.post("/ext/batch", json={"operations": [operation], "extra": nested(300)})
    assert [result["status"] for result in response.json()["results"]] == [201]


def test_batch_answer_carries_non_ascii_ids(caller: Caller) -> None:
    credential = {**sample_credential(str(uuid.uuid4())), "id": "urn:ünïcode:ĉredential"}
    credential.pop("issuer")
    response = caller.post(
        "/ext/batch", json={"operations": [{"kind": "credential", "record": credential}]}
    )
    (result,) = response.json()["results"]
    assert result["status"] == 400
    assert result["id"] == "urn:ünïcode:ĉredential"
