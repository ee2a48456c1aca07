"""The RFC 7591 rules judge any JSON whatever: a malformed registration is a problem with an
RFC 7591 error code, never an exception (which the engine would answer with 500)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from badgegate.rfc7591 import metadata_problem

MEMBERS = (
    "client_name",
    "redirect_uris",
    "grant_types",
    "response_types",
    "token_endpoint_auth_method",
    "contacts",
    "scope",
    "client_uri",
    "logo_uri",
    "tos_uri",
    "policy_uri",
    "software_id",
    "software_version",
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
VALID: dict[str, Any] = {
    "client_name": "wallet",
    "redirect_uris": ["https://wallet.example/cb"],
    "scope": "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly",
}


@settings(max_examples=500)
@given(member=st.sampled_from(MEMBERS), value=JSON)
def test_any_value_of_any_member_is_judged_without_an_exception(member: str, value: Any) -> None:
    problem = metadata_problem({**VALID, member: value})
    if problem is not None:
        assert problem.error in ("invalid_client_metadata", "invalid_redirect_uri")
        assert problem.description


@settings(max_examples=200)
@given(document=JSON)
def test_any_document_is_judged_without_an_exception(document: Any) -> None:
    metadata_problem(document)


def test_an_object_for_the_auth_method_is_invalid_metadata() -> None:
    problem = metadata_problem({**VALID, "token_endpoint_auth_method": {"x": 1}})
    assert problem is not None and problem.error == "invalid_client_metadata"
