"""The engine signs what it issues: eddsa-rdfc-2022 proofs with each tenant's did:key, its public
keys at the URL the Profile names, uploads whose proof does not verify refused."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from badgegate.cli import main
from badgegate.engine.model.proofs import IssuerKey, options_nquads, proof_options, sign
from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.samples import sample_credential
from badgegate.verify import Keys, canonical_nquads, verify_credential
from tests.engine.conftest import Caller

if TYPE_CHECKING:
    from tests.engine.conftest import ImsxCheck


def new_credential(valid_from: str = "2024-03-01T10:00:00Z") -> dict[str, object]:
    return sample_credential(str(uuid.uuid4()), valid_from)


def published_keys(caller: Caller) -> Keys:
    profile = caller.get("/profile").json()
    (entry,) = [
        item
        for item in profile["otherIdentifier"]
        if item["identifierType"] == "ext:verificationKeys"
    ]
    response = caller.session.get(entry["identifier"], timeout=30)
    assert response.status_code == 200, response.text
    return Keys.from_document(response.json())


def test_an_unsigned_upload_is_served_signed_by_a_published_key(caller: Caller) -> None:
    credential = new_credential()
    assert caller.post("/credentials", json=credential).status_code == 201
    (served,) = caller.get("/credentials").json()["credential"]
    (proof,) = served["proof"]
    assert proof["created"] == credential["validFrom"]
    assert proof["verificationMethod"].startswith("did:key:z6Mk")
    keys = published_keys(caller)
    assert proof["verificationMethod"] in keys.by_id
    assert verify_credential(served, Keys()) == []
    assert {name: value for name, value in served.items() if name != "proof"} == credential


def test_equal_unsigned_content_keeps_the_proof_and_answers_304(caller: Caller) -> None:
    credential = new_credential()
    assert caller.post("/credentials", json=credential).status_code == 201
    first = caller.get("/credentials").text
    assert caller.post("/credentials", json=credential).status_code == 304
    batch = {"operations": [{"kind": "credential", "record": credential}]}
    result = caller.post("/ext/batch", json=batch).json()["results"][0]
    assert result["status"] == 304
    assert caller.get("/credentials").text == first


def test_a_signed_upload_is_kept_as_sent(caller: Caller) -> None:
    key = IssuerKey(ed25519.Ed25519PrivateKey.generate())
    credential = new_credential()
    signed = {**credential, "proof": [sign(credential, key, "2024-03-01T10:00:00Z")]}
    assert caller.post("/credentials", json=signed).status_code == 201
    (served,) = caller.get("/credentials").json()["credential"]
    assert served == signed


def test_an_upload_whose_proof_does_not_verify_is_refused(
    caller: Caller, imsx_error: ImsxCheck
) -> None:
    key = IssuerKey(ed25519.Ed25519PrivateKey.generate())
    credential = new_credential()
    signed = {**credential, "proof": [sign(credential, key, "2024-03-01T10:00:00Z")]}
    tampered = {**signed, "name": "Another name"}
    response = caller.post("/credentials", json=tampered)
    imsx_error(response, 400, "invalid_data")
    assert "signature-invalid" in response.text
    batch = {"operations": [{"kind": "credential", "record": tampered}]}
    result = caller.post("/ext/batch", json=batch).json()["results"][0]
    assert result["status"] == 400 and "signature-invalid" in str(result["error"])
    assert caller.get("/credentials").json()["credential"] == []


def test_the_proof_options_form_is_the_canonical_form() -> None:
    key = IssuerKey(ed25519.Ed25519PrivateKey.generate())
    context = new_credential()["@context"]
    for created in (
        "2024-03-01T10:00:00Z",
        "1999-12-31T23:59:59.123456+05:30",
        "0001-01-01T00:00:00Z",
    ):
        options = proof_options(key.method, created)
        expected = canonical_nquads({**options, "@context": context}).nquads
        assert options_nquads(options, context) == expected


def test_signing_is_deterministic() -> None:
    key = IssuerKey(ed25519.Ed25519PrivateKey.generate())
    credential = new_credential()
    assert sign(credential, key, "2024-03-01T10:00:00Z") == sign(
        dict(credential), key, "2024-03-01T10:00:00Z"
    )


def test_vc_jwts_are_served_when_asked_and_verify(caller: Caller) -> None:
    credential = new_credential()
    assert caller.post("/credentials", json=credential).status_code == 201
    plain = caller.get("/credentials")
    assert "Preference-Applied" not in plain.headers
    assert len(plain.json()["credential"]) == 1
    asked = caller.get("/credentials", headers={"Prefer": "credential-format=vc-jwt"})
    assert asked.headers["Preference-Applied"] == "credential-format=vc-jwt"
    body = asked.json()
    assert body["credential"] == []
    (token,) = body["compactJwsString"]
    assert verify_credential(token, published_keys(caller)) == []
    assert verify_credential(token) == []  # the kid is a did:key


def test_signing_runs_in_worker_processes_for_a_large_batch(caller: Caller) -> None:
    credentials = [new_credential() for _ in range(20)]
    operations = [{"kind": "credential", "record": c} for c in credentials]
    results = caller.post("/ext/batch", json={"operations": operations}).json()["results"]
    assert {result["status"] for result in results} == {201}
    served = caller.get("/credentials", params={"limit": 100}).json()["credential"]
    assert len(served) == 20 and all(verify_credential(item) == [] for item in served)


def test_an_issuer_key_file_is_the_key_every_tenant_signs_with(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    private = ed25519.Ed25519PrivateKey.generate()
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key = IssuerKey(private)
    with EngineServer(
        tokens=[TokenSpec("a", tenant="a"), TokenSpec("b", tenant="b")],
        extra_args=["--issuer-key", str(pem)],
    ) as server:
        for token in ("a", "b"):
            caller = Caller(server, token)
            assert caller.post("/credentials", json=new_credential()).status_code == 201
            (served,) = caller.get("/credentials").json()["credential"]
            assert served["proof"][0]["verificationMethod"] == key.method
            assert key.method in published_keys(caller).by_id


def test_an_issuer_key_file_that_is_no_ed25519_key_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pem = tmp_path / "issuer.pem"
    pem.write_text("not a key", encoding="utf-8")
    code = main(["engine", "serve", "--port", "0", "--issuer-key", str(pem)])
    error = capsys.readouterr().err
    assert code == 2
    assert f"--issuer-key {pem}: not an unencrypted PEM private key" in error
    assert len(error.strip().splitlines()) == 1


def test_a_wide_integer_is_signed_as_the_number_it_is(caller: Caller) -> None:
    credential = new_credential()
    credential["credentialSubject"]["achievement"]["creditsAvailable"] = 10**30  # type: ignore[index]
    assert caller.post("/credentials", json=credential).status_code == 201
    text = caller.get("/credentials").text
    assert "1000000000000000000000000000000" in text
    (served,) = json.loads(text)["credential"]
    assert verify_credential(served) == []
