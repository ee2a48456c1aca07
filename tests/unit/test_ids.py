"""Deterministic ids: ``uuid5(namespace, "<kind>:<legacy id>")`` (ARCHITECTURE.md)."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from badgegate.ids import RECORD_KINDS, RecordKind, record_key, record_urn, uuid5


@given(namespace=st.uuids(), name=st.text())
def test_uuid5_equals_the_standard_library(namespace: uuid.UUID, name: str) -> None:
    try:
        expected = uuid.uuid5(namespace, name)
    except UnicodeEncodeError:
        return  # lone surrogates: neither side can encode them
    assert uuid5(namespace, name) == expected


def test_record_keys_follow_the_design_formula() -> None:
    namespace = uuid.UUID("12345678-1234-5678-1234-567812345678")
    for kind in RECORD_KINDS:
        assert record_key(namespace, kind, "b-1") == uuid.uuid5(namespace, f"{kind}:b-1")
    assert record_urn(namespace, "credential", "b-1").startswith("urn:uuid:")


#: Texts UTF-8 can carry (lone surrogates have no uuid5 on either side).
ENCODABLE = st.text(st.characters(exclude_categories=("Cs",)))


@given(namespace=st.uuids(), kind=st.sampled_from(RECORD_KINDS), legacy_id=ENCODABLE)
def test_record_urn_is_the_urn_of_the_standard_uuid5(
    namespace: uuid.UUID, kind: RecordKind, legacy_id: str
) -> None:
    expected = uuid.uuid5(namespace, f"{kind}:{legacy_id}")
    assert record_urn(namespace, kind, legacy_id) == expected.urn
