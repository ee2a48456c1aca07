"""A second opinion: generated credentials canonicalized by the verifier (pyld with the pinned
contexts processed once, RDFC-1.0 escapes) and by pyoxigraph (Rust; its own JSON-LD expansion
with the contexts inlined, its own RDFC-1.0) give the same canonical N-Quads.

The test runs 1,000 credentials (13 s of CPU; 10,000 take over two minutes on two shared
cores): ``python benchmarks/verify.py --differential 10000`` runs 10,000 the same way.
"""

from __future__ import annotations

import re

import pytest

from badgegate.testing.linked_data import oxigraph_nquads, varied_credentials
from badgegate.verify import canonical_nquads
from badgegate.verify.contexts import pinned

pytestmark = pytest.mark.slow

COUNT = 1_000
SEED = 20260101


def test_the_verifier_and_pyoxigraph_agree_on_generated_credentials():
    contexts = pinned()
    disagreements = []
    covered = {"control escapes": 0, "language tags": 0, "language maps": 0, "numbers": 0}
    for index, document in enumerate(varied_credentials(SEED, COUNT)):
        ours = canonical_nquads(document)
        assert ours.findings == [], index
        assert ours.nquads is not None
        if ours.nquads != oxigraph_nquads(document, contexts):
            disagreements.append(index)
        covered["control escapes"] += bool(
            re.search(r"\\u00[01][0-9A-F]|\\u007F|\\b|\\f", ours.nquads)
        )
        covered["language tags"] += bool(re.search(r'"@[a-z]', ours.nquads))
        covered["language maps"] += "terms#label" in ours.nquads
        covered["numbers"] += "XMLSchema#double" in ours.nquads
    assert disagreements == []
    assert all(count >= COUNT // 10 for count in covered.values()), covered


def test_pyld_alone_writes_control_characters_raw():
    """What the RDFC-1.0 escapes fix: pyld's URDNA2015 output writes U+0001 raw, where
    canonical N-Quads (RDFC-1.0, which uses RDF 1.2 N-Quads' canonical form) writes \\u0001."""
    from pyld import jsonld

    document = next(varied_credentials(SEED, 1))
    document["name"] = "a\x01b\x08c"
    contexts = pinned()
    ours = canonical_nquads(document).nquads
    pyld_alone = jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": lambda url, options=None: {
                "contextUrl": None,
                "documentUrl": url,
                "document": contexts[url],
            },
        },
    )
    assert '"a\\u0001b\\bc"' in ours and ours == oxigraph_nquads(document, contexts)
    assert '"a\x01b\x08c"' in pyld_alone
