"""First use of ``badgegate report``: the pinned Allure generator lands where it is looked for.

npm is replaced by a script that lays out a package the way ``npm install --prefix`` does, so
these run without the registry; the HTML report tests use the real npm.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from badgegate.errors import BadgegateError
from badgegate.report.generator import ALLURE_PACKAGE, allure_entry, ensure_allure

NPM_LAYOUT = f"""#!/bin/sh
# Called as: npm install --prefix DIR ... PACKAGE@VERSION
while [ "$1" != "--prefix" ]; do shift; done
mkdir -p "$2/node_modules/{ALLURE_PACKAGE}/bin"
echo "console.log('allure')" > "$2/node_modules/{ALLURE_PACKAGE}/bin/allure"
echo "$2" >> "$(dirname "$0")/calls"
"""
NPM_EMPTY = "#!/bin/sh\nexit 0\n"


def _npm(tmp_path: Path, script: str) -> Path:
    npm = tmp_path / "bin" / "npm"
    npm.parent.mkdir()
    npm.write_text(script)
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    return npm


def test_first_use_installs_where_the_entry_point_is_looked_for(tmp_path: Path) -> None:
    npm = _npm(tmp_path, NPM_LAYOUT)
    cache = tmp_path / "cache"
    entry = ensure_allure(cache, str(npm))
    assert entry == allure_entry(cache) and entry.is_file()
    # Installed once: the second use finds it and runs npm no more.
    assert ensure_allure(cache, str(npm)) == entry
    assert len((npm.parent / "calls").read_text().splitlines()) == 1
    assert [path.name for path in cache.iterdir()] == [entry.parents[3].name]


def test_an_install_that_leaves_no_entry_point_is_a_clear_error(tmp_path: Path) -> None:
    npm = _npm(tmp_path, NPM_EMPTY)
    with pytest.raises(BadgegateError, match="is missing"):
        ensure_allure(tmp_path / "cache", str(npm))
