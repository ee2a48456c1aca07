"""OAuth 2.0 Authorization Code Grant with PKCE (RFC 6749 §4.1, RFC 7636), as OB 3.0 requires.

The reference engine has no users, so there is nobody to ask: consent is automatic. A request
to ``GET /oauth/authorize`` that names a registered client, one of its registered redirect
URIs, a ``state``, a ``scope`` within the client's scopes and an S256 ``code_challenge`` is
granted at once, and the browser is sent back to the redirect URI with a ``code``.

The rules, in the order they are checked:

* ``client_id``, ``redirect_uri`` (each given once): an unknown client or a redirect URI that
  is not exactly one of the client's registered ones is never redirected to; the engine
  answers 404 (no such client) or 400 itself;
* everything else comes back to the redirect URI as ``error`` (``invalid_request``,
  ``unsupported_response_type``, ``unauthorized_client``, ``invalid_scope``) with
  ``error_description`` and the request's ``state``;
* a code is single use and expires after :data:`CODE_TTL` seconds; redeeming it again is
  ``invalid_grant`` and revokes the token issued for it (RFC 6749 §4.1.2).

Codes live in the engine's memory: a restart forgets the codes not yet redeemed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from badgegate.scopes import ALL_SCOPES

#: How long an authorization code may be redeemed, in seconds (OB 3.0 recommends 600 at most).
CODE_TTL = 300
AUTHORIZATION_CODE = "authorization_code"
#: RFC 7636 §4.1: 43 to 128 unreserved characters.
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}", re.ASCII)
#: BASE64URL(SHA-256(verifier)) without padding is always 43 characters.
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}", re.ASCII)


class AuthorizationError(Exception):
    """An RFC 6749 error: ``error`` is the registered code, ``description`` says why."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked authorization request, ready to be granted."""

    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    state: str
    code_challenge: str


@dataclass(frozen=True)
class IssuedCode:
    """What an authorization code stands for, until ``expires_at`` (epoch seconds)."""

    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    code_challenge: str
    expires_at: float


def authorization_request(
    params: Mapping[str, str], client_id: str, redirect_uri: str, client_scopes: frozenset[str]
) -> AuthorizationRequest:
    """Check the parameters of an authorization request whose client and redirect URI are
    already known good; raise :class:`AuthorizationError` for what goes back to the client."""
    response_type = params.get("response_type")
    if response_type is None:
        raise AuthorizationError("invalid_request", "response_type is required")
    if response_type != "code":
        raise AuthorizationError("unsupported_response_type", "response_type must be code")
    state = params.get("state")
    if not state:
        raise AuthorizationError("invalid_request", "state is required")
    challenge = params.get("code_challenge")
    if challenge is None or not _CHALLENGE.fullmatch(challenge):
        raise AuthorizationError(
            "invalid_request", "PKCE is required: code_challenge must be BASE64URL(SHA-256)"
        )
    if params.get("code_challenge_method") != "S256":
        raise AuthorizationError("invalid_request", "code_challenge_method must be S256")
    scopes = requested_scopes(params.get("scope"), client_scopes, required=True)
    return AuthorizationRequest(client_id, redirect_uri, scopes, state, challenge)


def requested_scopes(
    scope: str | None, allowed: frozenset[str], *, required: bool = False
) -> frozenset[str]:
    """The scopes of a space-separated ``scope`` parameter, each one in ``allowed``
    (``allowed`` itself when the parameter is absent and not ``required``)."""
    if not scope:
        if required:
            raise AuthorizationError("invalid_request", "scope is required")
        return allowed
    requested = frozenset(scope.split())
    if not requested <= allowed:
        unknown = ", ".join(sorted(requested - allowed))
        raise AuthorizationError("invalid_scope", f"scope(s) not granted to this client: {unknown}")
    return requested


def scope_text(scopes: frozenset[str]) -> str:
    """``scopes`` as a space-separated ``scope`` value, in a stable order."""
    return " ".join(scope for scope in ALL_SCOPES if scope in scopes)


def pkce_matches(verifier: str, challenge: str) -> bool:
    """True when BASE64URL(SHA-256(``verifier``)) is ``challenge`` (RFC 7636 §4.6, S256)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(expected, challenge)


class AuthorizationCodes:
    """The codes issued and not yet expired; each is redeemed at most once."""

    def __init__(self, ttl: float = CODE_TTL, clock: Callable[[], float] = time.time) -> None:
        self.ttl = ttl
        self._clock = clock
        self._pending: dict[str, IssuedCode] = {}
        #: Redeemed codes -> the access token issued for them, kept until the code expires.
        self._redeemed: dict[str, tuple[str, float]] = {}

    def issue(self, request: AuthorizationRequest) -> str:
        """A new code for a granted ``request``."""
        self._forget_expired()
        code = secrets.token_urlsafe(32)
        expires_at = self._clock() + self.ttl
        self._pending[code] = IssuedCode(
            request.client_id,
            request.redirect_uri,
            request.scopes,
            request.code_challenge,
            expires_at,
        )
        return code

    def redeem(
        self, code: str, client_id: str, redirect_uri: str | None, verifier: str | None
    ) -> IssuedCode:
        """Take ``code`` for ``client_id`` (whatever follows, it cannot be used again) and
        check the redirect URI and the PKCE verifier against it."""
        if redirect_uri is None:
            raise AuthorizationError("invalid_request", "redirect_uri is required")
        if verifier is None or not _VERIFIER.fullmatch(verifier):
            raise AuthorizationError(
                "invalid_request", "code_verifier is required: 43 to 128 unreserved characters"
            )
        issued = self._pending.pop(code, None)
        if issued is None or issued.expires_at < self._clock():
            raise AuthorizationError("invalid_grant", "the code is unknown, used or expired")
        if issued.client_id != client_id:
            raise AuthorizationError("invalid_grant", "the code was issued to another client")
        if redirect_uri != issued.redirect_uri:
            raise AuthorizationError(
                "invalid_grant", "redirect_uri differs from the authorization request's"
            )
        if not pkce_matches(verifier, issued.code_challenge):
            raise AuthorizationError("invalid_grant", "code_verifier does not match the challenge")
        return issued

    def record_token(self, code: str, issued: IssuedCode, token: str) -> None:
        """Remember the token issued for a redeemed ``code``, to revoke it on replay."""
        self._redeemed[code] = (token, issued.expires_at)

    def replayed_token(self, code: str) -> str | None:
        """The token issued for ``code`` if it was already redeemed (and not yet expired)."""
        self._forget_expired()
        found = self._redeemed.pop(code, None)
        return found[0] if found else None

    def _forget_expired(self) -> None:
        now = self._clock()
        for code in [code for code, item in self._pending.items() if item.expires_at < now]:
            del self._pending[code]
        for code in [code for code, (_, expires) in self._redeemed.items() if expires < now]:
            del self._redeemed[code]
