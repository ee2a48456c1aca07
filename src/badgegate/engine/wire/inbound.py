"""Reading what a request carries, strictly: body size, media type, Accept, JSON and query.

Anything malformed becomes an :class:`ApiError` with a 4xx status, never a server error.
Body caps: 1 MiB for a single record or profile (:data:`BODY_CAP`), 16 MiB for a batch
(:data:`BATCH_BODY_CAP`); larger bodies get 413.

JSON is read and written with orjson where it gives exactly what the standard library gives,
and with the standard library everywhere else: the standard library is the reference for what
is accepted, for every error, and for the stored text of a record (byte for byte, so a record
stored earlier still compares equal under the OB 3.0 §8.5 equality rule).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import unquote

import orjson
from starlette.requests import Request

from badgegate import json_text
from badgegate.engine.wire.imsx import ApiError, query_error

BODY_CAP = 1024 * 1024
BATCH_BODY_CAP = 16 * 1024 * 1024
JSON = "application/json"


async def read_body(request: Request, cap: int = BODY_CAP) -> bytes:
    """Return the request body, refusing (413) anything larger than ``cap`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise ApiError(413, f"request body larger than the {cap}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise ApiError(413, f"request body larger than the {cap}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def require_media_type(request: Request, allowed: tuple[str, ...]) -> str:
    """Return the request's media type if it is one of ``allowed`` (else 415)."""
    header = request.headers.get("content-type", "")
    media, _, params = header.partition(";")
    media = media.strip().lower()
    if media not in allowed:
        shown = media or "none"
        raise ApiError(415, f"content type {shown} not supported; send {' or '.join(allowed)}")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            raise ApiError(415, f"charset {value.strip()} not supported; send UTF-8")
    return media


def ensure_accepts(request: Request, *media_types: str) -> None:
    """Answer 406 when Accept rules out every one of ``media_types`` (JSON by default)."""
    negotiate(request, *media_types)


def negotiate(request: Request, *media_types: str) -> str:
    """The first of ``media_types`` (JSON by default) that Accept allows; 406 when it rules
    out every one."""
    wanted = media_types or (JSON,)
    header = request.headers.get("accept")
    if header is None or not header.strip():
        return wanted[0]
    accepted = set()
    for item in header.split(","):
        media, _, params = item.partition(";")
        if _quality(params) > 0:
            accepted.add(media.strip().lower())
    for candidate in wanted:
        if accepted & {"*/*", candidate, candidate.split("/")[0] + "/*"}:
            return candidate
    raise ApiError(406, f"cannot answer with {' or '.join(wanted)}, which Accept excludes")


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """Parse a UTF-8 JSON body; refuse (400) invalid UTF-8, bad JSON, non-finite numbers, NUL.

    orjson parses (:func:`json_text.exact_loads`); whatever it refuses, and whatever it might
    read differently from the standard library, is parsed again by
    :func:`parse_json_reference`, which gives the answer (the same document or the same 400).
    """
    try:
        return json_text.exact_loads(body)
    except json_text.NotExact:
        return parse_json_reference(body)


def parse_json_reference(body: bytes) -> Any:
    """:func:`parse_json` with the standard library alone (the reference behaviour)."""
    try:
        text = body.decode("utf-8")
        return json.loads(text, parse_float=_finite_float, parse_constant=_no_constant)
    except UnicodeDecodeError as error:
        raise ApiError(400, f"request body is not valid UTF-8: {error.reason}") from None
    except (ValueError, RecursionError) as error:
        raise ApiError(400, f"request body is not valid JSON: {str(error)[:200]}") from None


# orjson leaves these to the standard library: what it would write for them differs (a str
# or int subclass, a dataclass, a date) or is refused there (which must stay refused).
_ORJSON_OWN_TYPES_ONLY = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)
# orjson writes floats as repr() does except below 1e-4: ``0.00001`` for 1e-05 and ``1e-7``
# for 1e-07 (a one-digit exponent ends the number). Either form in its output (or the same
# bytes inside a string) means the standard library writes the record instead.
_SMALL_FLOAT_DECIMAL = b"0.0000"
_SHORT_NEGATIVE_EXPONENT = re.compile(rb"e-[1-9](?:[,\]}]|\Z)")


def canonical_json(value: Any) -> str:
    """Serialise ``value`` compactly, keeping key order; refuse NUL and unpaired surrogates.

    The text is exactly :func:`canonical_json_reference`'s (the standard library's, no ASCII
    escapes); orjson writes it when it would write the same bytes, which is for any parsed
    JSON value within 254 levels and 64-bit integers without a float below 1e-4.
    """
    try:
        written = orjson.dumps(value, option=_ORJSON_OWN_TYPES_ONLY)
    except orjson.JSONEncodeError:
        return canonical_json_reference(value)
    if _SMALL_FLOAT_DECIMAL in written or _SHORT_NEGATIVE_EXPONENT.search(written):
        return canonical_json_reference(value)
    # orjson, like the standard library, writes NUL as an escape; checked all the same, so
    # both paths refuse the same texts whatever either library does.
    if b"\x00" in written:
        raise ApiError(400, "request body contains a NUL character")
    return written.decode("utf-8")


def canonical_json_reference(value: Any) -> str:
    """:func:`canonical_json` with the standard library alone (the reference behaviour)."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        text.encode("utf-8")
    except RecursionError:
        raise ApiError(400, "request body is nested too deeply") from None
    except UnicodeEncodeError:
        raise ApiError(400, "request body contains an unpaired UTF-16 surrogate") from None
    if "\x00" in text:
        raise ApiError(400, "request body contains a NUL character")
    return text


def query_parameters(request: Request) -> dict[str, str]:
    """Parse the raw query string; a repeated key or a malformed pair is a 400."""
    raw = request.scope.get("query_string", b"")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise query_error("query string is not ASCII") from None
    found: dict[str, str] = {}
    for pair in text.split("&") if text else ():
        name, _, value = pair.partition("=")
        name = unquote(name.replace("+", " "), errors="strict")
        if not name:
            raise query_error(f"malformed query parameter {pair!r}")
        if name in found:
            raise query_error(f"query parameter {name} given more than once")
        try:
            found[name] = unquote(value.replace("+", " "), errors="strict")
        except UnicodeDecodeError:
            raise query_error(f"query parameter {name} is not UTF-8") from None
    return found
