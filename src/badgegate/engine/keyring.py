"""Each tenant's issuer keys: made on first use and kept in the store, or brought by
``engine serve --issuer-key FILE``; published at ``{API base}/ext/issuers/{uuid}/keys``.

A tenant signs with its first stored key, or with the ``--issuer-key`` key when one is given
(kept in the store beside the others, so credentials signed earlier still verify from the
published list). ``{uuid}`` is the bare UUID of the tenant's Profile id. The initial Profile
names the key's verification method (``identifierType`` ``ext:verificationMethod``) and that
URL (``ext:verificationKeys``; not on a plain Host, which has no extension API).
"""

from __future__ import annotations

import hashlib
import uuid

from badgegate.engine.faults.catalogue import OTHER_KEY
from badgegate.engine.model.proofs import IssuerKey
from badgegate.engine.storage.store import Store

#: The path of a tenant's public keys, under the API base; ``{issuer}`` is the Profile's UUID.
KEYS_PATH = "/ext/issuers/{issuer}/keys"
KEYS_IDENTIFIER_TYPE = "ext:verificationKeys"
#: The ``identifierType`` of the Profile entry naming the verification method of the tenant's key.
METHOD_IDENTIFIER_TYPE = "ext:verificationMethod"
# other-key: a key no tenant publishes.
_OTHER_KEY = IssuerKey.from_raw(hashlib.sha256(b"badgegate other-key fault").digest())


def issuer_uuid(tenant: str) -> str:
    """The bare UUID of a tenant's Profile id (``uuid5(NAMESPACE_URL, tenant URN)``)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:badgegate:tenant:{tenant}"))


def keys_url(api_url: str, tenant: str) -> str:
    """The URL of the tenant's public keys on the engine whose API is at ``api_url``."""
    return api_url + KEYS_PATH.format(issuer=issuer_uuid(tenant))


class Keyring:
    """The issuer keys of every tenant, read from the store once per process."""

    def __init__(self, store: Store, issuer_key: IssuerKey | None, faults: frozenset[str]) -> None:
        self.store = store
        self.issuer_key = issuer_key
        self.faults = faults
        self._signing: dict[str, IssuerKey] = {}

    def signing_key(self, tenant: str) -> IssuerKey:
        """The key the tenant signs with (other-key: one it does not publish), made and stored
        on first use (blocking: call it through the store's runner)."""
        found = self.tenant_key(tenant)
        return _OTHER_KEY if OTHER_KEY in self.faults else found

    def tenant_key(self, tenant: str) -> IssuerKey:
        """The tenant's own current key, made and stored on first use (blocking)."""
        found = self._signing.get(tenant)
        if found is None:
            seeds = self.store.issuer_seeds(tenant)
            wanted = self.issuer_key or (
                IssuerKey.from_raw(bytes.fromhex(seeds[0])) if seeds else IssuerKey.generate()
            )
            if wanted.raw.hex() not in seeds:
                seeds = self.store.add_issuer_seed(tenant, issuer_uuid(tenant), wanted.raw.hex())
            found = self.issuer_key or IssuerKey.from_raw(bytes.fromhex(seeds[0]))
            self._signing[tenant] = found
        return found

    def published_for_tenant(self, tenant: str) -> list[IssuerKey]:
        """The keys the tenant publishes (blocking)."""
        return self.published(issuer_uuid(tenant))

    def published(self, issuer: str) -> list[IssuerKey]:
        """The keys published for the Profile UUID ``issuer`` (blocking)."""
        return [
            IssuerKey.from_raw(bytes.fromhex(seed)) for seed in self.store.published_seeds(issuer)
        ]
