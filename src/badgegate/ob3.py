"""Open Badges 3.0 terms that the harness and the reference engine both use.

The ``Imsx_StatusInfo`` minor code of each error status is defined here once: the engine
answers with it, and the checks and the contracts expect it.
"""

from __future__ import annotations

#: The ``imsx_codeMinorFieldValue`` of each error status (OB 3.0 API, DESIGN.md Interfaces).
MINOR_BY_STATUS: dict[int, str] = {
    400: "invalid_data",
    401: "unauthorizedrequest",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
    406: "not_acceptable",
    413: "invalid_data",
    415: "invalid_data",
    500: "internal_server_error",
    503: "server_busy",
}
#: The minor code of a 400 for a bad query parameter (a bad body gets ``invalid_data``).
INVALID_QUERY = "invalid_query_parameter"


def accepted_minor_codes(status: int) -> frozenset[str]:
    """The minor codes an error answer with ``status`` may carry (none for other statuses)."""
    minor = MINOR_BY_STATUS.get(status)
    if minor is None:
        return frozenset()
    return frozenset({minor, INVALID_QUERY}) if status == 400 else frozenset({minor})
