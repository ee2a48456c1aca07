"""A second opinion: generated credentials canonicalized by the verifier (pyld with the pinned
contexts processed once, RDFC-1.0 escapes) and by pyoxigraph (Rust; its own JSON-LD expansion
with the contexts inlined, its own RDFC-1.0) give the same canonical N-Quads.

One documented defect of pyoxigraph: when a credential holds two endorsements whose proofs
are alike but for the blank-node graph they sit in, pyoxigraph labels those blank nodes
differently. The datasets are the same (isomorphic); the labels are chosen by Hash N-Degree
Quads (RDFC-1.0 §4.9), which tells the nodes apart through their graph names (§4.8, position
``g``). The official vector with such endorsements (``complete-openbadgecredential``, signed by
the reference implementation) verifies with the verifier's labels and not with pyoxigraph's.

The test runs 1,000 credentials (13 s of CPU; 10,000 take over two minutes on two shared
cores): ``python benchmarks/verify.py --differential 10000`` runs 10,000 the same way.
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from badgegate.testing.linked_data import (
    isomorphic,
    oxigraph_nquads,
    pyoxigraph_labelling_defect,
    varied_credentials,
)
from badgegate.verify import canonical_nquads
from badgegate.verify.contexts import pinned
from badgegate.verify.keys import from_multikey, multibase_decode

pytestmark = pytest.mark.slow

COUNT = 1_000
SEED = 20260101


def test_the_verifier_and_pyoxigraph_agree_on_generated_credentials():
    contexts = pinned()
    unexplained, documented = [], 0
    covered = {"control escapes": 0, "language tags": 0, "language maps": 0, "numbers": 0}
    for index, document in enumerate(varied_credentials(SEED, COUNT)):
        ours = canonical_nquads(document)
        assert ours.findings == [], index
        assert ours.nquads is not None
        theirs = oxigraph_nquads(document, contexts)
        if ours.nquads != theirs:
            if pyoxigraph_labelling_defect(document, ours.nquads, theirs):
                documented += 1
            else:
                unexplained.append(index)
        covered["control escapes"] += bool(
            re.search(r"\\u00[01][0-9A-F]|\\u007F|\\b|\\f", ours.nquads)
        )
        covered["language tags"] += bool(re.search(r'"@[a-z]', ours.nquads))
        covered["language maps"] += "terms#label" in ours.nquads
        covered["numbers"] += "XMLSchema#double" in ours.nquads
    assert unexplained == []
    assert all(count >= COUNT // 10 for count in covered.values()), covered
    assert 0 < documented < COUNT // 20


@pytest.mark.shared
def test_pyoxigraphs_labels_fail_the_official_signature_ours_pass(shared_dir):
    folder = shared_dir / "ob3-official/vectors/spec-rendered-2024-04"
    path = folder / "complete-openbadgecredential.ldp-eddsa-rdfc-2022.json"
    signed = json.loads(path.read_text())
    (proof,) = signed.pop("proof")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = signed["@context"]
    key = from_multikey(proof["verificationMethod"].split("#")[1])
    signature = multibase_decode(proof["proofValue"])

    def verifies(document_nquads: str) -> bool:
        options_nquads = canonical_nquads(options).nquads or ""
        data = b"".join(
            hashlib.sha256(text.encode()).digest() for text in (options_nquads, document_nquads)
        )
        return key.verify(signature, data)

    ours = canonical_nquads(signed).nquads or ""
    theirs = oxigraph_nquads(signed, pinned())
    assert verifies(ours) and not verifies(theirs)
    assert isomorphic(ours, theirs)


def test_pyld_alone_writes_control_characters_raw():
    """What the RDFC-1.0 escapes fix: pyld's URDNA2015 output writes U+0001 raw, where
    canonical N-Quads (RDFC-1.0 §4.5, RDF 1.2 N-Quads' canonical form) writes \\u0001."""
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
