"""Data the harness stores before fuzzing a writable target, and the checks that need it.

Everything is stored through the standard API (``POST /credentials``), so a plain OB 3.0 Host
is checked like the reference engine. First a control credential, correctly formed and
minimal: a Host that refuses it refuses everything and cannot pass. Then credentials a minute
apart (distinct ``since`` boundaries), each carrying a composed non-ASCII name, an unknown
top-level property, a set (``tag``) and an ordered list (``allowedValue``), all of which must
come back unchanged; enough to page past any silent cap below 100.

OB 3.0 has no delete: every seeded id says what it is
(``https://badgegate.invalid/seeded/<run>/credential/<n>``, RFC 2606's reserved ``.invalid``),
and the fuzz report lists each record the run left on the target.
"""

from __future__ import annotations

import uuid
from typing import Any

import requests

from badgegate.fuzz import probes
from badgegate.fuzz.records import identity, listed_records
from badgegate.fuzz.session import FuzzSession, new_run_token
from badgegate.samples import (
    sample_achievement,
    sample_credential,
    sample_key,
    sample_valid_from,
)

SEED_COUNT = 60
EXTENSION_PROPERTY = "badgegateFuzzNote"
#: The reserved host (RFC 2606) of the ids of every record badgegate leaves on a target.
SEEDED_HOST = "badgegate.invalid"
#: The index of the control credential (its ``validFrom`` precedes every seeded one).
CONTROL = -1
#: Problems of one kind described one by one (the rest are counted).
SHOWN = 5


def seeded_id(run: str, name: str) -> str:
    """The id of record ``name`` that run ``run`` leaves on a target."""
    return f"https://{SEEDED_HOST}/seeded/{run}/{name}"


def seed_credentials(session: FuzzSession, count: int = SEED_COUNT) -> list[str]:
    """Store the control credential, then ``count`` fresh credentials, one by one; return the
    problems seen on the way. Only the accepted ones are expected back."""
    seeded = session.seeded
    response = session.send("GET", "/profile")
    if response.status_code != 200:
        failed = probes.problem("GET /profile (to learn the issuer id) failed", response)
        seeded.problems.append(failed)
        return [failed]
    issuer = response.json()["id"]
    control = control_credential(issuer, seeded.run)
    answer, problems = post_credential(session, control)
    seeded.control_accepted = answer in (200, 201)
    if not seeded.control_accepted:
        problems.append(
            f"the control credential {control['id']}, a correctly formed OB 3.0 "
            f"AchievementCredential, was refused ({answer}): a Host that refuses every upload "
            "cannot pass; nothing more was seeded"
        )
        seeded.problems += problems
        return problems
    seeded.credentials.append(control)
    for index in range(count):
        credential = _credential(index, issuer, seeded.run)
        answer, found = post_credential(session, credential)
        problems += found
        if answer in (200, 201):
            seeded.credentials.append(credential)
    seeded.problems += problems
    return problems


def post_credential(
    session: FuzzSession, credential: dict[str, Any]
) -> tuple[int | None, list[str]]:
    """``POST /credentials`` of a new ``credential``: the status (``None`` when no answer came)
    and the problems; a record the target may now hold is noted in the report."""
    try:
        answer = session.send("POST", "/credentials", json=credential)
    except requests.RequestException as error:
        session.report.leave("credential", credential["id"], None)
        return None, [f"POST /credentials of {credential['id']} failed: {error}"]
    if not 400 <= answer.status_code < 500:
        session.report.leave("credential", credential["id"], answer.status_code)
    if answer.status_code == 201:
        return 201, []
    message = f"the new credential {credential['id']} must be created with 201"
    return answer.status_code, [probes.problem(message, answer)]


def control_credential(issuer: str, run: str) -> dict[str, Any]:
    """A minimal, correctly formed AchievementCredential of ``issuer`` that every Host takes."""
    credential = sample_credential(
        sample_key("credential", f"fuzz:{run}:control"), sample_valid_from(CONTROL), issuer=issuer
    )
    credential["id"] = seeded_id(run, "credential/control")
    return credential


def _credential(index: int, issuer: str, run: str | None = None) -> dict[str, Any]:
    key = sample_key("credential", f"fuzz:{index}")
    credential = sample_credential(key, sample_valid_from(index), issuer=issuer)
    credential["id"] = seeded_id(run or new_run_token(), f"credential/{index}")
    credential["name"] = f"Caf\u00e9 r\u00e9sum\u00e9 {index}"
    credential[EXTENSION_PROPERTY] = {"kept": True, "index": index}
    achievement = credential["credentialSubject"]["achievement"]
    achievement["tag"] = ["badgegate", "seeded", f"n{index}"]
    achievement["resultDescription"] = [
        {
            "id": f"urn:uuid:{sample_key('result-description', key)}",
            "type": ["ResultDescription"],
            "name": "Grade",
            "resultType": "LetterGrade",
            "allowedValue": ["D", "C", "B", "A"],
        }
    ]
    return credential


def seeded_read_back(session: FuzzSession) -> list[str]:
    """Every accepted seeded credential is served exactly once, as it was sent: each change
    named by credential id and JSON pointer."""
    listed = probes.walk(session, "/credentials", page_size=probes.LIST_PAGE)
    served: dict[Any, list[Any]] = {}
    for record in listed.records:
        if isinstance(record, dict):
            served.setdefault(identity(record), []).append(record)
    lost: list[str] = []
    repeated: list[str] = []
    changed: list[str] = []
    for credential in session.seeded.credentials:
        found = served.get(identity(credential), [])
        if not found:
            lost.append(
                f"credential {credential['id']} was accepted by POST /credentials but "
                "GET /credentials never serves it (a lost write)"
            )
        elif len(found) > 1:
            repeated.append(f"credential {credential['id']} is served {len(found)} times")
        else:
            changed += probes.changed_messages(credential, probes.as_sent(found[0], credential))
    return [
        *listed.problems,
        *_first(lost, "more accepted credential(s) are never served"),
        *_first(repeated, "more credential(s) are served more than once"),
        *_first(changed, "more credential(s) are served changed"),
    ]


def _first(problems: list[str], rest: str) -> list[str]:
    """The first :data:`SHOWN` of ``problems``, then how many more (``rest`` says what)."""
    if len(problems) <= SHOWN:
        return problems
    return [*problems[:SHOWN], f"... and {len(problems) - SHOWN} {rest}"]


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
    credential = _credential(SEED_COUNT, issuer, session.seeded.run)
    del credential["credentialSubject"]
    key = str(uuid.uuid4())
    achievement = {**_achievement(key), "type": ["NotAnAchievement"]}
    problems = []
    if session.seeded.control_accepted is False:
        problems.append(
            "the correctly formed control credential was refused too, so refusing an invalid "
            "one shows nothing"
        )
    for method, path, body in _applicable(
        session,
        ("POST", "/credentials", credential),
        ("PUT", f"/ext/achievements/{key}", achievement),
    ):
        response = session.send(method, path, json=body)
        if response.status_code != 400:
            problems.append(probes.problem(f"{method} {path} of an invalid record", response))
            if path == "/credentials" and response.status_code < 400:
                session.report.leave("credential", credential["id"], response.status_code)
    if probes.served_credential(session, credential):
        problems.append(f"the invalid credential {credential['id']} is served")
    return problems
