"""A small OB 3.0 Host on loopback that plays the OAuth 2.0 parts the reference engine cannot:
no dynamic registration, a user who denies consent, a forged ``state``, an API that refuses
every token. Real HTTP on 127.0.0.1; what it received is kept for the tests to assert on."""

from __future__ import annotations

import dataclasses
import json
import secrets
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import requests

from tests.operations.conftest import badgegate_env

BASE = "/ims/ob/v3p0"
SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"


@dataclasses.dataclass
class OAuthHost:
    """How the host behaves, and what it received.

    ``consent`` is ``grant``, ``deny`` (``error=access_denied``) or ``forge-state`` (a code
    with another ``state``); ``api_status`` is what ``GET /credentials`` answers to any token;
    ``strict_scopes`` refuses to register a client asking for a scope it does not describe.
    """

    registration: bool = True
    strict_scopes: bool = False
    consent: str = "grant"
    api_status: int = 200
    token_requests: list[dict[str, str]] = dataclasses.field(default_factory=list)
    registrations: list[str] = dataclasses.field(default_factory=list)
    authorized_scopes: list[str] = dataclasses.field(default_factory=list)
    api_tokens: list[str] = dataclasses.field(default_factory=list)
    base_url: str = ""
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    @property
    def api_url(self) -> str:
        """The host's OB 3.0 API base."""
        return self.base_url + BASE

    def discovery(self) -> dict[str, Any]:
        """A Service Description with the authorization code flow (registration optional)."""
        scheme: dict[str, Any] = {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": f"{self.api_url}/oauth/authorize",
                    "tokenUrl": f"{self.api_url}/oauth/token",
                    "refreshUrl": f"{self.api_url}/oauth/token",
                    "scopes": {SCOPE: "read credentials"},
                }
            },
        }
        if self.registration:
            scheme["x-imssf-registrationUrl"] = f"{self.api_url}/oauth/register"
        return {"openapi": "3.0.1", "components": {"securitySchemes": {"OAuth2ACG": scheme}}}

    def register(self, metadata: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """An RFC 7591 answer to ``metadata`` (recording the scopes asked for)."""
        scope = str(metadata.get("scope", ""))
        self.registrations.append(scope)
        if self.strict_scopes and set(scope.split()) - {SCOPE}:
            return 400, {"error": "invalid_client_metadata", "error_description": "scope"}
        return 201, {"client_id": "registered", "client_secret": "s3cret"}

    def authorization_redirect(self, query: dict[str, str]) -> str:
        """Where the authorization endpoint sends the browser back to."""
        self.authorized_scopes.append(query.get("scope", ""))
        answer = {"code": secrets.token_urlsafe(8), "state": query.get("state", "")}
        if self.consent == "deny":
            answer = {
                "error": "access_denied",
                "error_description": "the user refused",
                "state": query.get("state", ""),
            }
        elif self.consent == "forge-state":
            answer["state"] = "forged-" + secrets.token_urlsafe(8)
        return query["redirect_uri"] + "?" + urllib.parse.urlencode(answer)

    def issue(self, form: dict[str, str]) -> dict[str, Any]:
        """A token answer (recording the request)."""
        with self._lock:
            self.token_requests.append(form)
        return {
            "access_token": "access-" + secrets.token_urlsafe(8),
            "refresh_token": "refresh-" + secrets.token_urlsafe(8),
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": SCOPE,
        }

    def handler(self) -> Callable[..., BaseRequestHandler]:
        """The ``http.server`` handler class serving this host."""
        host = self

        class Handler(BaseRequestHandler):
            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                if parts.path == BASE + "/discovery":
                    self.answer(200, host.discovery())
                elif parts.path == BASE + "/oauth/authorize":
                    self.send_response(302)
                    self.send_header("Location", host.authorization_redirect(query))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif parts.path == BASE + "/credentials":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    host.api_tokens.append(token)
                    if host.api_status == 401:
                        self.answer(
                            401,
                            {"imsx_codeMajor": "failure"},
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
                        )
                    else:
                        self.answer(200, {"credential": []})
                else:
                    self.answer(404, {"imsx_codeMajor": "failure"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if self.path == BASE + "/oauth/token":
                    self.answer(200, host.issue(dict(urllib.parse.parse_qsl(body))))
                elif self.path == BASE + "/oauth/register" and host.registration:
                    self.answer(*host.register(json.loads(body)))
                else:
                    self.answer(404, {"imsx_codeMajor": "failure"})

        return Handler


class BaseRequestHandler(BaseHTTPRequestHandler):
    """JSON answers, no access log."""

    def answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


def log_in_following_the_url(
    api_url: str, cwd: Path, env: Mapping[str, str], *extra: str, follow: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``badgegate auth login --no-browser`` against ``api_url``; follow the URL it prints
    (with redirects, to the CLI's loopback listener) as a browser would, unless ``follow`` is
    false; return what the command did."""
    command = [sys.executable, "-m", "badgegate", "auth", "login", "--no-browser"]
    process = subprocess.Popen(
        [*command, "--engine-url", api_url, "--timeout", "60", *extra],
        cwd=cwd,
        env=badgegate_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        shown = []
        for line in process.stderr:
            shown.append(line)
            if line.strip().startswith("http"):
                assert "code_challenge_method=S256" in line and "state=" in line
                if follow:
                    requests.get(line.strip(), timeout=30)
                break
        out, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, out, "".join(shown) + err)
