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
        "OB 3.0 Conformance and Certification Guide, Host (Service Provider Read and Write): "
        'it "MUST serve discovery, OAuth endpoints, getCredentials, getProfile" and '
        "upsertCredential; OB 3.0 §6 and its OpenAPI file define these operations and no others",
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
