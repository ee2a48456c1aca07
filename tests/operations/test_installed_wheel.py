"""badgegate installed from its wheel works from any folder.

The wheel is built from a copy of the checkout and installed into a fresh virtualenv in a
temporary folder. badgegate's dependencies come from the environment running this test: a
``.pth`` file in the new virtualenv names this environment's ``site-packages`` as a plain path,
so Python adds the folder but does not run the ``.pth`` files inside it, and the editable
install of badgegate (a ``.pth`` file pointing at ``src/``) stays invisible. The test checks
that the badgegate it runs is the installed wheel. This needs no network, and takes seconds
instead of the minute a ``pip install`` of every dependency would.

From a folder outside the checkout whose ``pytest.ini``, ``pyproject.toml`` and ``conftest.py``
would break any pytest session that read them, ``badgegate run`` runs the installed suites
against a reference engine and ``badgegate validate`` checks a credential; both exit 0 and
write their reports into that folder.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.paths import DATA_FOLDERS, PACKAGE_DATA, SUITES_INI, project_root
from badgegate.stack import PRIMARY_TENANT

from .conftest import badgegate_env

pytestmark = pytest.mark.slow

CLIENT_ID = "pipeline-client"
CLIENT_SECRET = "pipeline-secret-5d1e"
# Not part of a source tree: at its top, version control, environments, build output, reports
# and state; anywhere, caches.
NOT_SOURCE_AT_TOP = {".git", ".venv", "venv", "build", "dist", "reports", ".badgegate"}
NOT_SOURCE = shutil.ignore_patterns(
    "*.egg-info", "__pycache__", "*.py[cod]", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    ".hypothesis", ".import_linter_cache", ".schemathesis", "*.sqlite3",
)  # fmt: skip
# A project folder that breaks any pytest session reading its settings or its conftest.py.
HOSTILE = {
    "pytest.ini": "[pytest]\naddopts = --no-such-option-in-badgegate\n",
    "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--no-such-option-either"\n',
    "conftest.py": "raise RuntimeError('the pipeline folder conftest.py was imported')\n",
}


def _setuptools_builds_it() -> None:
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not installed in this environment; it builds the wheel")
    try:
        version = Version(importlib.metadata.version("setuptools"))
    except importlib.metadata.PackageNotFoundError:
        version = Version("0")
    if version < Version("77"):
        pytest.skip(
            f"setuptools {version} cannot build badgegate (it needs 77 or later); "
            'install the test extra: pip install -c constraints.txt -e ".[test]"'
        )


def _pip(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """badgegate's wheel, built offline from a copy of the checkout (the build writes into the
    tree it builds, which must not be this checkout)."""
    _setuptools_builds_it()
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    top = project_root()

    def ignored(folder: str, names: list[str]) -> set[str]:
        at_top = NOT_SOURCE_AT_TOP & set(names) if Path(folder) == top else set()
        return at_top | set(NOT_SOURCE(folder, names))

    shutil.copytree(top, source, ignore=ignored)
    dist = folder / "dist"
    _pip("wheel", str(source), "--no-deps", "--no-build-isolation", "--quiet", "-w", str(dist))
    (built,) = dist.glob("badgegate-*.whl")
    return built


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder another repository's pipeline runs badgegate in, outside the checkout."""
    folder = tmp_path_factory.mktemp("pipeline")
    for name, text in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def installed(wheel: Path, pipeline: Path) -> Path:
    """A fresh virtualenv holding the wheel, in the pipeline's ``.venv/`` (so pytest, looking
    upwards from the installed suites for settings, would meet the pipeline's); returns its
    ``bin/`` folder."""
    venv = pipeline / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    _pip("--python", str(python), "install", "--no-deps", "--no-index", "--quiet", str(wheel))
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(purelib) / "badgegate-test-dependencies.pth").write_text(
        "".join(f"{path}\n" for path in sorted(ours)), encoding="utf-8"
    )
    return venv / "bin"


def _run(command: list[str], folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = badgegate_env(env)
    for name in ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        environment.pop(name, None)
    return subprocess.run(
        command, cwd=folder, env=environment, capture_output=True, text=True, timeout=600
    )


def test_the_wheel_carries_every_data_folder_and_the_suite_settings(wheel: Path) -> None:
    root = project_root()
    expected = {
        f"badgegate/{PACKAGE_DATA}/{path.relative_to(root).as_posix()}"
        for name in DATA_FOLDERS
        for path in (root / name).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert not expected - names, sorted(expected - names)[:20]
    assert f"badgegate/{SUITES_INI}" in names
    assert "badgegate/_data/schemas/openapi/badge-engine.yaml" in names
    assert "badgegate/_data/contracts/migration-mapping.yaml" in names
    contexts = root / "src" / "badgegate" / "verify" / "contexts"
    pinned = {f"badgegate/verify/contexts/{path.name}" for path in contexts.iterdir()}
    assert len(pinned) > 1 and not pinned - names, sorted(pinned - names)


def test_installed_badgegate_runs_and_validates_outside_the_checkout(
    installed: Path, pipeline: Path
) -> None:
    folder = pipeline
    where = _run(
        [
            str(installed / "python"),
            "-c",
            "import badgegate, badgegate.paths as p; print(badgegate.__file__, p.data_root())",
        ],
        folder,
    )
    assert where.returncode == 0, where.stderr
    module, data = (Path(word) for word in where.stdout.split())
    venv = installed.parent
    assert module.is_relative_to(venv), f"the test ran {module}, not the installed wheel"
    assert data.is_relative_to(venv) and data.name == PACKAGE_DATA, data

    clients = [ClientSpec(CLIENT_ID, CLIENT_SECRET, tenant=PRIMARY_TENANT)]
    with EngineServer(clients=clients) as server:
        run = _run(
            [str(installed / "badgegate"), "run", "--suite", "smoke", "--suite", "schema",
             "--engine-url", server.api_url],
            folder,
            BADGEGATE_CLIENT_ID=CLIENT_ID,
            BADGEGATE_CLIENT_SECRET=CLIENT_SECRET,
        )  # fmt: skip
    console = run.stdout + run.stderr
    assert run.returncode == 0, console[-4000:]
    assert f"rootdir: {data}" in console, console[:2000]
    assert "smoke" in console and "schema" in console
    assert "Warning" not in console, console[-4000:]
    junit = (folder / "reports" / "junit.xml").read_text(encoding="utf-8")
    assert 'failures="0"' in junit and 'errors="0"' in junit
    assert 'classname="suites.smoke.' in junit and 'classname="suites.schema.' in junit
    assert any((folder / "reports" / "allure-results").glob("*-result.json"))
    # Nothing of the run lands in the installed package or as pytest's cache in the folder.
    assert not (data / "reports").exists() and not (folder / ".pytest_cache").exists()

    credential = folder / "credential.json"
    shutil.copy(
        project_root() / "fixtures/credentials/valid/achievement-credential-full.json", credential
    )
    validated = _run([str(installed / "badgegate"), "validate", "credential.json"], folder)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "credential.json: ok (credential)" in validated.stdout
