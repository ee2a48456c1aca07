"""``Imsx_StatusInfo`` error bodies and the exception that carries one through a request."""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.responses import Response

from badgegate.ob3 import INVALID_QUERY, MINOR_BY_STATUS


class ApiError(Exception):
    """An error answer of the engine: status, description, optional minor code and headers."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        minor: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.minor = minor or MINOR_BY_STATUS.get(status, "unknown")
        self.headers = dict(headers or {})


def query_error(description: str) -> ApiError:
    """A 400 for a bad query parameter (minor ``invalid_query_parameter``)."""
    return ApiError(400, description, minor=INVALID_QUERY)


def imsx_status_info(description: str, minor: str) -> dict[str, object]:
    """Return an ``Imsx_StatusInfo`` (codeMajor failure, severity error) as a dict."""
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }


def error_response(error: ApiError, *, imsx: bool = True) -> Response:
    """Render ``error`` as a response; ``imsx=False`` is the non-imsx-error fault's rendering."""
    if imsx:
        body = json.dumps(imsx_status_info(error.description, error.minor))
        return Response(body, error.status, error.headers, media_type="application/json")
    if error.status >= 500:
        return Response(error.description, error.status, error.headers, media_type="text/plain")
    detail = json.dumps({"detail": error.description})
    return Response(detail, error.status, error.headers, media_type="application/json")
