"""Where the project's data folders are: ``schemas/``, ``suites/``, ``contracts/``, ``fixtures/``.

They live at the top of the project, beside ``src/``. From a checkout (editable install) they are
found next to the package; from a plain install, in the working directory or one of its parents.
"""

from __future__ import annotations

import functools
from pathlib import Path

import badgegate
from badgegate.errors import ConfigError

_MARKERS = ("schemas", "suites", "contracts")


def _is_project_root(folder: Path) -> bool:
    return all((folder / marker).is_dir() for marker in _MARKERS)


@functools.cache
def project_root() -> Path:
    """Return the project folder holding ``schemas/``, ``suites/`` and ``contracts/``."""
    beside_package = Path(badgegate.__file__).resolve().parents[2]
    if _is_project_root(beside_package):
        return beside_package
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if _is_project_root(folder):
            return folder
    raise ConfigError(
        "cannot find the badgegate project folder (with schemas/, suites/ and contracts/); "
        "run badgegate from its checkout"
    )


def schemas_dir() -> Path:
    """The ``schemas/`` folder."""
    return project_root() / "schemas"


def suites_dir() -> Path:
    """The ``suites/`` folder."""
    return project_root() / "suites"


def contracts_dir() -> Path:
    """The ``contracts/`` folder."""
    return project_root() / "contracts"


def fixtures_dir() -> Path:
    """The ``fixtures/`` folder."""
    return project_root() / "fixtures"
