"""Every fault of the catalogue really shows its defect, and a healthy engine does not.

Each fault has a demonstration here; adding a fault to ``badgegate.engine.faults.catalogue`` without
one fails ``test_every_fault_has_a_demonstration``.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from badgegate.engine.faults import catalogue as faults
from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.ob3 import OB_CONTEXT_CURRENT as OB_CONTEXT
from badgegate.samples import sample_credential
from badgegate.scopes import READONLY_SCOPES
from badgegate.verify import Keys, verify_credential
from badgegate.verify.served import published_keys_url

TOKENS = [
    TokenSpec("writer"),
    TokenSpec("reader", READONLY_SCOPES),
    TokenSpec("other-tenant", tenant="other"),
]


@dataclass
class Engine:
    """A fault server and a way to call it with one of :data:`TOKENS`."""

    server: EngineServer

    def call(self, method: str, path: str, token: str | None = "writer", **kw: Any) -> Any:
        """Call ``path`` of the API with ``token`` on a fresh connection."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with requests.Session() as session:
            return session.request(
                method, self.server.api_url + path, headers=headers, timeout=30, **kw
            )

    def store(self, count: int, **changes: Any) -> list[dict[str, Any]]:
        """Store ``count`` credentials, a minute apart, one by one; return them."""
        credentials = []
        for minute in range(count):
            credential = sample_credential(str(uuid.uuid4()), f"2024-06-01T08:{minute:02d}:00Z")
            credential.update(changes)
            assert self.call("POST", "/credentials", json=credential).status_code in (200, 201)
            credentials.append(credential)
        return credentials

    def listed(self, **params: Any) -> Any:
        """GET /credentials with ``params``."""
        return self.call("GET", "/credentials", params=params)

    def everything(self) -> list[dict[str, Any]]:
        """Every credential served in one page of 1000."""
        return list(self.listed(limit=1000).json()["credential"])

    def served(self, credential: dict[str, Any]) -> dict[str, Any]:
        """The served version of ``credential``, without the proof the engine signs it with."""
        return data(self.served_signed(credential))

    def served_signed(self, credential: dict[str, Any]) -> dict[str, Any]:
        """The served version of ``credential``, proof and all."""
        (found,) = [item for item in self.everything() if item["id"] == credential["id"]]
        return found

    def published_keys(self) -> Keys:
        """The keys the tenant publishes at the URL its Profile names."""
        profile = self.call("GET", "/profile").json()
        url = published_keys_url(profile)
        assert url is not None
        return Keys.from_document(requests.get(url, timeout=30).json())

    def position(self, credential: dict[str, Any]) -> int:
        """Where ``credential`` sits in the full list."""
        return [item["id"] for item in self.everything()].index(credential["id"])


def drop_required_field(engine: Engine) -> None:
    (credential,) = engine.store(1)
    assert "credentialSubject" not in engine.served(credential)


def wrong_status(engine: Engine) -> None:
    credential = sample_credential(str(uuid.uuid4()))
    assert engine.call("POST", "/credentials", json=credential).status_code == 200


def edge_500(engine: Engine) -> None:
    assert engine.listed(limit=1000).status_code == 500
    assert engine.listed(since="2999-01-01T00:00:00Z").status_code == 500


def second_page(engine: Engine, credentials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page of two after the page of two that starts with ``credentials[0]``."""
    offset = engine.position(credentials[0]) + 2
    return [data(item) for item in engine.listed(limit=2, offset=offset).json()["credential"]]


def data(credential: dict[str, Any]) -> dict[str, Any]:
    """A served credential without the proof the engine signs it with."""
    return {name: value for name, value in credential.items() if name != "proof"}


def page_skip(engine: Engine) -> None:
    credentials = engine.store(4)
    assert second_page(engine, credentials)[0] == credentials[3]


def page_duplicate(engine: Engine) -> None:
    credentials = engine.store(4)
    assert second_page(engine, credentials)[0] == credentials[1]


def inclusive_since(engine: Engine) -> None:
    credentials = engine.store(2)
    served = engine.listed(since=credentials[0]["validFrom"]).json()["credential"]
    assert credentials[0] in [data(item) for item in served]


def loose_since(engine: Engine) -> None:
    engine.store(2)
    for since in ("1", "2024", "0.5", ""):
        answer = engine.listed(since=since)
        assert answer.status_code == 200 and len(answer.json()["credential"]) >= 2


def unsupported_method_404(engine: Engine) -> None:
    for method in ("TRACE", "PATCH", "BADGEGATE-PROBE"):
        answer = engine.call(method, "/credentials")
        assert answer.status_code == 404 and answer.headers["Content-Type"].startswith("text/plain")


def unenforced_scope(engine: Engine) -> None:
    credential = sample_credential(str(uuid.uuid4()))
    assert engine.call("POST", "/credentials", "reader", json=credential).status_code == 201


def ignored_auth(engine: Engine) -> None:
    for token in (None, "no-such-token"):
        answer = engine.call("GET", "/profile", token)
        assert answer.status_code == 200 and answer.json()["id"]
    assert engine.call("GET", "/credentials", None).status_code == 401


def tenant_leak(engine: Engine) -> None:
    engine.store(1)
    assert engine.call("GET", "/credentials", "other-tenant").json()["credential"]


def non_imsx_error(engine: Engine) -> None:
    answer = engine.call("GET", "/credentials", None)
    assert answer.status_code == 401
    assert "imsx_codeMajor" not in answer.json()


def silent_limit_cap(engine: Engine) -> None:
    operations = [
        {"kind": "credential", "record": sample_credential(str(uuid.uuid4()))} for _ in range(60)
    ]
    assert engine.call("POST", "/ext/batch", json={"operations": operations}).ok
    page = engine.listed(limit=100)
    assert len(page.json()["credential"]) == 50
    assert int(page.headers["X-Total-Count"]) >= 60
    assert "limit=100" in page.headers["Link"]


def lost_unknown_property(engine: Engine) -> None:
    (credential,) = engine.store(1, extensionNote="kept?")
    assert "extensionNote" not in engine.served(credential)


def timezone_shift(engine: Engine) -> None:
    (credential,) = engine.store(1)
    assert engine.served(credential)["validFrom"] == "2024-06-01T08:00:00+02:00"


def nfd(engine: Engine) -> None:
    (credential,) = engine.store(1, name="Café")
    assert engine.served(credential)["name"] == unicodedata.normalize("NFD", "Café")


def lost_write(engine: Engine) -> None:
    credential = sample_credential(str(uuid.uuid4()))
    assert engine.call("POST", "/credentials", json=credential).status_code == 201
    assert engine.listed().json()["credential"] == []


def wrong_total(engine: Engine) -> None:
    engine.store(2)
    page = engine.listed(limit=1000)
    assert int(page.headers["X-Total-Count"]) == len(page.json()["credential"]) + 1


def broken_link_header(engine: Engine) -> None:
    engine.store(3)
    page = engine.listed(limit=1)
    assert int(page.headers["X-Total-Count"]) >= 3
    assert 'rel="next"' not in page.headers["Link"]


def context_change(engine: Engine) -> None:
    (credential,) = engine.store(1)
    assert engine.served(credential)["@context"][0] == OB_CONTEXT


def flaky(engine: Engine) -> None:
    outcomes: list[object] = []
    for _ in range(8):
        try:
            answer = engine.call("GET", "/discovery", None)
            outcomes.append((answer.status_code, answer.headers.get("Retry-After")))
        except requests.ConnectionError:
            outcomes.append("reset")
    assert outcomes[3] == "reset"
    assert outcomes[7] == (503, "0")
    assert outcomes.count((200, None)) == 6


def accept_invalid(engine: Engine) -> None:
    credential = sample_credential(str(uuid.uuid4()), "yesterday")
    del credential["credentialSubject"]
    assert engine.call("POST", "/credentials", json=credential).status_code == 201
    assert engine.served(credential) == credential


def naive_timestamps(engine: Engine) -> None:
    (credential,) = engine.store(1, validUntil="2030-01-01T00:00:00+01:00")
    served = engine.served(credential)
    assert served["validFrom"] == "2024-06-01T08:00:00"
    assert served["validUntil"] == "2030-01-01T00:00:00"


def relative_uri(engine: Engine) -> None:
    (credential,) = engine.store(1)
    served = engine.served(credential)["credentialSubject"]["achievement"]["id"]
    assert " " in served and ":" not in served, served


def json_content_type_lost(engine: Engine) -> None:
    engine.store(1)
    answer = engine.listed()
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.json()["credential"]


def no_www_authenticate(engine: Engine) -> None:
    answer = engine.call("GET", "/credentials", None)
    assert answer.status_code == 401
    assert "WWW-Authenticate" not in answer.headers


def wrong_allow_header(engine: Engine) -> None:
    answer = engine.call("DELETE", "/credentials")
    assert answer.status_code == 405
    assert {method.strip() for method in answer.headers["Allow"].split(",")} > {"GET", "POST"}


def reupsert_duplicates(engine: Engine) -> None:
    credential = sample_credential(str(uuid.uuid4()))
    assert engine.call("POST", "/credentials", json=credential).status_code == 201
    assert engine.call("POST", "/credentials", json=credential).status_code == 201
    assert [item["id"] for item in engine.everything()].count(credential["id"]) == 2


def empty_discovery(engine: Engine) -> None:
    document = engine.call("GET", "/discovery", None).json()
    assert document["info"]["termsOfService"] == "" and document["paths"] == {}
    flow = document["components"]["securitySchemes"]["OAuth2ACG"]["flows"]["authorizationCode"]
    assert flow["scopes"] == {} and "refreshUrl" not in flow and "servers" not in document


def root_base_path(engine: Engine) -> None:
    root = engine.server.root_url
    assert engine.server.api_url == root
    with requests.Session() as session:
        assert session.get(root + "/discovery", timeout=30).status_code == 200
        assert session.get(root + "/ims/ob/v3p0/discovery", timeout=30).status_code == 404
        served = session.get(root + "/discovery", timeout=30).json()["servers"]
    assert [server["url"] for server in served] == [root]


def null_members(engine: Engine) -> None:
    (credential,) = engine.store(1)
    served = engine.served(credential)
    assert "evidence" in served and served["evidence"] is None
    assert served["credentialSubject"]["result"] is None


def context_renamed(engine: Engine) -> None:
    engine.store(1)
    (served,) = engine.listed(limit=1).json()["credential"]
    assert "@context" not in served
    assert served["context"][0] == "https://www.w3.org/ns/credentials/v2"


def profile_takeover(engine: Engine) -> None:
    profile = engine.call("GET", "/profile").json()
    other = {**profile, "id": f"urn:uuid:{uuid.uuid4()}"}
    assert engine.call("PUT", "/profile", json=other).status_code == 200
    assert engine.call("GET", "/profile").json()["id"] == other["id"]
    # Leave the tenant's own Profile behind for the other demonstrations.
    assert engine.call("PUT", "/profile", json=profile).status_code == 200


def refuse_uploads(engine: Engine) -> None:
    credential = sample_credential(str(uuid.uuid4()))
    assert engine.call("POST", "/credentials", json=credential).status_code == 400


def forged_signature(engine: Engine) -> None:
    (credential,) = engine.store(1)
    served = engine.served_signed(credential)
    assert "proof" in served
    assert "signature-invalid" in [f.rule for f in verify_credential(served)]


def unsigned(engine: Engine) -> None:
    (credential,) = engine.store(1)
    assert "proof" not in engine.served_signed(credential)


def other_key(engine: Engine) -> None:
    (credential,) = engine.store(1)
    served = engine.served_signed(credential)
    assert verify_credential(served) == []
    (proof,) = served["proof"]
    assert proof["verificationMethod"] not in engine.published_keys().by_id


def accepts_bad_signature(engine: Engine) -> None:
    (credential,) = engine.store(1)
    signed = engine.served_signed(credential)
    tampered = {**signed, "id": f"urn:uuid:{uuid.uuid4()}", "name": "not what was signed"}
    assert engine.call("POST", "/credentials", json=tampered).status_code == 201
    assert engine.served_signed(tampered) == tampered


DEMONSTRATIONS: dict[str, Callable[[Engine], None]] = {
    faults.FORGED_SIGNATURE: forged_signature,
    faults.UNSIGNED: unsigned,
    faults.OTHER_KEY: other_key,
    faults.ACCEPTS_BAD_SIGNATURE: accepts_bad_signature,
    faults.DROP_REQUIRED_FIELD: drop_required_field,
    faults.WRONG_STATUS: wrong_status,
    faults.EDGE_500: edge_500,
    faults.PAGE_SKIP: page_skip,
    faults.PAGE_DUPLICATE: page_duplicate,
    faults.INCLUSIVE_SINCE: inclusive_since,
    faults.LOOSE_SINCE: loose_since,
    faults.UNSUPPORTED_METHOD_404: unsupported_method_404,
    faults.UNENFORCED_SCOPE: unenforced_scope,
    faults.IGNORED_AUTH: ignored_auth,
    faults.TENANT_LEAK: tenant_leak,
    faults.NON_IMSX_ERROR: non_imsx_error,
    faults.SILENT_LIMIT_CAP: silent_limit_cap,
    faults.LOST_UNKNOWN_PROPERTY: lost_unknown_property,
    faults.TIMEZONE_SHIFT: timezone_shift,
    faults.NFD: nfd,
    faults.LOST_WRITE: lost_write,
    faults.WRONG_TOTAL: wrong_total,
    faults.BROKEN_LINK_HEADER: broken_link_header,
    faults.CONTEXT_CHANGE: context_change,
    faults.FLAKY: flaky,
    faults.ACCEPT_INVALID: accept_invalid,
    faults.NAIVE_TIMESTAMPS: naive_timestamps,
    faults.JSON_CONTENT_TYPE_LOST: json_content_type_lost,
    faults.NO_WWW_AUTHENTICATE: no_www_authenticate,
    faults.WRONG_ALLOW_HEADER: wrong_allow_header,
    faults.REUPSERT_DUPLICATES: reupsert_duplicates,
    faults.EMPTY_DISCOVERY: empty_discovery,
    faults.ROOT_BASE_PATH: root_base_path,
    faults.RELATIVE_URI: relative_uri,
    faults.NULL_MEMBERS: null_members,
    faults.CONTEXT_RENAMED: context_renamed,
    faults.PROFILE_TAKEOVER: profile_takeover,
    faults.REFUSE_UPLOADS: refuse_uploads,
}
SUITES = {"smoke", "schema", "contracts", "fuzz", "integrity", "client"}


@pytest.fixture(scope="module")
def fault_engines() -> Iterator[dict[str, EngineServer]]:
    """One engine per fault (and ``"healthy"`` without one), started side by side."""
    servers = {name: EngineServer(tokens=TOKENS, faults=[name]) for name in faults.FAULT_NAMES}
    servers["healthy"] = EngineServer(tokens=TOKENS)
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(EngineServer.start, servers.values()))
        yield servers
    finally:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda server: server.__exit__(None, None, None), servers.values()))


def test_every_fault_has_a_demonstration() -> None:
    assert set(DEMONSTRATIONS) == set(faults.FAULT_NAMES)
    assert len(faults.CATALOGUE) >= 22
    assert {fault.caught_by for fault in faults.CATALOGUE} <= SUITES


@pytest.mark.parametrize("name", faults.FAULT_NAMES)
def test_fault_shows_its_defect(fault_engines: dict[str, EngineServer], name: str) -> None:
    DEMONSTRATIONS[name](Engine(fault_engines[name]))


@pytest.mark.parametrize("name", faults.FAULT_NAMES)
def test_healthy_engine_does_not_show_the_defect(
    fault_engines: dict[str, EngineServer], name: str
) -> None:
    with pytest.raises(AssertionError):
        DEMONSTRATIONS[name](Engine(fault_engines["healthy"]))


def test_unknown_fault_is_refused_with_the_catalogue() -> None:
    with pytest.raises(ValueError, match="known faults: drop-required-field"):
        faults.active_faults(["no-such-fault"])
