"""Secrets are masked in text, headers and curl reproductions; the reproduction stays faithful."""

from __future__ import annotations

import base64
import json
import shlex
import uuid

import requests

from badgegate.transport import curl_command, redact, redact_headers, register_secret


def _secret() -> str:
    return f"s3cr3t-{uuid.uuid4().hex}"


def test_bearer_and_basic_credentials_are_masked_but_their_scheme_kept() -> None:
    basic = base64.b64encode(b"client:pa55word").decode()
    text = f"Authorization: Bearer abc.def.ghi\nProxy-Authorization: Basic {basic}"
    shown = redact(text)
    assert "abc.def.ghi" not in shown and basic not in shown
    assert "Bearer ***" in shown and "Basic ***" in shown


def test_prose_around_credentials_is_left_readable() -> None:
    text = "a basic structural check failed; the token was not granted its scope"
    assert redact(text) == text


def test_secret_members_of_forms_queries_and_json_are_masked() -> None:
    form = "grant_type=client_credentials&client_secret=hunter2&scope=a"
    assert redact(form) == "grant_type=client_credentials&client_secret=***&scope=a"
    query = "https://engine.example/cb?access_token=tok123&x=1"
    assert redact(query) == "https://engine.example/cb?access_token=***&x=1"
    body = json.dumps({"access_token": 'tok"456', "token_type": "Bearer", "expires_in": 60})
    shown = redact(body)
    assert "tok" not in shown.replace("token", "")
    assert json.loads(shown)["access_token"] == "***"


def test_passwords_in_urls_are_masked() -> None:
    assert redact("postgresql://app:pa55@db:5432/x") == "postgresql://app:***@db:5432/x"


def test_registered_secrets_are_masked_anywhere_even_url_encoded() -> None:
    secret = _secret() + "/+="
    register_secret(secret)
    quoted = requests.utils.quote(secret, safe="")
    text = f"engine said: unknown client secret {secret} (query: x={quoted})"
    shown = redact(text)
    assert secret not in shown
    assert requests.utils.quote(secret, safe="") not in shown


def test_redact_headers_masks_credentials_and_keeps_the_rest() -> None:
    headers = {
        "Authorization": "Bearer tok-789",
        "Cookie": "session=abc",
        "Accept": "application/json",
        "X-Badgegate-Run": "run-1",
    }
    assert redact_headers(headers) == {
        "Authorization": "Bearer ***",
        "Cookie": "***",
        "Accept": "application/json",
        "X-Badgegate-Run": "run-1",
    }


def _prepared(method: str, url: str, **kwargs: object) -> requests.PreparedRequest:
    return requests.Request(method, url, **kwargs).prepare()  # type: ignore[arg-type]


def test_curl_reproduces_method_url_headers_and_body_with_secrets_masked() -> None:
    secret = _secret()
    register_secret(secret)
    credential = {"id": "urn:uuid:1", "note": 'it\'s "quoted"', "leak": secret}
    request = _prepared(
        "POST",
        "http://127.0.0.1:8000/ims/ob/v3p0/credentials?since=2024-01-01T00:00:00Z",
        json=credential,
        headers={"Authorization": f"Bearer {secret}", "X-Badgegate-Run": "run-7"},
    )
    command = curl_command(request)
    assert secret not in command
    words = shlex.split(command)
    assert words[:4] == [
        "curl",
        "-X",
        "POST",
        "http://127.0.0.1:8000/ims/ob/v3p0/credentials?since=2024-01-01T00:00:00Z",
    ]
    headers = [words[i + 1] for i, word in enumerate(words) if word == "-H"]
    assert "Authorization: Bearer ***" in headers
    assert "X-Badgegate-Run: run-7" in headers
    assert "Content-Type: application/json" in headers
    assert not any(h.lower().startswith("content-length") for h in headers)
    body = json.loads(words[words.index("--data-raw") + 1])
    assert body == {**credential, "leak": "***"}


def test_curl_masks_basic_auth_of_a_token_request() -> None:
    secret = _secret()
    request = _prepared(
        "POST",
        "http://127.0.0.1:8000/ims/ob/v3p0/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("client-a", secret),
    )
    command = curl_command(request)
    encoded = base64.b64encode(f"client-a:{secret}".encode()).decode()
    assert encoded not in command and secret not in command
    assert "Authorization: Basic ***" in command
    assert "grant_type=client_credentials" in command


def test_curl_leaves_out_a_binary_body_with_a_note() -> None:
    request = _prepared("PUT", "http://127.0.0.1:1/x", data=b"\xff\xfe\x00")
    command = curl_command(request)
    assert "--data-raw" not in command
    assert "binary or streamed body left out" in command
    assert shlex.split(command)[:3] == ["curl", "-X", "PUT"]


def test_a_value_too_short_to_be_a_secret_does_not_mask_ordinary_text() -> None:
    register_secret("t")
    assert redact("the engine at http://127.0.0.1:9 refused the connection") == (
        "the engine at http://127.0.0.1:9 refused the connection"
    )
