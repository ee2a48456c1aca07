"""A Host serving the OB 3.0 API at its root: one ``base-path`` finding, not a cascade of 404s.

Pointed at the root on purpose, badgegate runs every suite there and reports the base path
once; pointed at the usual base, where nothing answers, it stops with a configuration error
naming the root.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from badgegate.config import HarnessConfig
from badgegate.engine.faults.catalogue import ROOT_BASE_PATH
from badgegate.engine.server import ClientSpec, EngineServer, TokenSpec
from badgegate.errors import ConfigError
from badgegate.ob3 import API_BASE_PATH
from badgegate.stack import STATE_PATH, check_engine_base

from .conftest import REPO_ROOT, run_badgegate

CLIENT = ClientSpec("base-path-primary", secrets.token_urlsafe(24), tenant="learners")
ISOLATION_TOKEN = secrets.token_urlsafe(24)
BASE_PATH_CHECK = "test_the_api_is_served_under_the_ob3_base_path"


@pytest.fixture(scope="module")
def root_served() -> Iterator[EngineServer]:
    """The reference engine serving the API at its root, with a second tenant's token."""
    with EngineServer(
        clients=[CLIENT],
        tokens=[TokenSpec(ISOLATION_TOKEN, tenant="other-tenant")],
        faults=[ROOT_BASE_PATH],
        test_endpoints=True,
    ) as server:
        yield server


def _failed(junit: Path) -> list[str]:
    return [
        f"{case.get('classname')}::{case.get('name')}"
        for case in ElementTree.parse(junit).getroot().iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]


@pytest.mark.slow
def test_a_root_served_host_gets_one_base_path_finding(
    root_served: EngineServer, tmp_path: Path
) -> None:
    assert root_served.api_url == root_served.root_url  # the fault: nothing under the base
    reports = tmp_path / "reports"
    done = run_badgegate(
        [
            *("run", "--engine-url", root_served.api_url, "--client-id", CLIENT.client_id),
            *("--state-url", root_served.root_url + STATE_PATH, "--report-dir", str(reports)),
        ],
        cwd=tmp_path,
        env={
            "BADGEGATE_CLIENT_SECRET": CLIENT.client_secret,
            "BADGEGATE_ISOLATION_TOKEN": ISOLATION_TOKEN,
        },
        timeout=600,
    )
    console = done.stdout + done.stderr
    assert done.returncode == 1, console[-3000:]
    failed = _failed(reports / "junit.xml")
    assert len(failed) == 1 and failed[0].endswith(BASE_PATH_CHECK), (failed, console[-3000:])
    assert f"[base-path] /: the OB 3.0 API is served at /, not under {API_BASE_PATH}" in console


def test_the_usual_base_of_a_root_served_host_is_refused_naming_the_root(
    root_served: EngineServer,
) -> None:
    config = HarnessConfig(engine_url=root_served.root_url + API_BASE_PATH)
    with pytest.raises(ConfigError) as caught:
        check_engine_base(config)
    assert f"did you mean --engine-url {root_served.root_url}?" in str(caught.value)


def test_run_at_the_usual_base_of_a_root_served_host_exits_2(
    root_served: EngineServer, tmp_path: Path
) -> None:
    done = run_badgegate(
        [
            *("run", "--suite", "smoke"),
            *("--engine-url", root_served.root_url + API_BASE_PATH),
            *("--report-dir", str(tmp_path / "reports")),
        ],
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"did you mean --engine-url {root_served.root_url}?" in done.stderr
    assert "Traceback" not in done.stderr
