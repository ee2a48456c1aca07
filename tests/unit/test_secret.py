"""Secrets are masked by type: no repr, str, format or pretty printer shows one, however short."""

from __future__ import annotations

import base64
import dataclasses
import json
import pickle
import secrets
import string
import urllib.parse

import pytest
from _pytest._io.saferepr import saferepr
from hypothesis.vendor.pretty import pretty

from badgegate.config import HarnessConfig, load_config
from badgegate.contracts.broker import BrokerSettings
from badgegate.engine.auth.clients import ClientSpec, TokenSpec
from badgegate.secret import MASKED, Secret, reveal
from badgegate.transport import redact, register_secret
from badgegate.transport.redaction import secret_forms


def _short_secret() -> str:
    """A fresh five-character secret with a slash, a quote and a plus in it."""
    first, last = (secrets.choice(string.ascii_letters) for _ in range(2))
    return f'{first}/"+{last}'


def _shown(value: object) -> list[str]:
    """Every way badgegate's outputs print an object."""
    return [repr(value), str(value), f"{value}", saferepr(value, maxsize=10_000), pretty(value)]


@dataclasses.dataclass(frozen=True)
class _Holder:
    """A fixture-like dataclass that holds a config, as the run's Target does."""

    config: HarnessConfig
    name: str = "target"


def test_a_secret_shows_only_its_mask_and_reveals_its_value() -> None:
    secret = Secret("abcde")
    for text in _shown(secret):
        assert "abcde" not in text
        assert MASKED in text
    assert f"{secret:>12}" == f"{MASKED:>12}"
    assert secret.reveal() == "abcde"
    assert reveal(secret) == "abcde" and reveal("plain") == "plain" and reveal(None) is None
    assert Secret(secret) == secret and Secret("other") != secret
    assert pickle.loads(pickle.dumps(secret)).reveal() == "abcde"
    assert not Secret("") and Secret("x")
    with pytest.raises(TypeError, match="text"):
        Secret(12345)  # type: ignore[arg-type]


def test_no_printout_of_a_config_shows_a_five_character_client_secret() -> None:
    client_secret, token = "k7#Qz", "t0kEn"
    config = load_config(
        env={
            "BADGEGATE_CLIENT_ID": "qa",
            "BADGEGATE_CLIENT_SECRET": client_secret,
            "BADGEGATE_ISOLATION_TOKEN": token,
        },
        pyproject=None,
    )
    assert isinstance(config.client_secret, Secret)
    assert config.secrets == (client_secret, token)
    for shown in [*_shown(config), *_shown(_Holder(config)), str(config.describe())]:
        assert client_secret not in shown
        assert token not in shown


def test_text_given_for_a_secret_key_is_held_as_a_secret() -> None:
    config = HarnessConfig().replace(client_secret="abcde", engine_token="fghij")
    assert isinstance(config.client_secret, Secret)
    assert isinstance(config.engine_token, Secret)
    assert config.engine_token.reveal() == "fghij"
    assert "abcde" not in pretty(config) and "fghij" not in pretty(config)
    assert HarnessConfig(engine_token=None).engine_token is None


def test_engine_client_and_broker_settings_print_without_their_secrets() -> None:
    objects = [
        ClientSpec("qa", "abcde"),
        TokenSpec("fghij"),
        BrokerSettings("https://broker.example", token="klmno"),
        BrokerSettings("https://broker.example", username="u", password="pqrst"),
    ]
    for value in objects:
        for shown in _shown(value):
            assert not any(word in shown for word in ("abcde", "fghij", "klmno", "pqrst")), shown


def test_a_short_registered_secret_is_masked_in_every_encoding() -> None:
    value = _short_secret()
    assert len(value) == 5
    register_secret(value)
    encoded = value.encode()
    forms = {
        value,
        urllib.parse.quote_plus(value),
        urllib.parse.quote(value, safe=""),
        json.dumps(value)[1:-1],
        base64.b64encode(encoded).decode(),
    }
    assert forms <= secret_forms(value)
    for form in forms:
        shown = redact(f"the target echoed ({form}) and [{form}]")
        assert form not in shown, form
        assert shown.count("***") == 2


def test_a_registered_secret_is_masked_only_as_a_whole_token() -> None:
    value = "".join(secrets.choice(string.ascii_lowercase) for _ in range(5))
    register_secret(value)
    assert redact(f"got {value}.") == "got ***."
    assert redact(f"x{value}y {value}9") == f"x{value}y {value}9"


def test_common_words_are_never_masked_by_value() -> None:
    register_secret("token")
    register_secret("Secret")
    text = "the token endpoint refused the client secret; check the Secret"
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "HarnessConfig(client_id='qa', client_secret='k7#Qz', token_url=None)",
        'Credentials(client_secret="k7#Qz")',
        "{'access_token': 'k7#Qz', 'token_type': 'Bearer'}",
        '{"refresh_token": "k7#Qz"}',
        "grant_type=refresh_token&refresh_token=k7#Qz&x=1",
    ],
)
def test_secret_members_are_masked_by_shape_in_reprs_json_and_forms(text: str) -> None:
    assert "k7#Qz" not in redact(text)


def test_prose_about_bearer_tokens_keeps_its_words() -> None:
    text = "the bearer token is invalid or expired; send Bearer credentials"
    assert redact(text) == text
    assert redact("Authorization: Bearer abc.def") == "Authorization: Bearer ***"
