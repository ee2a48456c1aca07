"""The variant catalogue: behaviour OB 3.0 allows, switched on with ``--variant NAME``.

Variants are the opposite of faults (:mod:`badgegate.engine.faults`): each one is a choice a
correct OB 3.0 Host may make differently from the reference engine's default, so a suite that
fails on a variant has a false positive. Every entry quotes the text of the standard that allows
the behaviour; ``tests/engine/test_variants.py`` demonstrates every entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PLAIN = "plain"
PAGE_SIZE_50 = "page-size-50"
JWS_LIST = "jws-list"
REPLACE_200 = "replace-200"
CONTENT_TYPE_ECHO = "content-type-echo"
AUTHORIZATION_CODE_ONLY = "authorization-code-only"

#: The page size of ``page-size-50`` when a list request gives no ``limit``.
VARIANT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Variant:
    """One switchable, legitimate behaviour: its name, what it does and what allows it."""

    name: str
    description: str
    #: The text of the standard that allows the behaviour, with its section.
    allowed_by: str


CATALOGUE: tuple[Variant, ...] = (
    Variant(
        PLAIN,
        "a Host with only what OB 3.0 defines: no extension API (/ext/* answers 404 like any "
        "unknown path), no provider-state endpoint even with --test-endpoints, and neither in "
        "the Service Description",
        "OB 3.0 §6 Open Badges API and its OpenAPI file: the API is getCredentials, "
        "upsertCredential, getProfile, putProfile and getServiceDescription (with the OAuth "
        "endpoints of §7), nothing more; the Conformance and Certification Guide asks a Host "
        "for these alone",
    ),
    Variant(
        PAGE_SIZE_50,
        f"a list request without limit gets a page of {VARIANT_PAGE_SIZE} (the default engine: "
        "100); X-Total-Count and the Link header follow the page size served",
        'OB 3.0 §6.1 getCredentials, OpenAPI parameter limit: "required": false, "The maximum '
        'number of OpenBadgeCredentials to return per page."; neither the spec nor its OpenAPI '
        "file sets a default page size",
    ),
    Variant(
        JWS_LIST,
        "credentials uploaded as compact JWS (POST /credentials, text/plain) are served in "
        "compactJwsString[] of GET /credentials, never decoded into credential[], and a page "
        "carries each member only when it has items (a page of JWS alone has no credential[])",
        "OB 3.0 §6.1 GetOpenBadgeCredentialsResponse: credential [0..*] and compactJwsString "
        '[0..*], neither required; "OpenBadgeCredentials that have been signed with the VC-JWT '
        'Proof Format MUST be in the `compactJwsString` array."',
    ),
    Variant(
        REPLACE_200,
        "POST /credentials of a credential the Host already holds (same issuer id and id) "
        "answers 200 with the credential from the request, never 304; the stored one changes "
        "only when the request's validFrom is newer",
        'OB 3.0 §6.2 upsertCredential, OpenAPI: 200 "The AchievementCredential was '
        "successfully replaced on the [=resource server=]. The response body MUST be the "
        'AchievementCredential in the request."; 304 is for a request that "the client [...] '
        'made [...] conditional", which an upsert is not; §8.5: of equal credentials the one '
        "with the newer validFrom is current",
    ),
    Variant(
        CONTENT_TYPE_ECHO,
        "POST /credentials sent as application/vc+ld+json answers 200/201 with Content-Type "
        "application/vc+ld+json (when Accept allows it); every other answer stays "
        "application/json",
        "OB 3.0 §6.2 upsertCredential: a credential not signed with VC-JWT is sent as "
        "application/json or application/vc+ld+json, and the 200/201 body, under the same media "
        'type rule, "MUST be the AchievementCredential in the request"',
    ),
    Variant(
        AUTHORIZATION_CODE_ONLY,
        "the token endpoint offers the authorization code grant and refresh tokens only: "
        "client_credentials answers 400 unsupported_grant_type; discovery advertises the "
        "authorizationCode flow alone; static bearer tokens keep working",
        "OB 3.0 §7 OAuth 2.0: the Authorization Code Grant is the only grant it specifies "
        "(client credentials are out of its scope), advertised as the authorizationCode flow of "
        'the OAuth2ACG security scheme; RFC 6749 §5.2: "unsupported_grant_type: The '
        'authorization grant type is not supported by the authorization server."',
    ),
)

VARIANT_NAMES: tuple[str, ...] = tuple(variant.name for variant in CATALOGUE)


def active_variants(names: Iterable[str]) -> frozenset[str]:
    """Return ``names`` as a set, refusing unknown ones with the list of known variants."""
    chosen = frozenset(names)
    unknown = sorted(chosen - set(VARIANT_NAMES))
    if unknown:
        raise ValueError(
            f"unknown variant(s) {', '.join(unknown)}; known variants: {', '.join(VARIANT_NAMES)}"
        )
    return chosen
