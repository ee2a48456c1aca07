"""RDF Dataset Canonicalization (RDFC-1.0) on pyld's URDNA2015.

RDFC-1.0 is URDNA2015 with one difference that matters here: its output is canonical N-Quads
(RDFC-1.0 §4.5, the canonical form of RDF 1.2 N-Quads), which escapes every control character
in a literal — ``\\b``, ``\\t``, ``\\n``, ``\\f``, ``\\r`` as ECHAR and the rest of
U+0000–U+001F and U+007F as ``\\u00XX`` — where pyld escapes only tab, line feed and carriage
return and writes the others raw. The escaping feeds the first-degree hashes (§4.7) as well as
the output, so both are done here with the canonical escapes; the rest of the algorithm is
pyld's.
"""

from __future__ import annotations

import re
from typing import Any

from pyld.canon import URDNA2015
from pyld.nquads import serialize_nquad

# pyld leaves these raw (it escapes tab, line feed and carriage return itself).
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ECHAR = {"\b": "\\b", "\f": "\\f"}
N_QUADS = {"format": "application/n-quads"}


def _canonical_escapes(line: str) -> str:
    """Rewrite the control characters pyld wrote raw as canonical N-Quads escapes."""
    if _RAW_CONTROL.search(line) is None:
        return line
    return _RAW_CONTROL.sub(
        lambda match: _ECHAR.get(match.group(), f"\\u{ord(match.group()):04X}"), line
    )


def canonical_quad(quad: dict[str, Any]) -> str:
    """One quad in canonical N-Quads form, with its line feed."""
    return _canonical_escapes(serialize_nquad(quad))


class Rdfc10(URDNA2015):  # type: ignore[misc]
    """RDFC-1.0 with SHA-256: canonical blank node labels and canonical N-Quads output."""

    def canonicalize(self, dataset: dict[str, Any]) -> str:
        """The canonical N-Quads document of ``dataset`` (pyld's RDF dataset form)."""
        text: str = self.main(dataset, N_QUADS)
        lines = [_canonical_escapes(line) for line in text.split("\n") if line]
        return "".join(line + "\n" for line in sorted(lines))

    def hash_first_degree_quads(self, id_: str) -> str:
        """§4.7: hash the quads naming ``id_``, itself as ``_:a`` and other blank nodes as
        ``_:z``, each serialized in canonical N-Quads form."""
        info = self.blank_node_info[id_]
        if "hash" not in info:
            nquads = sorted(
                canonical_quad(
                    {
                        key: _first_degree(component, id_) if key != "predicate" else component
                        for key, component in quad.items()
                    }
                )
                for quad in info["quads"]
            )
            info["hash"] = self.hash_nquads(nquads)
        return str(info["hash"])


def _first_degree(component: dict[str, Any], id_: str) -> dict[str, Any]:
    """A quad component as Hash First Degree Quads serializes it (§4.7 step 3.1.1)."""
    if component["type"] != "blank node":
        return component
    return {"type": "blank node", "value": "_:a" if component["value"] == id_ else "_:z"}
