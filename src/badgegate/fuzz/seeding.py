"""Data the harness stores before fuzzing a writable target, and the checks that need it.

The seeded credentials are a minute apart (distinct ``since`` boundaries), carry a composed
non-ASCII name and an unknown top-level property (both must come back unchanged), and are
enough to page past any silent cap below 100.
"""

from __future__ import annotations

import uuid
from typing import Any

import requests

from badgegate.fuzz import probes
from badgegate.fuzz.records import identity, listed_records
from badgegate.fuzz.session import FuzzSession
from badgegate.samples import (
    sample_achievement,
    sample_credential,
    sample_key,
    sample_valid_from,
)

SEED_COUNT = 60
EXTENSION_PROPERTY = "badgegateFuzzNote"


def seed_credentials(session: FuzzSession, count: int = SEED_COUNT) -> list[str]:
    """Store ``count`` fresh credentials one by one; return the problems seen on the way."""
    response = session.send("GET", "/profile")
    if response.status_code != 200:
        return [probes.problem("GET /profile (to learn the issuer id) failed", response)]
    issuer = response.json()["id"]
    problems: list[str] = []
    for index in range(count):
        credential = _credential(index, issuer)
        try:
            answer = session.send("POST", "/credentials", json=credential)
        except requests.RequestException as error:
            problems.append(f"POST /credentials of {credential['id']} failed: {error}")
            continue
        if answer.status_code != 201:
            problems.append(probes.problem("a new credential must be created with 201", answer))
        session.seeded.credentials.append(credential)
    session.seeded.problems += problems
    return problems


def _credential(index: int, issuer: str) -> dict[str, Any]:
    key = sample_key("credential", f"fuzz:{index}")
    credential = sample_credential(key, sample_valid_from(index), issuer=issuer)
    credential["id"] = uuid.uuid4().urn
    credential["name"] = f"Caf\u00e9 r\u00e9sum\u00e9 {index}"
    credential[EXTENSION_PROPERTY] = {"kept": True, "index": index}
    return credential


def seeded_read_back(session: FuzzSession) -> list[str]:
    """Every seeded credential is served exactly once, equal to what was sent."""
    listed = probes.walk(session, "/credentials", page_size=probes.LIST_PAGE)
    served: dict[Any, list[Any]] = {}
    for record in listed.records:
        if isinstance(record, dict):
            served.setdefault(identity(record), []).append(record)
    problems = list(listed.problems)
    for credential in session.seeded.credentials:
        found = served.get(identity(credential), [])
        if len(found) != 1:
            problems.append(f"seeded credential {credential['id']} is served {len(found)} time(s)")
        elif probes.as_sent(found[0], credential) != credential:
            problems.append(probes.changed_message(credential, found[0]))
    return problems


def exactly_once(session: FuzzSession, page_size: int = 7) -> list[str]:
    """Walking every page returns each record once; the seeded ones all; the total as counted."""
    listed = probes.walk(session, "/credentials", page_size=page_size)
    problems = list(listed.problems)
    keys = [identity(r) if isinstance(r, dict) else r for r in listed.records]
    repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
    if repeated:
        problems.append(f"records served more than once across pages: {repeated[:5]}")
    missing = [c["id"] for c in session.seeded.credentials if identity(c) not in keys]
    if missing:
        problems.append(
            f"{len(missing)} seeded credential(s) never served across pages: {missing[:5]}"
        )
    if listed.total is not None and listed.total != len(keys):
        problems.append(f"X-Total-Count says {listed.total}, the pages held {len(keys)}")
    whole = probes.walk(session, "/credentials", page_size=1000)
    problems += whole.problems
    if not whole.problems and len(whole.records) != len(keys):
        problems.append(
            f"one page of 1000 held {len(whole.records)}, pages of {page_size} {len(keys)}"
        )
    return problems


def since_checks(session: FuzzSession) -> list[str]:
    """``since`` at seeded boundaries: strictly after, the boundary itself excluded, nothing
    after it missing; a ``since`` beyond every record answers an empty page."""
    seeded = session.seeded.credentials
    problems: list[str] = []
    for credential in (seeded[0], seeded[len(seeded) // 2]) if seeded else ():
        problems += probes.since_boundary(session, credential)
        later = probes.walk(
            session, "/credentials", page_size=probes.LIST_PAGE, since=credential["validFrom"]
        )
        keys = {identity(r) for r in later.records if isinstance(r, dict)}
        after = [c for c in seeded if c["validFrom"] > credential["validFrom"]]
        missing = [c["id"] for c in after if identity(c) not in keys]
        if missing:
            problems.append(
                f"since={credential['validFrom']} misses {len(missing)} later credential(s)"
            )
    empty = session.send("GET", "/credentials", params={"since": probes.FAR_FUTURE})
    if empty.status_code != 200 or listed_records("/credentials", empty.json()):
        problems.append(
            probes.problem(f"since={probes.FAR_FUTURE} must answer 200 with no record", empty)
        )
    return problems


def isolation_checks(session: FuzzSession) -> list[str]:
    """The isolation tenant sees none of the seeded credentials."""
    ids = {c["id"] for c in session.seeded.credentials}
    return probes.isolation_list_leaks(session, "/credentials", ids)


def scope_checks(session: FuzzSession) -> list[str]:
    """Writes are refused without a token (401) and with a read-only token (403)."""
    issuer = session.send("GET", "/profile").json()["id"]
    credential = _credential(0, issuer)
    key = str(uuid.uuid4())
    achievement = {**_achievement(key)}
    problems = []
    for method, path, body in _applicable(
        session,
        ("POST", "/credentials", credential),
        ("PUT", f"/ext/achievements/{key}", achievement),
    ):
        request = requests.Request(
            method, session.url(path), json=body, headers=session.auth.bearer()
        )
        prepared = session.session.prepare_request(request)
        problems += probes.auth_refusals(session, prepared, write=True)
    return problems


def _applicable(
    session: FuzzSession, *calls: tuple[str, str, dict[str, Any]]
) -> list[tuple[str, str, dict[str, Any]]]:
    """The calls whose operation the target offers (``/ext/*`` needs the extension API)."""
    return [call for call in calls if not session.not_applicable(call[1])]


def _achievement(key: str) -> dict[str, Any]:
    return sample_achievement(key)


def double_upsert_checks(session: FuzzSession) -> list[str]:
    """Sending a seeded credential again answers 200 or 304 and leaves one copy."""
    if not session.seeded.credentials:
        return []
    credential = session.seeded.credentials[0]
    request = requests.Request(
        "POST", session.url("/credentials"), json=credential, headers=session.auth.bearer()
    )
    return probes.double_upsert(session, session.session.prepare_request(request), credential)


def invalid_upload_checks(session: FuzzSession) -> list[str]:
    """Invalid OB 3.0 uploads are refused with 400 ``invalid_data`` and never served."""
    issuer = session.send("GET", "/profile").json()["id"]
    credential = _credential(SEED_COUNT, issuer)
    del credential["credentialSubject"]
    key = str(uuid.uuid4())
    achievement = {**_achievement(key), "type": ["NotAnAchievement"]}
    problems = []
    for method, path, body in _applicable(
        session,
        ("POST", "/credentials", credential),
        ("PUT", f"/ext/achievements/{key}", achievement),
    ):
        response = session.send(method, path, json=body)
        if response.status_code != 400:
            problems.append(probes.problem(f"{method} {path} of an invalid record", response))
    if probes.served_credential(session, credential):
        problems.append(f"the invalid credential {credential['id']} is served")
    return problems
