"""The OB 3.0 credential operations: upsert statuses, equality, read-back, media types."""

from __future__ import annotations

import base64
import json
import uuid
from typing import TYPE_CHECKING

import pytest

from badgegate.samples import sample_compact_jws, sample_credential, sample_key

if TYPE_CHECKING:
    from tests.engine.conftest import Caller, ImsxCheck


def new_credential(valid_from: str = "2024-03-01T10:00:00Z") -> dict[str, object]:
    """A valid credential with a fresh id."""
    return sample_credential(str(uuid.uuid4()), valid_from)


def listed(caller: Caller, **params: object) -> list[object]:
    """Every JSON credential of the caller's tenant (one page of 1000), without the proofs the
    engine signs them with."""
    response = caller.get("/credentials", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return [unsigned(item) for item in response.json()["credential"]]


def unsigned(credential: dict[str, object]) -> dict[str, object]:
    """A served credential without its proof."""
    return {name: value for name, value in credential.items() if name != "proof"}


def compact_jws(payload: dict[str, object]) -> str:
    """An (unsigned-looking) compact JWS with ``payload``."""

    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'ES256', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


def test_create_then_identical_upsert_is_304_without_body(caller: Caller) -> None:
    credential = new_credential()
    created = caller.post("/credentials", json=credential)
    assert created.status_code == 201
    assert unsigned(created.json()) == credential
    again = caller.post("/credentials", json=credential)
    assert again.status_code == 304
    assert again.content == b""
    assert listed(caller) == [credential]


def test_newer_valid_from_replaces_and_older_or_equal_is_304(caller: Caller) -> None:
    credential = new_credential("2024-03-01T10:00:00Z")
    assert caller.post("/credentials", json=credential).status_code == 201
    newer = {**credential, "validFrom": "2024-03-01T10:00:01+00:00", "name": "renamed"}
    replaced = caller.post("/credentials", json=newer)
    assert replaced.status_code == 200
    assert unsigned(replaced.json()) == newer
    older = {**credential, "validFrom": "2024-03-01T09:00:00Z", "name": "older"}
    assert caller.post("/credentials", json=older).status_code == 304
    same_instant = {**newer, "validFrom": "2024-03-01T12:00:01+02:00", "name": "same instant"}
    assert caller.post("/credentials", json=same_instant).status_code == 304
    assert listed(caller) == [newer]


def test_equality_uses_percent_decoded_issuer_and_id(caller: Caller) -> None:
    # A URI with a space (or blanks around it) is no URI: the engine refuses it before any
    # comparison, so percent-decoding is what makes two served ids equal.
    credential = new_credential()
    credential["id"] = "https://example.org/credentials/ab"
    assert caller.post("/credentials", json=credential).status_code == 201
    spaced = {**credential, "id": "https://example.org/credentials/a b"}
    assert caller.post("/credentials", json=spaced).status_code == 400
    variant = {
        **credential,
        "id": "https://example.org/credentials/a%62",
        "issuer": {"id": "https://issuer.example/profiles/badgegate", "type": ["Profile"]},
        "validFrom": "2025-01-01T00:00:00Z",
    }
    assert caller.post("/credentials", json=variant).status_code == 200
    assert listed(caller) == [variant]


def test_read_back_is_byte_for_byte_with_unknown_properties(caller: Caller) -> None:
    credential = new_credential()
    credential["zExtension"] = {"nested": [1, 2.5, None, True, "é", "𝄞", "e\u0301"], "big": 10**30}
    credential["aLast"] = "keeps order"
    raw = json.dumps(credential, ensure_ascii=False).encode("utf-8")
    response = caller.post(
        "/credentials", data=raw, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 201
    served = caller.get("/credentials").json()["credential"][0]
    assert served == credential
    assert list(served) == list(credential)
    assert json.dumps(served, ensure_ascii=False) == json.dumps(credential, ensure_ascii=False)


def test_vc_ld_json_media_type_is_accepted(caller: Caller) -> None:
    credential = new_credential()
    response = caller.post(
        "/credentials",
        data=json.dumps(credential),
        headers={"Content-Type": "application/vc+ld+json"},
    )
    assert response.status_code == 201
    assert listed(caller) == [credential]


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"@context": ["https://www.w3.org/ns/credentials/v2"]}, "/@context"),
        ({"type": ["VerifiableCredential"]}, "/type"),
        ({"id": ""}, "/id"),
        ({"issuer": {"name": "no id"}}, "/issuer"),
        ({"validFrom": "2024-03-01T10:00:00"}, "/validFrom"),
        ({"validFrom": "2024-02-30T10:00:00Z"}, "/validFrom"),
        ({"credentialSubject": "learner"}, "/credentialSubject"),
    ],
)
def test_structurally_invalid_credential_is_400_naming_the_member(
    caller: Caller, imsx_error: ImsxCheck, change: dict[str, object], pointer: str
) -> None:
    response = caller.post("/credentials", json={**new_credential(), **change})
    imsx_error(response, 400)
    assert pointer in response.json()["imsx_description"]
    assert listed(caller) == []


def test_invalid_credential_400_lists_rule_pointer_and_message(
    caller: Caller, imsx_error: ImsxCheck
) -> None:
    credential = new_credential()
    del credential["credentialSubject"]
    credential["issuer"] = {"id": "https://issuer.example/1", "type": ["Profile"], "name": 3}
    response = caller.post("/credentials", json=credential)
    imsx_error(response, 400)
    description = response.json()["imsx_description"]
    assert description.startswith("invalid AchievementCredential (2 error(s)): ")
    assert '[schema-required] /: "credentialSubject" is a required property' in description
    assert "/issuer/name" in description


def test_warnings_do_not_reject_a_credential(caller: Caller) -> None:
    credential = new_credential()
    assert "proof" not in credential
    assert caller.post("/credentials", json=credential).status_code == 201


def test_invalid_profile_is_400_with_findings(caller: Caller, imsx_error: ImsxCheck) -> None:
    profile = caller.get("/profile").json()
    response = caller.put("/profile", json={**profile, "name": 5})
    imsx_error(response, 400)
    assert "[schema-type] /name" in response.json()["imsx_description"]


def test_compact_jws_is_stored_and_listed_under_compact_jws_string(caller: Caller) -> None:
    jws = sample_compact_jws(sample_key("credential", "jws"), "2023-11-14T22:13:20Z")
    created = caller.post("/credentials", data=jws, headers={"Content-Type": "text/plain"})
    assert created.status_code == 201
    assert created.headers["content-type"].startswith("text/plain")
    assert created.text == jws
    again = caller.post("/credentials", data=jws, headers={"Content-Type": "text/plain"})
    assert again.status_code == 304
    page = caller.get("/credentials")
    assert page.json() == {"credential": [], "compactJwsString": [jws]}
    assert page.headers["X-Total-Count"] == "1"
    after = caller.get("/credentials", params={"since": "2023-11-14T22:13:19Z"}).json()
    before = caller.get("/credentials", params={"since": "2023-11-14T22:13:20Z"}).json()
    assert after["compactJwsString"] == [jws]
    assert "compactJwsString" not in before


@pytest.mark.parametrize(
    "text",
    [
        "not a jws",
        "a.b",
        "a.b.c.d",
        "e30.e30.",
        "!!!.e30.sig",
        compact_jws({"iss": "x"}),
        compact_jws({"iss": "https://issuer.example/", "jti": "urn:uuid:1", "nbf": 1700000000}),
    ],
    ids=[
        "text",
        "two-parts",
        "four-parts",
        "no-signature",
        "not-base64",
        "no-jti",
        "no-credential",
    ],
)
def test_malformed_compact_jws_is_400(caller: Caller, imsx_error: ImsxCheck, text: str) -> None:
    response = caller.post("/credentials", data=text, headers={"Content-Type": "text/plain"})
    imsx_error(response, 400)


def test_profile_starts_as_the_tenant_issuer_and_put_keeps_its_id(
    caller: Caller, imsx_error: ImsxCheck, tenant: str
) -> None:
    profile = caller.get("/profile").json()
    assert profile["type"] == ["Profile"]
    assert profile["name"] == tenant
    assert (
        profile["id"]
        == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:badgegate:tenant:' + tenant)}"
    )
    updated = {**profile, "name": "Renamed issuer", "email": "issuer@example.org", "x": [1]}
    put = caller.put("/profile", json=updated)
    assert put.status_code == 200
    assert put.json() == updated
    assert caller.get("/profile").json() == updated
    imsx_error(caller.put("/profile", json={**updated, "id": "urn:uuid:" + str(uuid.uuid4())}), 400)
    imsx_error(caller.put("/profile", json={**updated, "type": ["Person"]}), 400)
    imsx_error(caller.put("/profile", json=[updated]), 400)
    assert caller.get("/profile").json() == updated


def test_discovery_is_public_and_describes_this_server(anonymous: Caller) -> None:
    response = anonymous.get("/discovery")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.0")
    assert document["info"]["x-imssf-privacyPolicyUrl"].startswith("http")
    assert document["info"]["x-imssf-image"]
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"] == anonymous.api + "/oauth/register"
    flow = scheme["flows"]["authorizationCode"]
    assert flow["tokenUrl"] == anonymous.api + "/oauth/token"
    assert {"authorizationUrl", "refreshUrl"} <= set(flow)
    assert len(flow["scopes"]) == 4
    assert document["servers"][0]["url"] == anonymous.api
    assert set(document["paths"]) == {"/credentials", "/profile", "/discovery"}
