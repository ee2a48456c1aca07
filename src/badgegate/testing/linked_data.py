"""Generated JSON-LD credentials and a second canonicalizer, for the verifier's differential test.

:func:`varied_credentials` makes seeded OB 3.0 credentials whose text runs through every Unicode
general category (unpaired surrogates aside: UTF-8 cannot carry them), control characters,
language-tagged strings and language maps (through an inline context), numbers, nested
objects (evidence, results, alignments) and endorsements carrying their own proofs (blank-node
named graphs). :func:`oxigraph_nquads` is the
independent implementation: pyoxigraph (Rust) expands the credential with the contexts placed
inline, makes its RDF dataset and canonicalizes it with RDFC-1.0.
"""

from __future__ import annotations

import copy
import json
import random
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from badgegate.samples import sample_credential

# An inline context adding terms nothing else defines: a language map and a typed number.
LANGUAGE_MAP_TERM = "labelByLanguage"
INLINE_CONTEXT = {
    LANGUAGE_MAP_TERM: {"@id": "https://example.org/terms#label", "@container": "@language"},
    "rank": {"@id": "https://example.org/terms#rank"},
}
LANGUAGES = ("en", "de", "fr-CA", "zh-Hant", "ar", "x-private")


@cache
def _characters_by_category() -> dict[str, list[str]]:
    """Code points of every general category (a sample of each), surrogates left out."""
    categories: dict[str, list[str]] = {}
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category == "Cs":
            continue
        bucket = categories.setdefault(category, [])
        if len(bucket) < 400 or code % 97 == 0:
            bucket.append(chr(code))
    return categories


def _text(rng: random.Random) -> str:
    categories = _characters_by_category()
    names = sorted(categories)
    pieces = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.25:
            pieces.append(rng.choice(categories[rng.choice(names)]))
        elif roll < 0.4:
            pieces.append(chr(rng.choice([*range(0x20), 0x7F, *range(0x80, 0xA0)])))
        elif roll < 0.5:
            pieces.append(rng.choice(['"', "\\", "\\n", "\\u0000", "<>", "\u2028", "é", "🎓"]))
        else:
            pieces.append(rng.choice(["Badge", "criteria ", "naïve", "Δ", "学習", " ", "42"]))
    return "".join(pieces)


def _string(rng: random.Random) -> Any:
    """A plain string, or a language-tagged value object."""
    if rng.random() < 0.2:
        return {"@value": _text(rng), "@language": rng.choice(LANGUAGES)}
    return _text(rng)


def _number(rng: random.Random) -> Any:
    return rng.choice([0, -1, 7, 2**53 + 1, 1.5, -0.25, 1e-7, 123456.789, 3.0])


def _evidence(rng: random.Random, index: int) -> dict[str, Any]:
    return {
        "id": f"https://example.org/evidence/{index}",
        "type": ["Evidence"],
        "name": _string(rng),
        "narrative": _string(rng),
        "description": _string(rng),
    }


def _alignment(rng: random.Random) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetName": _string(rng),
        "targetUrl": f"https://example.org/framework/{rng.randint(1, 99)}",
        "targetDescription": _string(rng),
    }


def _endorsement(rng: random.Random, index: int, created: str) -> dict[str, Any]:
    """An endorsement carrying its own proof: a blank-node named graph in the dataset."""
    return {
        "id": f"https://example.org/endorsements/{index}",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": _string(rng),
        "issuer": {"id": "https://endorser.example/", "type": ["Profile"], "name": _text(rng)},
        "validFrom": "2024-02-01T00:00:00Z",
        "credentialSubject": {"id": "https://issuer.example/", "type": ["EndorsementSubject"]},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": created,
            "verificationMethod": "https://endorser.example/#key-1",
            "proofPurpose": "assertionMethod",
            # few values, so two endorsements often carry proofs alike but for their graphs
            "proofValue": "z" + rng.choice("AB") * 86,
        },
    }


def varied_credential(rng: random.Random, index: int) -> dict[str, Any]:
    """One generated credential (about 1-6 KB)."""
    credential = copy.deepcopy(sample_credential(f"00000000-0000-4000-8000-{index:012d}"))
    credential["name"] = _string(rng)
    credential["description"] = _string(rng)
    achievement = credential["credentialSubject"]["achievement"]
    achievement["name"] = _string(rng)
    achievement["criteria"]["narrative"] = _string(rng)
    achievement["tag"] = [_text(rng) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.5:
        achievement["alignment"] = [_alignment(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        achievement["creditsAvailable"] = _number(rng)
    if rng.random() < 0.5:
        credential["evidence"] = [_evidence(rng, n) for n in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        credential["credentialSubject"]["result"] = [
            {"type": ["Result"], "value": _text(rng)} for _ in range(rng.randint(1, 2))
        ]
    if rng.random() < 0.15:
        created = rng.choice(["2024-02-01T00:00:00Z", "2024-02-02T00:00:00Z"])
        credential["endorsement"] = [
            _endorsement(rng, n, created) for n in range(rng.randint(1, 2))
        ]
    if rng.random() < 0.3:
        credential["@context"] = [*credential["@context"], INLINE_CONTEXT]
        credential[LANGUAGE_MAP_TERM] = {
            language: _text(rng) for language in rng.sample(LANGUAGES, rng.randint(1, 3))
        }
        credential["rank"] = _number(rng)
    return credential


def varied_credentials(seed: int, count: int) -> Iterator[dict[str, Any]]:
    """``count`` generated credentials, the same for the same ``seed``."""
    rng = random.Random(seed)
    for index in range(count):
        yield varied_credential(rng, index)


def inline_contexts(document: Any, contexts: Mapping[str, Any]) -> Any:
    """``document`` with every context URL (at any depth) replaced by that context's content."""
    if isinstance(document, list):
        return [inline_contexts(item, contexts) for item in document]
    if not isinstance(document, dict):
        return document
    inlined = {name: inline_contexts(value, contexts) for name, value in document.items()}
    if "@context" in document:
        named = document["@context"]
        named = named if isinstance(named, list) else [named]
        inlined["@context"] = [
            contexts[item]["@context"] if isinstance(item, str) else item for item in named
        ]
    return inlined


def oxigraph_nquads(document: dict[str, Any], contexts: Mapping[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads by pyoxigraph (contexts inlined); raises if it refuses."""
    import pyoxigraph

    text = json.dumps(inline_contexts(document, contexts), ensure_ascii=False)
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.JSON_LD))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return "".join(sorted(f"{quad} .\n" for quad in dataset))


def sign_credential(
    document: dict[str, Any], private_key: Any, verification_method: str, created: str
) -> dict[str, Any]:
    """``document`` (any proof it had replaced) with an ``eddsa-rdfc-2022`` proof made by
    ``private_key`` (Ed25519)."""
    import hashlib

    from badgegate.verify import canonical_nquads
    from badgegate.verify.keys import base58btc_encode

    document = {name: value for name, value in document.items() if name != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    canonical = [
        canonical_nquads(part).nquads or ""
        for part in ({**options, "@context": document["@context"]}, document)
    ]
    data = b"".join(hashlib.sha256(text.encode("utf-8")).digest() for text in canonical)
    proof_value = "z" + base58btc_encode(private_key.sign(data))
    return {**document, "proof": {**options, "proofValue": proof_value}}


def isomorphic(first: str, second: str) -> bool:
    """Whether two N-Quads documents hold the same dataset up to blank node labels."""
    import pyoxigraph

    datasets = []
    for text in (first, second):
        dataset = pyoxigraph.Dataset(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_QUADS))
        dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
        datasets.append({str(quad) for quad in dataset})
    return datasets[0] == datasets[1]


def pyoxigraph_labelling_defect(document: dict[str, Any], ours: str, theirs: str) -> bool:
    """Whether a disagreement is pyoxigraph's documented one: endorsement proofs alike but for
    their blank-node graph, labelled otherwise for the same (isomorphic) dataset."""
    endorsements = document.get("endorsement")
    proofs = [
        json.dumps(item.get("proof"), sort_keys=True)
        for item in (endorsements if isinstance(endorsements, list) else [])
        if isinstance(item, dict)
    ]
    return len(proofs) != len(set(proofs)) and isomorphic(ours, theirs)
