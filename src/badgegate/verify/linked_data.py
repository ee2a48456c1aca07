"""JSON-LD to canonical N-Quads, offline and in safe mode, with the pinned contexts processed once.

pyld does the JSON-LD work (expansion, deserialization to RDF) with a document loader that
serves only the pinned contexts. Processing a context is most of the cost of a small
credential, so each result of context processing is kept per context set, keyed by the active
context it started from and the context it applied: the second credential with the same
``@context`` reuses every active context the first one built, type-scoped ones included. Safe
mode: a property whose term no context defines, and an ``@id``/``@type`` left as a relative
IRI, would be dropped from what is signed, so each is an ``undefined-term`` finding.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator, Mapping
from typing import Any

from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from badgegate.findings import Finding
from badgegate.verify import contexts
from badgegate.verify.rdfc import Rdfc10

# Processed contexts kept per context set; the pinned contexts need a few hundred.
PROCESSED_CONTEXTS = 4096
EXPANDED_IRIS = 65536
_MISSING = object()
# Deeper than any credential; far below what pyld's recursion can take.
MAX_DEPTH = 64
MAX_NODES = 100_000
_IRI_SCHEME = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."


@dataclasses.dataclass
class Canonical:
    """The canonical N-Quads of a document (None when it could not be made) and findings."""

    nquads: str | None
    findings: list[Finding]


class ContextSet:
    """The contexts a document may name (URL -> context document) and their processing cache."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self.documents = dict(documents)
        self.resolved: LRUCache[str, Any] = LRUCache(maxsize=PROCESSED_CONTEXTS)
        self.processed: LRUCache[tuple[Any, ...], tuple[Any, Any]] = LRUCache(
            maxsize=PROCESSED_CONTEXTS
        )
        self.iris: LRUCache[tuple[Any, ...], Any] = LRUCache(maxsize=EXPANDED_IRIS)

    def load(self, url: str, options: Any = None) -> dict[str, Any]:
        """pyld's document loader: a pinned context, or ``ContextNotPinned``."""
        if url not in self.documents:
            raise contexts.ContextNotPinned(url)
        return {"contextUrl": None, "documentUrl": url, "document": self.documents[url]}

    def options(self) -> dict[str, Any]:
        """pyld options for one operation: this loader, this set's resolved contexts."""
        return {
            "documentLoader": self.load,
            "contextResolver": ContextResolver(self.resolved, self.load),
            # None keeps a relative IRI relative (pyld resolves against an example base for ""),
            # so safe mode sees it
            "base": None,
            "processingMode": "json-ld-1.1",
        }


@functools.cache
def pinned_contexts() -> ContextSet:
    """The context set of the contexts shipped in the package (one per process)."""
    return ContextSet(contexts.pinned())


class _Processor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, reusing processed contexts and noting what expansion dropped."""

    def __init__(self, context_set: ContextSet) -> None:
        super().__init__(on_property_dropped=self._dropped)
        self.context_set = context_set
        self.dropped: list[str | None] = []
        self.expanded: Any = None

    def _dropped(self, expanded_property: str | None) -> None:
        self.dropped.append(expanded_property)

    def expand(self, input_: Any, options: Any) -> Any:
        self.expanded = super().expand(input_, options)
        return self.expanded

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        # A URL or a list of URLs is its own key; a context object is keyed by identity (held
        # in the entry, so the id cannot be reused while the entry lives).
        if isinstance(local_ctx, str):
            local_key: Any = local_ctx
        elif isinstance(local_ctx, list) and all(isinstance(item, str) for item in local_ctx):
            local_key = tuple(local_ctx)
        else:
            local_key = id(local_ctx)
        key = (active_ctx.get("_uuid"), local_key, override_protected, propagate, validate_scoped)
        entry = self.context_set.processed.get(key)
        if entry is not None and (not isinstance(local_key, int) or entry[0] is local_ctx):
            return entry[1]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        self.context_set.processed[key] = (local_ctx, result)
        return result

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        # With a finished (frozen) active context and outside context processing, an IRI's
        # expansion depends only on that context and these arguments: it is kept with the
        # context set. A context still being built changes, so it is never cached.
        if local_ctx is not None or not isinstance(active_ctx, frozendict):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (active_ctx["_uuid"], value, base, vocab)
        expanded = self.context_set.iris.get(key, _MISSING)
        if expanded is _MISSING:
            expanded = super()._expand_iri(active_ctx, value, base, vocab)
            self.context_set.iris[key] = expanded
        return expanded


def canonical_nquads(document: Any, context_set: ContextSet | None = None) -> Canonical:
    """RDFC-1.0 canonical N-Quads of a JSON-LD ``document``; never raises for bad input."""
    shape = _shape_finding(document)
    if shape is not None:
        return Canonical(None, [shape])
    processor = _Processor(context_set or pinned_contexts())
    try:
        dataset = processor.to_rdf(document, processor.context_set.options())
    except RecursionError:
        return Canonical(None, [Finding("document-too-deep", "nested too deeply to process")])
    except jsonld.JsonLdError as error:
        return Canonical(None, [_jsonld_finding(error)])
    findings = _safe_mode_findings(processor)
    if findings:
        return Canonical(None, findings)
    nquads = Rdfc10().canonicalize(dataset)
    try:
        nquads.encode("utf-8")
    except UnicodeEncodeError as error:
        message = (
            f"holds U+{ord(nquads[error.start]):04X}, an unpaired surrogate UTF-8 cannot carry"
        )
        return Canonical(None, [Finding("document-encoding", message)])
    return Canonical(nquads, [])


def _shape_finding(document: Any) -> Finding | None:
    """A document JSON-LD processing should not be given: not an object, too deep or large."""
    if not isinstance(document, dict):
        return Finding("document-not-object", "a JSON-LD document here is a JSON object")
    level: list[Any] = [document]
    depth = nodes = 0
    while level:
        depth, nodes = depth + 1, nodes + len(level)
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            return Finding(
                "document-too-deep",
                f"more than {MAX_DEPTH} levels or {MAX_NODES} objects and arrays; not processed",
            )
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
    try:
        json.dumps(document)
    except (TypeError, ValueError):
        return Finding("document-not-json", "holds values JSON cannot represent")
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else current.__cause__
        current = current or None


def _jsonld_finding(error: jsonld.JsonLdError) -> Finding:
    for cause in _causes(error):
        if isinstance(cause, contexts.ContextNotPinned):
            return Finding(
                "context-not-pinned",
                f"the context {cause.url} is not one badgegate ships; it is not fetched",
                pointer="/@context",
                actual=cause.url,
            )
    messages = [_message(cause) for cause in _causes(error)]
    return Finding("jsonld-invalid", f"not processable as JSON-LD: {messages[-1]}")


def _message(error: BaseException) -> str:
    first = error.args[0] if error.args else error
    return str(first).splitlines()[0] if str(first) else type(error).__name__


def _safe_mode_findings(processor: _Processor) -> list[Finding]:
    findings = [
        Finding(
            "undefined-term",
            f"the term {term!r} is defined by no context; it would be dropped from what is signed",
            actual=term,
        )
        for term in dict.fromkeys(processor.dropped)
    ]
    findings.extend(
        Finding(
            "undefined-term",
            f"{keyword} {value!r} is a relative IRI (an undefined term?); it would be dropped "
            "from what is signed",
            actual=value,
        )
        for keyword, value in dict.fromkeys(_relative_iris(processor.expanded))
    )
    return findings


def _relative_iris(expanded: Any) -> Iterator[tuple[str, str]]:
    """``(keyword, value)`` for each ``@id`` or ``@type`` of the expanded form not absolute."""
    stack = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key in ("@id", "@type"):
                for iri in value if isinstance(value, list) else [value]:
                    if isinstance(iri, str) and not _absolute(iri):
                        yield key, iri
            elif key != "@value":
                stack.append(value)


def _absolute(iri: str) -> bool:
    if iri.startswith("_:") or iri.startswith("@"):
        return True
    scheme, colon, _ = iri.partition(":")
    return bool(colon and scheme and scheme[0].isalpha() and not scheme.strip(_IRI_SCHEME))
