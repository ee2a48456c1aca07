"""``badgegate run`` reads ``suites.ini``, plain ``pytest`` reads ``pyproject.toml``: the suites
get the same pytest settings either way."""

from __future__ import annotations

import configparser
import tomllib

from badgegate.paths import project_root, suites_ini
from badgegate.plugin import HARNESS_INI


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_suites_ini_matches_the_pytest_settings_of_pyproject() -> None:
    ini = configparser.ConfigParser(inline_comment_prefixes=None)
    ini.read_string(suites_ini().read_text(encoding="utf-8"))
    shipped = ini["pytest"]
    with (project_root() / "pyproject.toml").open("rb") as handle:
        own = tomllib.load(handle)["tool"]["pytest"]["ini_options"]
    assert shipped["addopts"].split() == own["addopts"].split()
    assert _lines(shipped["markers"]) == own["markers"]
    assert set(own["filterwarnings"]) <= set(_lines(shipped["filterwarnings"]))
    assert shipped.getboolean(HARNESS_INI) and own[HARNESS_INI] is True
