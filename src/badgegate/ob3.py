"""Open Badges 3.0 terms that the harness and the reference engine both use.

The ``@context`` URLs and the ``Imsx_StatusInfo`` minor code of each error status are defined
here once: the engine, the samples and the mapping write them, the validator, the checks and
the contracts expect them.
"""

from __future__ import annotations

#: The base path of the OB 3.0 API on a Host (OB 3.0, API: "/ims/ob/v3p0").
API_BASE_PATH = "/ims/ob/v3p0"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
#: The OB 3.0 context of the current version (3.0.3).
OB_CONTEXT_CURRENT = f"{OB_CONTEXT_PREFIX}-3.0.3.json"
#: The ``@context`` of an OB 3.0 document written now, in order.
OB3_CONTEXTS = (VC_V2_CONTEXT, OB_CONTEXT_CURRENT)
#: The arrays whose order carries meaning: ``@context`` (processed in order; OB 3.0: its order
#: MUST be preserved by all processors), ``allowedValue`` (a JSON-LD ``@list`` since context
#: 3.0.2) and ``rubricCriterionLevel`` (ordered low to high). Every other array is a set:
#: JSON-LD gives multi-valued properties no order (JSON-LD 1.1 §4.3), ``type`` included.
ORDERED_ARRAYS = frozenset({"@context", "allowedValue", "rubricCriterionLevel"})

#: The ``imsx_codeMinorFieldValue`` of each error status (OB 3.0 API; see ARCHITECTURE.md).
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
