"""Logging in like an OB 3.0 client: authorization code with PKCE, a stored login, refresh.

:func:`log_in` reads the target's Service Description (``GET /discovery``), registers a client
by RFC 7591 dynamic registration unless a client id is given, sends the user to the
authorization URL (PKCE S256 and a ``state``), receives the code on a loopback redirect
listener, redeems it, and keeps the tokens in a file readable by the user alone, in a
user-level folder keyed by engine URL (``$XDG_STATE_HOME/badgegate/logins``, else
``~/.local/state/badgegate/logins``; never the working directory). :class:`StoredLogin` is the
token source commands use when nothing else is configured: it refreshes the access token
before it expires (and once after a 401). :func:`log_out` revokes (RFC 7009) where the target
offers it and deletes the file.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import fcntl
import hashlib
import http.server
import json
import os
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import requests

from badgegate import __version__
from badgegate.config import HarnessConfig
from badgegate.errors import ConfigError, TargetUnreachable
from badgegate.scopes import ALL_SCOPES
from badgegate.secret import Secret
from badgegate.transport import Transport, register_secret

CALLBACK_PATH = "/callback"
REFRESH_MARGIN = 30.0
_SCHEME = "OAuth2ACG"


@dataclasses.dataclass
class Login:
    """What is held for one engine: the client, the tokens and their scopes."""

    engine_url: str
    client_id: str
    client_secret: Secret | None
    token_url: str
    access_token: Secret
    refresh_token: Secret | None
    expires_at: float
    scopes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The login as stored (the one place its secrets are written, in a 0600 file)."""
        return {
            "engine_url": self.engine_url,
            "client_id": self.client_id,
            "client_secret": self.client_secret.reveal() if self.client_secret else None,
            "token_url": self.token_url,
            "access_token": self.access_token.reveal(),
            "refresh_token": self.refresh_token.reveal() if self.refresh_token else None,
            "expires_at": self.expires_at,
            "scopes": list(self.scopes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Login:
        """A login read back from its file."""
        secret, refresh = data.get("client_secret"), data.get("refresh_token")
        return cls(
            str(data["engine_url"]),
            str(data["client_id"]),
            Secret(secret) if secret else None,
            str(data["token_url"]),
            Secret(str(data["access_token"])),
            Secret(refresh) if refresh else None,
            float(data["expires_at"]),
            tuple(data.get("scopes", ())),
        )


def logins_dir() -> Path:
    """The user-level folder of stored logins."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "badgegate" / "logins"


def login_path(engine_url: str) -> Path:
    """The file holding the login for ``engine_url`` (keyed by the URL's SHA-256)."""
    key = hashlib.sha256(engine_url.rstrip("/").encode("utf-8")).hexdigest()[:32]
    return logins_dir() / f"{key}.json"


def save_login(login: Login) -> Path:
    """Write ``login`` atomically, readable and writable by the user alone."""
    folder = logins_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    path = login_path(login.engine_url)
    temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        json.dump(login.to_json(), stream)
    os.replace(temporary, path)
    return path


def load_login(engine_url: str) -> Login | None:
    """The stored login for ``engine_url``, or ``None``."""
    path = login_path(engine_url)
    try:
        login = Login.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(
            f"the stored login {path} cannot be read ({error}); log in again with "
            f"`badgegate auth login --engine-url {engine_url}`"
        ) from None
    for value in (login.access_token, login.refresh_token, login.client_secret):
        register_secret(value)
    return login


def stored_logins() -> Iterator[Login]:
    """Every stored login (unreadable files are skipped)."""
    folder = logins_dir()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            yield Login.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue


CredentialKind = Literal["token", "client credentials", "stored login", "none"]


def credentials_in_use(config: HarnessConfig) -> CredentialKind:
    """The credentials commands use for ``config``'s engine, first found wins: a bearer token,
    then client credentials, then the login stored for the engine URL."""
    if config.engine_token:
        return "token"
    if config.client_id or config.client_secret:
        return "client credentials"
    if config.engine_url and login_path(config.engine_url).exists():
        return "stored login"
    return "none"


@dataclasses.dataclass(frozen=True)
class Endpoints:
    """Where a target's OAuth 2.0 authorization code flow happens (from its discovery)."""

    authorization_url: str
    token_url: str
    registration_url: str | None
    scopes: tuple[str, ...]


def discover(transport: Transport, engine_url: str) -> Endpoints:
    """The target's OAuth 2.0 endpoints, read from ``GET <engine_url>/discovery``."""
    try:
        answer = transport.send("GET", engine_url + "/discovery", timeout=10)
        document = answer.json()
        scheme = document["components"]["securitySchemes"][_SCHEME]
        flow = scheme["flows"]["authorizationCode"]
        return Endpoints(
            str(flow["authorizationUrl"]),
            str(flow["tokenUrl"]),
            scheme.get("x-imssf-registrationUrl"),
            tuple(flow.get("scopes", {})),
        )
    except requests.RequestException as error:
        raise TargetUnreachable(
            f"engine at {engine_url} did not answer ({type(error).__name__}) when asked for its "
            "discovery; check --engine-url and that the target is up"
        ) from None
    except (ValueError, KeyError, TypeError):
        raise ConfigError(
            f"{engine_url}/discovery describes no OAuth 2.0 authorization code flow "
            f"({_SCHEME}); log in is not possible there"
        ) from None


class _Redirects:
    """A loopback listener for the authorization response (one request is enough)."""

    def __init__(self) -> None:
        self.received: dict[str, str] | None = None
        self.arrived = threading.Event()
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                if parts.path != CALLBACK_PATH:
                    self.send_error(404)
                    return
                listener.received = dict(urllib.parse.parse_qsl(parts.query))
                body = b"badgegate: you can close this window and return to the terminal.\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                listener.arrived.set()

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.redirect_uri = f"http://127.0.0.1:{self.server.server_address[1]}{CALLBACK_PATH}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, timeout: float) -> dict[str, str] | None:
        self.arrived.wait(timeout)
        return self.received

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _register(
    transport: Transport, endpoints: Endpoints, redirect_uri: str, scopes: Sequence[str] | None
) -> tuple[str, Secret, tuple[str, ...]]:
    """Register a client (RFC 7591); return its id, secret and the scopes it was granted.

    Without ``scopes`` it asks for every scope the target describes and badgegate's own
    extension scopes, then, should the target refuse that, for the described ones alone.
    """
    described = tuple(endpoints.scopes)
    asked = [tuple(scopes)] if scopes else [_with_extension_scopes(described), described]
    for wanted in dict.fromkeys(asked):
        answer = _registration(transport, endpoints, redirect_uri, wanted)
        body = _json(answer)
        if answer.status_code == 201 and "client_id" in body and "client_secret" in body:
            granted = tuple(str(body.get("scope") or " ".join(wanted)).split())
            return str(body["client_id"]), Secret(str(body["client_secret"])), granted
        if answer.status_code != 400:
            break
    raise ConfigError(
        f"the target refused to register a client ({answer.status_code}: "
        f"{body.get('error_description') or body.get('error') or 'no reason given'}); "
        "pass --client-id of a registered client"
    )


def _with_extension_scopes(described: tuple[str, ...]) -> tuple[str, ...]:
    return described + tuple(name for name in ALL_SCOPES if name not in described)


def _registration(
    transport: Transport, endpoints: Endpoints, redirect_uri: str, scopes: Sequence[str]
) -> requests.Response:
    assert endpoints.registration_url is not None
    metadata = {
        "client_name": "badgegate",
        "software_id": "badgegate",
        "software_version": __version__,
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": " ".join(scopes),
    }
    try:
        return transport.send("POST", endpoints.registration_url, json=metadata, timeout=10)
    except requests.RequestException as error:
        raise TargetUnreachable(
            f"the registration endpoint {endpoints.registration_url} did not answer "
            f"({type(error).__name__}); check that the target is up, or pass --client-id"
        ) from None


def _json(answer: requests.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def log_in(
    transport: Transport,
    engine_url: str,
    *,
    client_id: str | None = None,
    client_secret: Secret | None = None,
    scopes: Sequence[str] | None = None,
    show: Callable[[str], None],
    open_browser: Callable[[str], object] | None = None,
    timeout: float = 300.0,
) -> Login:
    """Run the authorization code flow with PKCE against ``engine_url``; return the login
    (not yet saved). ``show`` is told the authorization URL; ``open_browser`` opens it."""
    endpoints = discover(transport, engine_url)
    if client_id is None and not endpoints.registration_url:
        raise ConfigError(
            f"{engine_url} offers no dynamic client registration (its discovery names no "
            "x-imssf-registrationUrl); pass --client-id of a client registered there for the "
            f"loopback redirect http://127.0.0.1:<any port>{CALLBACK_PATH}, with its secret in "
            "BADGEGATE_CLIENT_SECRET or --client-secret-file"
        )
    wanted = tuple(scopes or endpoints.scopes)
    redirects = _Redirects()
    try:
        if client_id is None:
            client_id, client_secret, wanted = _register(
                transport, endpoints, redirects.redirect_uri, scopes
            )
        verifier, challenge = _pkce()
        state = secrets.token_urlsafe(16)
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirects.redirect_uri,
            "scope": " ".join(wanted),
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        url = endpoints.authorization_url + "?" + urllib.parse.urlencode(query)
        show(url)
        if open_browser is not None:
            open_browser(url)
        answer = redirects.wait(timeout)
    finally:
        redirects.close()
    code, granted = _authorization_code(answer, state, url, engine_url, timeout)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirects.redirect_uri,
        "scope": granted or " ".join(wanted),
        "code_verifier": verifier,
    }
    return _token_request(
        transport, engine_url, endpoints.token_url, client_id, client_secret, form
    )


def _authorization_code(
    answer: dict[str, str] | None, state: str, url: str, engine_url: str, timeout: float
) -> tuple[str, str]:
    """The code and granted scope (``""`` when not said) of the authorization answer; refuse
    one that is missing, forged or a refusal (one line each)."""
    again = f"run `badgegate auth login --engine-url {engine_url}` again"
    if answer is None:
        raise ConfigError(
            f"no authorization answer arrived within {timeout:g} s (--timeout); open {url} in a "
            f"browser on this machine and grant access, or {again}"
        )
    if answer.get("state") != state:
        raise ConfigError(
            "the authorization answer on the loopback redirect carried another state than the "
            f"one sent (a stale or forged redirect), so its code was not used; {again}"
        )
    if "error" in answer:
        reason = answer["error"]
        if answer.get("error_description"):
            reason += f" ({' '.join(answer['error_description'].split())})"
        denied = answer["error"] == "access_denied"
        raise ConfigError(
            f"the authorization was {'denied' if denied else 'refused'} at the target: "
            f"{reason}; {again}" + (" and grant access when asked" if denied else "")
        )
    code = answer.get("code")
    if not code:
        raise ConfigError(f"the authorization answer carried no code; {again}")
    return code, answer.get("scope", "")


def _token_request(
    transport: Transport,
    engine_url: str,
    token_url: str,
    client_id: str,
    client_secret: Secret | None,
    form: dict[str, str],
) -> Login:
    auth = (client_id, client_secret.reveal()) if client_secret else None
    what = "refresh the login" if form["grant_type"] == "refresh_token" else "issue tokens"
    try:
        # Not retried: the code and the rotating refresh token work once; sent again after a
        # lost answer, the target would take them for stolen and revoke the login.
        answer = transport.send("POST", token_url, data=form, auth=auth, timeout=10)
    except requests.RequestException as error:
        raise TargetUnreachable(
            f"the token endpoint {token_url} did not answer ({type(error).__name__}) when "
            f"asked to {what} for {engine_url}; check that the target is up"
        ) from None
    body = _json(answer)
    if answer.status_code != 200 or not isinstance(body.get("access_token"), str):
        reason = body.get("error") or answer.status_code
        if body.get("error_description"):
            reason = f"{reason}: {body['error_description']}"
        raise ConfigError(
            f"the token endpoint {token_url} refused to {what} for {engine_url} ({reason}); "
            f"log in again with `badgegate auth login --engine-url {engine_url}`"
        )
    access, refresh = Secret(body["access_token"]), body.get("refresh_token")
    register_secret(access)
    register_secret(refresh)
    lifetime = body.get("expires_in")
    expires = time.time() + float(lifetime) if isinstance(lifetime, int | float) else 1e18
    return Login(
        engine_url,
        client_id,
        client_secret,
        token_url,
        access,
        Secret(refresh) if isinstance(refresh, str) and refresh else None,
        expires,
        tuple(str(body.get("scope", "")).split()),
    )


def refresh(transport: Transport, login: Login) -> Login:
    """The login with a fresh access token (and the rotated refresh token); not saved."""
    if login.refresh_token is None:
        raise ConfigError(
            f"the login for {login.engine_url} has expired and holds no refresh token; log in "
            f"again with `badgegate auth login --engine-url {login.engine_url}`"
        )
    form = {"grant_type": "refresh_token", "refresh_token": login.refresh_token.reveal()}
    fresh = _token_request(
        transport, login.engine_url, login.token_url, login.client_id, login.client_secret, form
    )
    if fresh.refresh_token is None:
        fresh = dataclasses.replace(fresh, refresh_token=login.refresh_token)
    return fresh


def revoke_token(
    transport: Transport, revocation_url: str, token: Secret, client: tuple[str, Secret | None]
) -> bool:
    """Ask ``revocation_url`` to revoke ``token`` (RFC 7009); return whether it said 200."""
    client_id, secret = client
    auth = (client_id, secret.reveal()) if secret else None
    answer = transport.send(
        "POST",
        revocation_url,
        data={"token": token.reveal()},
        auth=auth,
        timeout=10,
        idempotent=True,
    )
    return answer.status_code == 200


def log_out(transport: Transport, engine_url: str) -> bool | None:
    """Revoke the stored login's tokens where the target offers RFC 7009 revocation, delete
    its file; return ``None`` when no login was held, else whether every token was revoked."""
    login = load_login(engine_url)
    if login is None:
        return None
    client = (login.client_id, login.client_secret)
    revoked = True
    for token in (login.refresh_token, login.access_token):
        if token is None:
            continue
        try:
            revoked = (
                revoke_token(transport, engine_url + "/oauth/revoke", token, client) and revoked
            )
        except requests.RequestException:
            revoked = False
            break
    login_path(engine_url).unlink(missing_ok=True)
    login_path(engine_url).with_suffix(".lock").unlink(missing_ok=True)
    return revoked


class StoredLogin:
    """A token source backed by the stored login: refreshed before it expires, and once more
    after a 401.

    Refresh tokens rotate, and presenting a spent one revokes the whole login, so processes
    sharing a login (the forwarders of a migration, say) refresh it one at a time, under a lock
    on its file: whoever comes second takes the tokens the first one stored.
    """

    def __init__(self, transport: Transport, login: Login) -> None:
        self._transport = transport
        self._login = login
        self._lock = threading.Lock()

    def token(self) -> str:
        """The access token, refreshed first when it is about to expire."""
        with self._lock:
            if self._login.expires_at - REFRESH_MARGIN <= time.time():
                self._login = self._fresh()
            return self._login.access_token.reveal()

    def _fresh(self) -> Login:
        held = self._login.access_token.reveal()
        with _file_lock(login_path(self._login.engine_url)):
            stored = load_login(self._login.engine_url)
            if stored is None:  # logged out meanwhile: refresh for this process alone
                return refresh(self._transport, self._login)
            if stored.access_token.reveal() != held and not _expiring(stored):
                return stored
            fresh = refresh(self._transport, stored)
            save_login(fresh)
            return fresh

    def invalidate(self) -> bool:
        """After a 401: refresh now (once); ``False`` when there is nothing to refresh with."""
        with self._lock:
            if self._login.refresh_token is None:
                return False
            self._login = dataclasses.replace(self._login, expires_at=0.0)
            return True

    def describe(self) -> str:
        """``stored login of 'client' for URL``."""
        return f"stored login of {self._login.client_id!r} for {self._login.engine_url}"


def _expiring(login: Login) -> bool:
    return login.expires_at - REFRESH_MARGIN <= time.time()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` (``<path>.lock``) across processes."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
