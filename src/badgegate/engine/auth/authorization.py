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
  ``invalid_grant`` and revokes the token issued for it (RFC 6749 §4.1.2); a code presented
  by another client, or with another redirect URI, is ``invalid_grant`` and stays as it was.

Codes live in the engine's memory: a restart forgets the codes not yet redeemed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from badgegate.scopes import ALL_SCOPES

#: How long an authorization code may be redeemed, in seconds (OB 3.0 recommends 600 at most).
CODE_TTL = 300
#: How many codes one client may hold at once, redeemed or not, until they expire.
CODES_PER_CLIENT = 16
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


@dataclass
class _Code:
    """An issued code's state: ``spent`` once redeemed (or failed), ``token`` issued for it."""

    issued: IssuedCode
    spent: bool = False
    token: str | None = None


class AuthorizationCodes:
    """The codes issued and not yet expired; each is redeemed at most once.

    A code is kept until it expires, redeemed or not, so that a replay can be told from an
    unknown code. Codes all live :attr:`ttl` seconds, so they expire in the order they were
    issued: forgetting them looks only at the oldest. A client holds at most
    :data:`CODES_PER_CLIENT` codes; a new one pushes out its oldest.
    """

    def __init__(self, ttl: float = CODE_TTL, clock: Callable[[], float] = time.time) -> None:
        self.ttl = ttl
        self._clock = clock
        #: Every code not yet expired, in the order issued.
        self._codes: OrderedDict[str, _Code] = OrderedDict()
        #: Each client's codes in the order issued (an ordered set).
        self._by_client: dict[str, dict[str, None]] = {}

    def issue(self, request: AuthorizationRequest) -> str:
        """A new code for a granted ``request``."""
        self._forget_expired()
        while len(self._by_client.get(request.client_id, ())) >= CODES_PER_CLIENT:
            self._forget(next(iter(self._by_client[request.client_id])))
        code = secrets.token_urlsafe(32)
        expires_at = self._clock() + self.ttl
        self._codes[code] = _Code(
            IssuedCode(
                request.client_id,
                request.redirect_uri,
                request.scopes,
                request.code_challenge,
                expires_at,
            )
        )
        self._by_client.setdefault(request.client_id, {})[code] = None
        return code

    def redeem(
        self, code: str, client_id: str, redirect_uri: str | None, verifier: str | None
    ) -> IssuedCode:
        """Take ``code`` for ``client_id`` and check the PKCE verifier against it; once the
        client and redirect URI match, whatever follows, the code cannot be used again."""
        if redirect_uri is None:
            raise AuthorizationError("invalid_request", "redirect_uri is required")
        if verifier is None or not _VERIFIER.fullmatch(verifier):
            raise AuthorizationError(
                "invalid_request", "code_verifier is required: 43 to 128 unreserved characters"
            )
        found = self._live(code)
        if found is None or found.spent:
            raise AuthorizationError("invalid_grant", "the code is unknown, used or expired")
        issued = found.issued
        if issued.client_id != client_id:
            raise AuthorizationError("invalid_grant", "the code was issued to another client")
        if redirect_uri != issued.redirect_uri:
            raise AuthorizationError(
                "invalid_grant", "redirect_uri differs from the authorization request's"
            )
        found.spent = True
        if not pkce_matches(verifier, issued.code_challenge):
            raise AuthorizationError("invalid_grant", "code_verifier does not match the challenge")
        return issued

    def record_token(self, code: str, issued: IssuedCode, token: str) -> None:
        """Remember the token issued for a redeemed ``code``, to revoke it on replay."""
        found = self._codes.get(code)
        if found is not None and found.issued is issued:
            found.token = token

    def replayed_token(self, code: str, client_id: str) -> str | None:
        """The token issued for ``code`` if ``client_id`` already redeemed it (and the code
        has not expired); the code is forgotten then, so the token is revoked once.

        Another client's code is left as it is: a client cannot revoke another's token."""
        found = self._live(code)
        if found is None or found.token is None or found.issued.client_id != client_id:
            return None
        self._forget(code)
        return found.token

    def _live(self, code: str) -> _Code | None:
        """The state of ``code`` unless unknown or expired."""
        self._forget_expired()
        found = self._codes.get(code)
        return None if found is None or found.issued.expires_at < self._clock() else found

    def _forget(self, code: str) -> None:
        found = self._codes.pop(code)
        held = self._by_client[found.issued.client_id]
        del held[code]
        if not held:
            del self._by_client[found.issued.client_id]

    def _forget_expired(self) -> None:
        now = self._clock()
        while self._codes:
            oldest = next(iter(self._codes))
            if self._codes[oldest].issued.expires_at >= now:
                return
            self._forget(oldest)
