"""The extension API: achievements, progress records, batch, run history and rollback."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from badgegate.samples import sample_achievement, sample_credential, sample_progress

if TYPE_CHECKING:
    from tests.engine.conftest import Caller, ImsxCheck

RUN = {"X-Badgegate-Run": "run-2024.05:a"}
BUILDERS: dict[str, Callable[[str], dict[str, Any]]] = {
    "achievements": sample_achievement,
    "progress": sample_progress,
}


@pytest.mark.parametrize("collection", ["achievements", "progress"])
def test_put_get_304_and_replace(caller: Caller, collection: str) -> None:
    key = str(uuid.uuid4())
    record = BUILDERS[collection](key)
    record["legacyExtra"] = {"ünïcode": "ok", "list": [1, None]}
    created = caller.put(f"/ext/{collection}/{key}", json=record)
    assert created.status_code == 201
    assert created.json() == record
    fetched = caller.get(f"/ext/{collection}/{key}")
    assert fetched.status_code == 200
    assert list(fetched.json()) == list(record)
    assert fetched.json() == record
    unchanged = caller.put(f"/ext/{collection}/{key}", json=record)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    changed = {**record, "description": "changed"}
    assert caller.put(f"/ext/{collection}/{key}", json=changed).status_code == 200
    assert caller.get(f"/ext/{collection}/{key}").json() == changed
    assert caller.put(f"/ext/{collection}/{key.upper()}", json=changed).status_code == 304


@pytest.mark.parametrize("collection", ["achievements", "progress"])
def test_record_id_must_match_the_key(
    caller: Caller, imsx_error: ImsxCheck, collection: str
) -> None:
    key = str(uuid.uuid4())
    record = BUILDERS[collection](str(uuid.uuid4()))
    imsx_error(caller.put(f"/ext/{collection}/{key}", json=record), 400)
    imsx_error(caller.get(f"/ext/{collection}/{key}"), 404)


@pytest.mark.parametrize("key", ["not-a-uuid", "urn:uuid:" + str(uuid.uuid4()), "1234"])
def test_key_must_be_a_bare_uuid(caller: Caller, imsx_error: ImsxCheck, key: str) -> None:
    imsx_error(caller.put(f"/ext/achievements/{key}", json=sample_achievement(key)), 400)
    imsx_error(caller.get(f"/ext/achievements/{key}"), 404)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"type": ["Progress"]}, "/type"),
        ({"progress": "40"}, "/progress"),
        ({"progress": True}, "/progress"),
        ({"achievement": "https://example.org/a"}, "/achievement"),
        ({"credential": 5}, "/credential"),
        ({"requirements": [{"id": "urn:uuid:x", "completed": True}]}, "/requirements/0/id"),
        (
            {"requirements": [{"id": "urn:uuid:" + str(uuid.uuid4())}]},
            '/requirements/0: "completed" is a required property',
        ),
        ({"progress": 57.5}, "/progress"),
        ({"legacy": None}, "/legacy"),
        ({"status": ""}, "/status"),
    ],
)
def test_invalid_progress_record_is_400(
    caller: Caller, imsx_error: ImsxCheck, change: dict[str, Any], pointer: str
) -> None:
    key = str(uuid.uuid4())
    response = caller.put(f"/ext/progress/{key}", json={**sample_progress(key), **change})
    imsx_error(response, 400)
    assert pointer in response.json()["imsx_description"]


def test_invalid_achievement_is_400(caller: Caller, imsx_error: ImsxCheck) -> None:
    key = str(uuid.uuid4())
    record = sample_achievement(key)
    del record["criteria"]
    imsx_error(caller.put(f"/ext/achievements/{key}", json=record), 400)


def test_batch_reports_each_operation(caller: Caller) -> None:
    key, existing = str(uuid.uuid4()), sample_credential(str(uuid.uuid4()))
    assert caller.post("/credentials", json=existing).status_code == 201
    fresh = sample_credential(str(uuid.uuid4()))
    operations: list[Any] = [
        {"kind": "credential", "record": fresh},
        {"kind": "credential", "record": existing},
        {"kind": "credential", "record": {**existing, "validFrom": "2030-01-01T00:00:00Z"}},
        {"kind": "achievement", "key": key, "record": sample_achievement(key)},
        {"kind": "progress", "key": key, "record": sample_progress(key)},
        {"kind": "credential", "record": {"id": "broken"}},
        {"kind": "badge", "record": {}},
        "not an object",
        {"kind": "achievement", "record": sample_achievement(key)},
    ]
    response = caller.post("/ext/batch", json={"operations": operations})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [result["index"] for result in results] == list(range(len(operations)))
    assert [result["status"] for result in results] == [201, 304, 200, 201, 201, 400, 400, 400, 400]
    assert results[0]["id"] == fresh["id"]
    assert results[3] == {"index": 3, "kind": "achievement", "id": f"urn:uuid:{key}", "status": 201}
    assert all("error" in result for result in results[5:])
    assert "error" not in results[0]
    listed = caller.get("/credentials").json()["credential"]
    assert [item["id"] for item in listed] == [existing["id"], fresh["id"]]
    assert listed[0]["validFrom"] == "2030-01-01T00:00:00Z"


def test_batch_with_the_same_record_twice_keeps_the_last(caller: Caller) -> None:
    key = str(uuid.uuid4())
    first, second = sample_achievement(key), {**sample_achievement(key), "name": "second"}
    operations = [
        {"kind": "achievement", "key": key, "record": first},
        {"kind": "achievement", "key": key, "record": second},
        {"kind": "achievement", "key": key, "record": second},
    ]
    results = caller.post("/ext/batch", json={"operations": operations}).json()["results"]
    assert [result["status"] for result in results] == [201, 200, 304]
    assert caller.get(f"/ext/achievements/{key}").json() == second
    assert caller.get("/ext/achievements").headers["X-Total-Count"] == "1"


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 400), ({"operations": []}, 400), ({"operations": {}}, 400), ([], 400)],
)
def test_malformed_batch_is_refused(
    caller: Caller, imsx_error: ImsxCheck, body: Any, status: int
) -> None:
    imsx_error(caller.post("/ext/batch", json=body), status)


def test_batch_above_500_operations_is_413(caller: Caller, imsx_error: ImsxCheck) -> None:
    operations = [{"kind": "credential", "record": sample_credential(str(uuid.uuid4()))}] * 501
    imsx_error(caller.post("/ext/batch", json={"operations": operations}), 413)
    assert caller.get("/credentials").headers["X-Total-Count"] == "0"


def test_batch_of_500_is_accepted(caller: Caller) -> None:
    operations = [
        {"kind": "credential", "record": sample_credential(str(uuid.uuid4()))} for _ in range(500)
    ]
    response = caller.post("/ext/batch", json={"operations": operations})
    assert {result["status"] for result in response.json()["results"]} == {201}
    assert caller.get("/credentials").headers["X-Total-Count"] == "500"


def test_run_history_and_rollback_restore_the_prior_state(
    caller: Caller, imsx_error: ImsxCheck
) -> None:
    kept, replaced_key, created_key = (str(uuid.uuid4()) for _ in range(3))
    before = sample_achievement(replaced_key)
    assert caller.put(f"/ext/achievements/{kept}", json=sample_achievement(kept)).status_code == 201
    assert caller.put(f"/ext/achievements/{replaced_key}", json=before).status_code == 201
    credential = sample_credential(str(uuid.uuid4()))
    operations = [
        {"kind": "achievement", "key": created_key, "record": sample_achievement(created_key)},
        {"kind": "achievement", "key": replaced_key, "record": {**before, "name": "run 1"}},
        {"kind": "credential", "record": credential},
    ]
    assert caller.post("/ext/batch", json={"operations": operations}, headers=RUN).ok
    again = {**before, "name": "run 1, second write"}
    assert (
        caller.put(f"/ext/achievements/{replaced_key}", json=again, headers=RUN).status_code == 200
    )
    assert (
        caller.put(
            f"/ext/achievements/{kept}", json=sample_achievement(kept), headers=RUN
        ).status_code
        == 304
    )
    summary = caller.get("/ext/migration-runs/run-2024.05:a")
    assert summary.status_code == 200
    assert summary.json() == {
        "runId": "run-2024.05:a",
        "created": {"credential": 1, "achievement": 1, "progress": 0},
        "replaced": {"credential": 0, "achievement": 1, "progress": 0},
        "records": [
            {"kind": "achievement", "id": f"urn:uuid:{created_key}", "action": "created"},
            {"kind": "achievement", "id": f"urn:uuid:{replaced_key}", "action": "replaced"},
            {"kind": "credential", "id": credential["id"], "action": "created"},
        ],
    }
    rollback = caller.delete("/ext/migration-runs/run-2024.05:a")
    assert rollback.status_code == 200
    assert rollback.json() == {
        "runId": "run-2024.05:a",
        "deleted": {"credential": 1, "achievement": 1, "progress": 0},
        "restored": {"credential": 0, "achievement": 1, "progress": 0},
    }
    assert caller.get(f"/ext/achievements/{replaced_key}").json() == before
    imsx_error(caller.get(f"/ext/achievements/{created_key}"), 404)
    assert caller.get("/credentials").json() == {"credential": []}
    listed = caller.get("/ext/achievements").json()["achievement"]
    assert [item["id"] for item in listed] == [f"urn:uuid:{kept}", f"urn:uuid:{replaced_key}"]
    imsx_error(caller.delete("/ext/migration-runs/run-2024.05:a"), 404)
    imsx_error(caller.get("/ext/migration-runs/run-2024.05:a"), 404)


def test_rollback_is_tenant_scoped(
    caller: Caller, new_tenant_caller: Callable[[], Caller], imsx_error: ImsxCheck
) -> None:
    key = str(uuid.uuid4())
    headers = {"X-Badgegate-Run": "shared-run"}
    assert caller.put(f"/ext/achievements/{key}", json=sample_achievement(key), headers=headers).ok
    other = new_tenant_caller()
    imsx_error(other.delete("/ext/migration-runs/shared-run"), 404)
    assert caller.get(f"/ext/achievements/{key}").status_code == 200


@pytest.mark.parametrize("run", ["", "has space", "x" * 129, "semi;colon", "ünï"])
def test_malformed_run_header_is_400(caller: Caller, imsx_error: ImsxCheck, run: str) -> None:
    key = str(uuid.uuid4())
    response = caller.put(
        f"/ext/achievements/{key}",
        json=sample_achievement(key),
        headers={"X-Badgegate-Run": run.encode("utf-8")},  # type: ignore[dict-item]
    )
    imsx_error(response, 400)


def test_progress_given_as_a_whole_float_is_kept_as_sent(caller: Caller) -> None:
    key = str(uuid.uuid4())
    text = json.dumps({**sample_progress(key), "progress": 57.0})
    headers = {"Content-Type": "application/json"}
    assert caller.put(f"/ext/progress/{key}", data=text, headers=headers).status_code == 201
    served = caller.get(f"/ext/progress/{key}")
    assert served.json() == json.loads(text)
    assert '"progress":57.0' in served.text


def test_batch_items_are_validated_with_the_ob3_validator(caller: Caller) -> None:
    key = str(uuid.uuid4())
    credential = sample_credential(str(uuid.uuid4()))
    credential["credentialSubject"]["achievement"]["criteria"] = "narrative"
    achievement = {**sample_achievement(key), "image": {"id": 7}}
    operations = [
        {"kind": "credential", "record": credential},
        {"kind": "achievement", "key": key, "record": achievement},
        {"kind": "progress", "key": key, "record": {**sample_progress(key), "progress": 2.5}},
        {"kind": "credential", "record": {**sample_credential(str(uuid.uuid4())), "id": "\ud800"}},
    ]
    results = caller.post("/ext/batch", json={"operations": operations}).json()["results"]
    assert [result["status"] for result in results] == [400, 400, 400, 400]
    descriptions = [result["error"]["imsx_description"] for result in results]
    assert "/credentialSubject/achievement/criteria" in descriptions[0]
    assert "/image/id" in descriptions[1]
    assert "/progress" in descriptions[2]
    assert "surrogate" in descriptions[3]
    assert caller.get("/credentials").json() == {"credential": []}
