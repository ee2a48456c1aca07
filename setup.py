"""Build hook: a built wheel carries badgegate's data folders as package data.

The repository keeps ``contracts/``, ``fixtures/``, ``schemas/`` and ``suites/`` at its top;
``build_py`` copies them into ``badgegate/_data/`` of the build, where an installed badgegate
reads them (``badgegate.paths``). An editable install reads them from the tree instead.
Everything else is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# The same folders as badgegate.paths.DATA_FOLDERS (a test compares the wheel with them).
DATA_FOLDERS = ("contracts", "fixtures", "schemas", "suites")
IGNORED = shutil.ignore_patterns("__pycache__", "*.py[cod]")


class BuildPyWithData(build_py):
    """``build_py`` that also copies the data folders into ``badgegate/_data/``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the data from the tree
            return
        target = Path(self.build_lib) / "badgegate" / "_data"
        for name in DATA_FOLDERS:
            source = HERE / name
            if not source.is_dir():
                raise FileNotFoundError(f"cannot build badgegate without its {name}/ folder")
            destination = target / name
            if destination.exists():
                shutil.rmtree(destination)
            shutil.copytree(source, destination, ignore=IGNORED)


setup(cmdclass={"build_py": BuildPyWithData})
