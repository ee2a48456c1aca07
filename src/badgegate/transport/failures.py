"""Why a request failed to reach its server, in a few words a person reads."""

from __future__ import annotations

import requests


def failure_kind(error: requests.RequestException) -> str:
    """What went wrong, as a verb phrase about the server: "refused the connection", "did not
    answer in time", "failed the TLS handshake: …"."""
    text = str(error)
    if isinstance(error, requests.exceptions.SSLError):
        return f"failed the TLS handshake: {_reason(text)}"
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return "did not accept the connection in time"
    if isinstance(error, requests.exceptions.ReadTimeout):
        return "did not answer in time"
    if "Connection refused" in text or "[Errno 111]" in text:
        return "refused the connection"
    if "NameResolutionError" in text or "Name or service not known" in text:
        return "could not be found (DNS lookup failed)"
    if "reset" in text.lower() or "RemoteDisconnected" in text or "aborted" in text.lower():
        return "dropped the connection"
    return f"could not be reached: {_reason(text)}"


def _reason(text: str) -> str:
    """The innermost reason of a urllib3 error message, without the pool boilerplate."""
    for marker in ("Caused by ", "(Caused by "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text.strip("()' ")[:200]
