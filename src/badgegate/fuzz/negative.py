"""When a correct engine's acceptance of negative data is a failure.

The request schemas of the upserts (``POST /credentials``, ``PUT /profile``,
``PUT /ext/achievements/{key}``, ``PUT /ext/progress/{key}``) and of ``POST /oauth/register`` are
*generation profiles*: deliberately narrower than what the API accepts. A body schemathesis
mutates out of such a profile may still be valid — an issuer Profile whose ``email`` is ``"Õ"``
is valid OB 3.0, whose EmailAddress is a plain string — and a correct engine stores it. So for
these operations schemathesis's ``negative_data_rejection`` counts only when the mutated body
is also invalid by the rules the API itself follows: badgegate's OB 3.0 validator (error
findings only) for the upserts, the RFC 7591 rules of :mod:`badgegate.rfc7591` for
client registration. A case with a negative query, header or path parameter keeps the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from badgegate import validate
from badgegate.findings import Finding
from badgegate.fuzz.document import operation_id
from badgegate.rfc7591 import metadata_problem


def _ob3_invalid(validator: Callable[..., list[Finding]]) -> Callable[[Any], bool]:
    return lambda body: any(finding.is_error for finding in validator(body))


#: operationId -> whether a body breaks the rules the API follows for that operation.
BODY_RULES: dict[str, Callable[[Any], bool]] = {
    "upsertCredential": _ob3_invalid(validate.validate_credential),
    "putProfile": _ob3_invalid(validate.validate_profile),
    "upsertAchievement": _ob3_invalid(validate.validate_achievement),
    "upsertProgress": _ob3_invalid(validate.validate_progress_record),
    "registerClient": lambda body: metadata_problem(body) is not None,
}


def negative_locations(case: Any) -> frozenset[str]:
    """Where schemathesis generated ``case`` as negative data (``"body"``, ``"query"``, ...)."""
    meta = getattr(case, "meta", None)
    if meta is None:
        return frozenset()
    return frozenset(
        str(location.value) for location, info in meta.components.items() if info.mode.is_negative
    )


def acceptance_is_correct(case: Any) -> bool:
    """True when accepting the negative ``case`` is what a correct engine does: only its body
    left the generation profile, and the body is still valid by the API's own rules."""
    rule = BODY_RULES.get(operation_id(case.operation))
    if rule is None or negative_locations(case) != {"body"}:
        return False
    return not rule(case.body)


def waived(case: Any, failure: Any) -> bool:
    """Whether schemathesis's ``failure`` of ``case`` is not a failure of the engine: accepted
    negative data that is valid by the API's own rules (see the module docstring), or a
    response media type that echoes the request's (:func:`echoes_request_media_type`)."""
    from schemathesis.core.failures import AcceptedNegativeData
    from schemathesis.openapi.checks import UndefinedContentType

    if isinstance(failure, UndefinedContentType):
        return echoes_request_media_type(case, failure.content_type)
    return isinstance(failure, AcceptedNegativeData) and acceptance_is_correct(case)


def echoes_request_media_type(case: Any, content_type: str) -> bool:
    """True when a response's ``content_type`` is the media type the request was sent as.

    OB 3.0 §6.2 (upsertCredential): the 200/201 body "MUST be the credential from the request",
    sent as ``application/json`` or ``application/vc+ld+json`` (§9). A Host answering in the
    media type it was sent keeps that rule, even where the document lists only
    ``application/json`` for the response.
    """
    sent = getattr(case, "media_type", None)
    if not sent or not content_type:
        return False
    return _essence(content_type) == _essence(str(sent))


def _essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()
