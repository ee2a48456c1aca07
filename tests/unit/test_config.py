"""The config loader: precedence, sources, secrets, did-you-mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from badgegate.config import MASK, load_config
from badgegate.errors import ConfigError


def _pyproject(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[tool.badgegate]\n{body}\n", encoding="utf-8")
    return path


def test_precedence_is_defaults_pyproject_env_cli(tmp_path: Path) -> None:
    pyproject = _pyproject(
        tmp_path, 'report_dir = "from-pyproject"\nprofile = "nightly"\nrate_limit = 5'
    )
    env = {"BADGEGATE_REPORT_DIR": "from-env", "BADGEGATE_RATE_LIMIT": "7"}
    config = load_config({"report_dir": "from-cli"}, env=env, pyproject=pyproject)
    assert (config.report_dir, config.profile, config.rate_limit) == ("from-cli", "nightly", 7.0)
    assert config.state_dir == ".badgegate"
    assert config.sources["report_dir"] == "cli"
    assert config.sources["profile"] == "pyproject"
    assert config.sources["rate_limit"] == "env"
    assert "state_dir" not in config.sources


def test_secret_in_pyproject_is_refused_with_the_way_out(tmp_path: Path) -> None:
    pyproject = _pyproject(tmp_path, 'engine_token = "abc"')
    with pytest.raises(ConfigError, match="BADGEGATE_ENGINE_TOKEN"):
        load_config(env={}, pyproject=pyproject)


def test_secret_on_the_command_line_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="engine-token-file"):
        load_config({"engine_token": "abc"}, env={}, pyproject=_pyproject(tmp_path, ""))


def test_secret_from_file_is_masked_everywhere(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("s3cr3t-token-value\n", encoding="utf-8")
    config = load_config(
        {"engine_token_file": str(token_file)}, env={}, pyproject=_pyproject(tmp_path, "")
    )
    assert config.engine_token is not None
    assert config.engine_token.reveal() == "s3cr3t-token-value"
    shown = dict((key, value) for key, value, _ in config.describe())
    assert shown["engine_token"] == MASK
    assert "s3cr3t" not in repr(config)
    assert "s3cr3t" not in str(config.describe())


def test_secret_from_env_wins_over_a_pyproject_file_path(tmp_path: Path) -> None:
    pyproject = _pyproject(tmp_path, f'engine_token_file = "{tmp_path / "missing"}"')
    config = load_config(env={"BADGEGATE_ENGINE_TOKEN": "from-env"}, pyproject=pyproject)
    assert config.engine_token is not None
    assert config.engine_token.reveal() == "from-env"


def test_unreadable_secret_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read client_secret file"):
        load_config(
            {"client_secret_file": str(tmp_path / "nope")},
            env={},
            pyproject=_pyproject(tmp_path, ""),
        )


def test_unknown_key_gets_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="did you mean 'engine_url'"):
        load_config(env={}, pyproject=_pyproject(tmp_path, 'engine_ulr = "x"'))
    with pytest.raises(ConfigError, match="did you mean 'rate_limit'"):
        load_config(env={"BADGEGATE_RATE_LIMT": "3"}, pyproject=_pyproject(tmp_path, ""))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BADGEGATE_PROFILE": "prod"}, "must be one of ci, staging, nightly"),
        ({"BADGEGATE_ALLOW_WRITES": "maybe"}, "expected true/false"),
        ({"BADGEGATE_RATE_LIMIT": "-1"}, "positive"),
    ],
)
def test_bad_values_name_key_and_source(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        load_config(env=env, pyproject=_pyproject(tmp_path, ""))
    assert "from env" in str(raised.value)


def test_lists_and_booleans_parse(tmp_path: Path) -> None:
    env = {"BADGEGATE_WRITE_ALLOWLIST": "a.example, b.example", "BADGEGATE_VERIFY_TLS": "no"}
    config = load_config(env=env, pyproject=_pyproject(tmp_path, 'redact_fields = ["name"]'))
    assert config.write_allowlist == ("a.example", "b.example")
    assert config.redact_fields == ("name",)
    assert config.verify_tls is False


def test_staging_is_read_only_unless_writes_are_allowed(tmp_path: Path) -> None:
    pyproject = _pyproject(tmp_path, "")
    assert load_config({"profile": "staging"}, env={}, pyproject=pyproject).is_read_only
    allowed = load_config({"profile": "staging", "allow_writes": True}, env={}, pyproject=pyproject)
    assert not allowed.is_read_only


@pytest.mark.parametrize("key", ["engine_url", "state_url", "token_url"])
@pytest.mark.parametrize("layer", ["pyproject", "env", "cli"])
def test_trailing_slashes_of_urls_are_dropped_in_every_layer(
    tmp_path: Path, key: str, layer: str
) -> None:
    given = "http://engine.example:8000/ims/ob/v3p0//"
    pyproject = _pyproject(tmp_path, f'{key} = "{given}"' if layer == "pyproject" else "")
    env = {f"BADGEGATE_{key.upper()}": given} if layer == "env" else {}
    cli = {key: given} if layer == "cli" else {}
    config = load_config(cli, env=env, pyproject=pyproject)
    assert config.value(key) == "http://engine.example:8000/ims/ob/v3p0"


def test_a_url_without_a_scheme_is_refused_naming_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(
            {"engine_url": "engine.example:8000/ims/ob/v3p0/"},
            env={},
            pyproject=_pyproject(tmp_path, ""),
        )
    message = str(caught.value)
    assert message.startswith("engine_url from cli (--engine-url): ")
    assert "did you mean 'http://engine.example:8000/ims/ob/v3p0'?" in message
    assert caught.value.exit_code == 2 and "\n" not in message


def test_a_url_of_another_scheme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"state_url from env \(BADGEGATE_STATE_URL\): .ftp://h/x. is not an http\(s\)",
    ):
        load_config(env={"BADGEGATE_STATE_URL": "ftp://h/x"}, pyproject=_pyproject(tmp_path, ""))
