"""Where badgegate's data is: ``schemas/``, ``suites/``, ``contracts/``, ``fixtures/``.

The repository keeps them at its top, beside ``src/``. From a checkout (or an editable install)
they are read there; a built wheel carries copies of them as package data in
``badgegate/_data/`` (``setup.py`` copies them at build time), read from wherever badgegate is
installed. Neither depends on the working directory.
"""

from __future__ import annotations

import functools
from pathlib import Path

import badgegate
from badgegate.errors import ConfigError

#: The top-level folders badgegate reads at run time; a wheel carries each in ``_data/``.
DATA_FOLDERS = ("contracts", "fixtures", "schemas", "suites")
#: The package folder an installed badgegate keeps its data in.
PACKAGE_DATA = "_data"
#: The pytest configuration ``badgegate run`` (and the self-test) run the suites with.
SUITES_INI = "suites.ini"


def _package_dir() -> Path:
    return Path(badgegate.__file__).resolve().parent


def _holds_data(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in DATA_FOLDERS)


def checkout_root() -> Path | None:
    """The repository badgegate runs from (``src/badgegate`` two levels down), or ``None``
    when badgegate is installed from a wheel."""
    candidate = _package_dir().parents[1]
    if _package_dir().parent.name == "src" and _holds_data(candidate):
        return candidate
    return None


@functools.cache
def data_root() -> Path:
    """The folder holding ``schemas/``, ``suites/``, ``contracts/`` and ``fixtures/``: the
    checkout when badgegate runs from one, else the installed package's ``_data/``."""
    checkout = checkout_root()
    if checkout is not None:
        return checkout
    installed = _package_dir() / PACKAGE_DATA
    if _holds_data(installed):
        return installed
    raise ConfigError(
        f"badgegate's data ({', '.join(name + '/' for name in DATA_FOLDERS)}) is missing from "
        f"{installed}; reinstall badgegate from a wheel or a checkout"
    )


def project_root() -> Path:
    """The checkout (with ``README.md`` and ``ci-templates/``); only a checkout has one."""
    checkout = checkout_root()
    if checkout is None:
        raise ConfigError(
            "this needs badgegate's checkout (README.md, ci-templates/); "
            f"badgegate is installed at {_package_dir()}"
        )
    return checkout


def schemas_dir() -> Path:
    """The ``schemas/`` folder."""
    return data_root() / "schemas"


def suites_dir() -> Path:
    """The ``suites/`` folder."""
    return data_root() / "suites"


def contracts_dir() -> Path:
    """The ``contracts/`` folder."""
    return data_root() / "contracts"


def fixtures_dir() -> Path:
    """The ``fixtures/`` folder."""
    return data_root() / "fixtures"


def suites_ini() -> Path:
    """The pytest configuration file the suites run with (shipped in the package)."""
    return _package_dir() / SUITES_INI


def suite_pytest_options() -> list[str]:
    """pytest options that run the suites with badgegate's own settings from any folder.

    ``-c`` reads ``suites.ini`` instead of whatever ``pytest.ini``, ``pyproject.toml``,
    ``tox.ini`` or ``setup.cfg`` is near the working directory; ``--rootdir`` and
    ``--confcutdir`` keep node ids relative to the data and keep any ``conftest.py`` above the
    suites out; the cache provider writes nothing into the working directory.
    """
    return [
        "-c",
        str(suites_ini()),
        f"--rootdir={data_root()}",
        f"--confcutdir={suites_dir()}",
        "-p",
        "no:cacheprovider",
    ]


def is_within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it (both resolved)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
