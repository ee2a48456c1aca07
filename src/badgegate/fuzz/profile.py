"""Profile ownership: ``PUT /profile`` may change the tenant's own Profile, never make it another.

OB 3.0 §6.4: the body of putProfile MUST be the entire Profile of the authenticated entity, and
a Host MAY refuse (400) what it cannot accept. So a PUT naming another ``id`` than the served
Profile, or an invalid OB 3.0 Profile, is refused and changes nothing; an accepted PUT is what
``GET /profile`` serves afterwards (§6.3). A 200 "may not yet show the new values" and a 202 is
"accepted, processing not finished", so the read is repeated for a moment before it counts.
The served Profile is put back at the end. These checks write: they run only where writes are
allowed.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from badgegate.checks.imsx import check_error_body
from badgegate.checks.stored import PROFILE_SECTION
from badgegate.fuzz import probes
from badgegate.fuzz.records import json_body
from badgegate.fuzz.seeding import seeded_id
from badgegate.fuzz.session import FuzzSession

#: Seconds to wait before each read of a just-written Profile (a Host may settle first).
SETTLE_DELAYS = (0.0, 0.2, 0.5, 1.0)
#: What a Host that does not offer putProfile (optional in OB 3.0 §6.9), or not to this
#: client (403: its token lacks ``profile.update``), answers to a valid Profile.
NOT_OFFERED = frozenset({403, 404, 405, 501})


def served_profile(session: FuzzSession) -> tuple[dict[str, Any] | None, list[str]]:
    """The tenant's Profile as ``GET /profile`` serves it, or ``None`` and why not."""
    response = session.send("GET", "/profile")
    body = json_body(response.text)
    if response.status_code != 200 or not isinstance(body, dict):
        return None, [probes.problem("GET /profile must serve the tenant's Profile", response)]
    return body, []


def profile_checks(session: FuzzSession) -> list[str]:
    """A PUT of another ``id`` or of an invalid Profile is refused and changes nothing; an
    accepted PUT is served back; the Profile served at the start is put back at the end."""
    original, problems = served_profile(session)
    if original is None:
        return problems
    changed = {**original, "description": f"Checked by badgegate ({session.seeded.run})."}
    try:
        answer = session.send("PUT", "/profile", json=changed)
        if answer.status_code in NOT_OFFERED:
            return []  # putProfile is optional: nothing here can be taken over
        if 200 <= answer.status_code < 300:
            problems += settled_read(session, changed)
            current = changed
        else:
            message = "PUT /profile of the served Profile with a new description was refused"
            problems.append(probes.problem(message, answer))
            current = original
        other = {**changed, "id": seeded_id(session.seeded.run, "profile")}
        invalid = {**changed, "type": ["NotAProfile"]}
        for body, what in (
            (other, "naming another id than the served one"),
            (invalid, "that is no valid OB 3.0 Profile"),
        ):
            found, current = _refused(session, body, current, what)
            problems += found
    finally:
        problems += restore_profile(session, original)
    return problems


def _refused(
    session: FuzzSession, body: dict[str, Any], current: dict[str, Any], what: str
) -> tuple[list[str], dict[str, Any]]:
    """A PUT of ``body`` is refused with an Imsx body and ``current`` is still served; the
    problems, and the Profile served afterwards."""
    answer = session.send("PUT", "/profile", json=body)
    if answer.status_code < 400:
        problems = [probes.problem(f"PUT /profile of a Profile {what} must be refused", answer)]
    else:
        problems = [
            probes.problem(finding.render(), answer)
            for finding in check_error_body(
                answer.status_code, answer.headers.get("Content-Type", ""), answer.text
            )
        ]
    served, failed = served_profile(session)
    if served is None:
        return problems + failed, current
    heading = f"after the PUT of a Profile {what}, GET /profile serves a changed Profile:"
    problems += probes.changed_messages(current, served, section=PROFILE_SECTION, heading=heading)
    return problems, served


def settled_read(session: FuzzSession, sent: dict[str, Any]) -> list[str]:
    """``GET /profile`` serves the accepted ``sent`` once the Host has settled."""
    changes: list[str] = []
    for delay in SETTLE_DELAYS:
        time.sleep(delay)
        served, failed = served_profile(session)
        if served is None:
            return failed
        heading = "after an accepted PUT /profile, GET /profile serves another Profile:"
        changes = probes.changed_messages(sent, served, section=PROFILE_SECTION, heading=heading)
        if not changes:
            return []
    return changes


def restore_profile(session: FuzzSession, original: dict[str, Any]) -> list[str]:
    """Put ``original`` back; a Profile that cannot be restored is reported as left changed."""
    try:
        answer = session.send("PUT", "/profile", json=original)
    except requests.RequestException as error:
        session.report.leave("profile", str(original.get("id")), None)
        return [f"PUT /profile to restore the original Profile failed: {error}"]
    if answer.status_code in NOT_OFFERED:
        return []
    if not 200 <= answer.status_code < 300 and answer.status_code != 304:
        session.report.leave("profile", str(original.get("id")), answer.status_code)
        return [probes.problem("PUT /profile of the original Profile (to restore it)", answer)]
    return settled_read(session, original)
