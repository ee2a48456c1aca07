"""One config object, one loader: defaults < ``[tool.badgegate]`` < ``BADGEGATE_*`` < options.

The pytest plugin and the CLI both call :func:`load_config`. Option ``--x-y`` is key ``x_y`` is
environment variable ``BADGEGATE_X_Y``. Secrets (``engine_token``, ``client_secret``,
``isolation_token``) come only from the environment or from ``*_file`` options, never from
``pyproject.toml``, and are masked wherever a config is shown.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from badgegate.errors import ConfigError
from badgegate.secret import MASKED, Secret, ShowsNoSecrets, as_secret

ENV_PREFIX = "BADGEGATE_"
PROFILES = ("ci", "staging", "nightly")
SECRET_KEYS = ("engine_token", "client_secret", "isolation_token")
SECRET_FILE_KEYS = {"engine_token_file": "engine_token", "client_secret_file": "client_secret"}
# Variables with the prefix that steer the test run rather than the harness config.
NON_CONFIG_ENV = frozenset({"BADGEGATE_REQUIRE_ALL", "BADGEGATE_TEST_PG_URL"})
MASK = MASKED
#: Default of ``legacy_statement_timeout``, in seconds.
LEGACY_STATEMENT_TIMEOUT = 30.0
KEY_HELP: dict[str, str] = {
    "engine_token": "bearer token for the target (secret: environment or engine_token_file)",
    "client_secret": "OAuth 2.0 client secret (secret: environment or client_secret_file)",
    "isolation_token": (
        "a second tenant's token, for the isolation checks on a target the harness did not "
        "start (secret)"
    ),
    "engine_url": "OB 3.0 API base of the target, e.g. http://127.0.0.1:8000/ims/ob/v3p0",
    "engine_token_file": "file holding a bearer token for the target",
    "client_id": "OAuth 2.0 client id (client_credentials)",
    "client_secret_file": "file holding the OAuth 2.0 client secret",
    "token_url": "OAuth 2.0 token endpoint (default: <engine_url>/oauth/token)",
    "legacy_db": "SQLAlchemy URL of the legacy database",
    "legacy_statement_timeout": (
        "seconds one statement (or one fetch of a streaming read) on the legacy database may "
        "run before it is cancelled"
    ),
    "engine_db": "storage URL of the reference engine (SQLite file or PostgreSQL)",
    "scratch_db_url": (
        "PostgreSQL server (URL of its maintenance database) where the integrity suite may create "
        "and drop throwaway badgegate_scratch_* databases against a target it did not start"
    ),
    "openapi": "OpenAPI document of the target (path or URL)",
    "state_url": "Pact provider-state endpoint of the target",
    "state_dir": "folder for durable run logs and checkpoints (default .badgegate/)",
    "report_dir": "folder for reports (default reports/)",
    "profile": "ci (default), staging or nightly",
    "allow_writes": "allow writes on the staging profile (with write_allowlist)",
    "write_allowlist": "comma-separated hosts that may receive writes on staging",
    "rate_limit": "maximum requests per second to the target",
    "recipient_email": "recipient email of a single-learner legacy database",
    "redact_fields": "comma-separated fields masked in reports",
    "ca_bundle": "CA bundle for HTTPS targets",
    "verify_tls": "verify TLS certificates (true/false)",
    "strict": (
        "warnings fail too: findings on a SHOULD or a missing optional member fail validate "
        "and the suites, and legacy data findings fail reconcile (true/false)"
    ),
    "require_proofs": (
        "the schema suite treats an unsigned served credential as an error on any target, not "
        "only on one that publishes issuer keys (true/false)"
    ),
}


@dataclasses.dataclass(frozen=True)
class HarnessConfig(ShowsNoSecrets):
    """Every setting of a badgegate run. Build it with :func:`load_config`.

    The secret keys are held as :class:`~badgegate.secret.Secret` (text given for them is
    wrapped), so no printout of a config, or of anything holding one, shows their values.
    """

    engine_url: str | None = None
    engine_token: Secret | None = dataclasses.field(default=None, repr=False)
    engine_token_file: str | None = None
    client_id: str | None = None
    client_secret: Secret | None = dataclasses.field(default=None, repr=False)
    client_secret_file: str | None = None
    token_url: str | None = None
    isolation_token: Secret | None = dataclasses.field(default=None, repr=False)
    legacy_db: str | None = None
    legacy_statement_timeout: float = LEGACY_STATEMENT_TIMEOUT
    engine_db: str | None = None
    scratch_db_url: str | None = None
    openapi: str | None = None
    state_url: str | None = None
    state_dir: str = ".badgegate"
    report_dir: str = "reports"
    profile: str = "ci"
    allow_writes: bool = False
    write_allowlist: tuple[str, ...] = ()
    rate_limit: float | None = None
    recipient_email: str | None = None
    redact_fields: tuple[str, ...] = ()
    ca_bundle: str | None = None
    verify_tls: bool = True
    strict: bool = False
    require_proofs: bool = False
    sources: Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for key in SECRET_KEYS:
            object.__setattr__(self, key, as_secret(getattr(self, key)))

    @property
    def is_read_only(self) -> bool:
        """True on the staging profile unless writes were explicitly allowed."""
        return self.profile == "staging" and not self.allow_writes

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secret values set in this config, revealed, for redaction."""
        values = (self.engine_token, self.client_secret, self.isolation_token)
        return tuple(value.reveal() for value in values if value)

    def replace(self, **changes: Any) -> HarnessConfig:
        """Return a copy with ``changes`` applied and their source recorded as ``override``."""
        sources = dict(self.sources)
        sources.update(dict.fromkeys(changes, "override"))
        return dataclasses.replace(self, sources=sources, **changes)

    def value(self, key: str) -> object:
        """The value of config key ``key`` (for code that walks every key by name)."""
        if key not in config_keys():
            raise _unknown_key_error(key, "HarnessConfig.value")
        return getattr(self, key)

    def describe(self) -> list[tuple[str, str, str]]:
        """Return ``(key, shown value, source)`` rows, secrets masked."""
        rows = []
        for key in config_keys():
            value = self.value(key)
            shown = MASK if key in SECRET_KEYS and value else _show(value)
            rows.append((key, shown, self.sources.get(key, "default")))
        return rows


def config_keys() -> tuple[str, ...]:
    """The names of every config key, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(HarnessConfig) if f.name != "sources")


def _show(value: object) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, tuple):
        return ",".join(value) or "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {text!r}")


def _parse_list(value: object) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(item).strip() for item in value if str(item).strip())
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


def _parse_rate(value: object) -> float | None:
    if value in (None, ""):
        return None
    rate = float(str(value))
    if rate <= 0:
        raise ValueError("must be a positive number of requests per second")
    return rate


def _parse_positive_seconds(value: object) -> float:
    seconds = float(str(value))
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError("must be a positive number of seconds")
    return seconds


def _parse_profile(value: object) -> str:
    text = str(value)
    if text not in PROFILES:
        raise ValueError(f"must be one of {', '.join(PROFILES)}")
    return text


def _parse_url(value: object) -> str | None:
    """A URL setting: trailing slashes dropped; a URL without an http(s) scheme is refused."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    if "://" not in text:
        guess = "http://" + text.lstrip("/").rstrip("/")
        raise ValueError(f"{text!r} has no scheme; did you mean {guess!r}?")
    scheme = text.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"{text!r} is not an http(s) URL; use http:// or https://")
    trimmed = text.rstrip("/")
    if trimmed.endswith("://"):
        raise ValueError(f"{text!r} names no host")
    return trimmed


def _parse_db_url(value: object) -> str | None:
    text = _optional_text(value)
    if text is not None and not text.startswith("postgresql"):
        raise ValueError(
            f"{text!r} is not a PostgreSQL URL; give e.g. "
            "postgresql+psycopg://user@host:5432/postgres"
        )
    return text


def _optional_text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "allow_writes": lambda v: v if isinstance(v, bool) else _parse_bool(str(v)),
    "verify_tls": lambda v: v if isinstance(v, bool) else _parse_bool(str(v)),
    "strict": lambda v: v if isinstance(v, bool) else _parse_bool(str(v)),
    "require_proofs": lambda v: v if isinstance(v, bool) else _parse_bool(str(v)),
    "write_allowlist": _parse_list,
    "redact_fields": _parse_list,
    "rate_limit": _parse_rate,
    "legacy_statement_timeout": _parse_positive_seconds,
    "profile": _parse_profile,
    "state_dir": str,
    "report_dir": str,
    "engine_url": _parse_url,
    "state_url": _parse_url,
    "token_url": _parse_url,
    "scratch_db_url": _parse_db_url,
}


def _convert(key: str, value: object, source: str) -> object:
    try:
        return _CONVERTERS.get(key, _optional_text)(value)
    except ValueError as error:
        where = {"env": env_name(key), "cli": option_name(key)}.get(source, "[tool.badgegate]")
        shown = "" if repr(value) in str(error) else f" (got {value!r})"
        raise ConfigError(f"{key} from {source} ({where}): {error}{shown}") from None


def _unknown_key_error(key: str, source: str) -> ConfigError:
    close = difflib.get_close_matches(key, config_keys(), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(config_keys())}"
    return ConfigError(f"unknown config key {key!r} in {source}{hint}")


def find_pyproject(start: Path | None = None) -> Path | None:
    """Return the nearest ``pyproject.toml`` at or above ``start`` (default: the cwd)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _pyproject_values(path: Path | None) -> dict[str, object]:
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    section = data.get("tool", {}).get("badgegate", {})
    if not isinstance(section, dict):
        raise ConfigError(f"[tool.badgegate] in {path} must be a table")
    for key in section:
        if key in SECRET_KEYS:
            raise ConfigError(
                f"{key} is a secret and may not be set in {path}; set {ENV_PREFIX}{key.upper()} "
                f"in the environment or use --{key.replace('_', '-')}-file"
            )
        if key not in config_keys():
            raise _unknown_key_error(key, f"[tool.badgegate] of {path}")
    return dict(section)


def _env_values(
    env: Mapping[str, str], problems: list[ConfigError] | None = None
) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name in NON_CONFIG_ENV:
            continue
        key = name[len(ENV_PREFIX) :].lower()
        if key not in config_keys():
            if problems is None:
                raise _unknown_key_error(key, f"environment variable {name}")
            problems.append(_unknown_key_error(key, f"environment variable {name}"))
            continue
        values[key] = value
    return values


def _read_secret_file(path_text: str, key: str) -> str:
    path = Path(path_text).expanduser()
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ConfigError(f"cannot read {key} file {path}: {error.strerror}") from None
    if not secret:
        raise ConfigError(f"{key} file {path} is empty")
    return secret


def load_config(
    cli_values: Mapping[str, object] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    pyproject: Path | None = None,
    problems: list[ConfigError] | None = None,
) -> HarnessConfig:
    """Build the run's :class:`HarnessConfig` from every source, in precedence order.

    ``cli_values`` maps keys to option values; ``None`` values (options not given) are ignored.
    ``env`` defaults to ``os.environ``; ``pyproject`` to the nearest ``pyproject.toml``. With a
    ``problems`` list, a value that does not convert is reported there and left at its
    default instead of raising (``config show`` uses this to show everything and point at it).
    """
    environ = os.environ if env is None else env
    layers = [
        ("pyproject", _pyproject_values(pyproject if pyproject else find_pyproject())),
        ("env", _env_values(environ, problems)),
        ("cli", {k: v for k, v in (cli_values or {}).items() if v is not None}),
    ]
    for key in SECRET_KEYS:
        if key in layers[2][1]:
            raise ConfigError(
                f"{key} is a secret and may not be given on the command line; set "
                f"{env_name(key)} or use {option_name(key)}-file"
            )
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    for source, layer in layers:
        for key, raw in layer.items():
            if key not in config_keys():
                raise _unknown_key_error(key, source)
            try:
                values[key] = _convert(key, raw, source)
            except ConfigError as error:
                if problems is None:
                    raise
                problems.append(error)
                continue
            sources[key] = source
    rank = {"pyproject": 0, "env": 1, "cli": 2}
    for file_key, secret_key in SECRET_FILE_KEYS.items():
        path_text = values.get(file_key)
        if not path_text:
            continue
        if secret_key in values and rank[sources[secret_key]] > rank[sources[file_key]]:
            continue
        values[secret_key] = _read_secret_file(str(path_text), secret_key)
        sources[secret_key] = f"file {path_text}"
    return HarnessConfig(**values, sources=sources)  # type: ignore[arg-type]


def env_name(key: str) -> str:
    """The environment variable of config key ``key``."""
    return ENV_PREFIX + key.upper()


def option_name(key: str) -> str:
    """The command-line option of config key ``key``."""
    return "--" + key.replace("_", "-")


def reference_markdown() -> str:
    """The configuration reference as a Markdown table, generated from :class:`HarnessConfig`."""
    defaults = HarnessConfig()
    lines = [
        "| key | option | environment | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for key in config_keys():
        option = "(none: secret)" if key in SECRET_KEYS else f"`{option_name(key)}`"
        default = _show(getattr(defaults, key)).replace("|", "\\|")
        lines.append(
            f"| `{key}` | {option} | `{env_name(key)}` | {default} | {KEY_HELP.get(key, '')} |"
        )
    return "\n".join(lines) + "\n"
