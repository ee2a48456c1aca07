"""Installing badgegate changes nothing in another project's pytest sessions.

The plugin is registered through the ``pytest11`` entry point, so it is loaded into every pytest
session of the environment; a session that is not a badgegate session must still get
Hypothesis's own defaults and no environment variable from it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# One line: what the session's Hypothesis settings and environment are, written to a file.
PLAIN_TEST = (
    "import os, pathlib, hypothesis\n"
    "def test_untouched(): pathlib.Path('observed.txt').write_text(repr(("
    "hypothesis.settings.get_current_profile_name(), hypothesis.settings().max_examples, "
    "sorted(k for k in os.environ if k.startswith('BADGEGATE_') or k == 'HYPOTHESIS_PROFILE'))))\n"
)


def _run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("BADGEGATE_", "PYTEST_")) and name != "HYPOTHESIS_PROFILE"
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_plain_session_keeps_hypothesis_settings_and_the_environment(tmp_path: Path) -> None:
    """The same session with the plugin and without it sees the same Hypothesis profile (the
    default, or the one Hypothesis picks itself, e.g. on CI) and no variable of badgegate's."""
    (tmp_path / "test_plain.py").write_text(PLAIN_TEST, encoding="utf-8")
    alone = _run_pytest(tmp_path, "-p", "no:cacheprovider", "-p", "no:badgegate")
    assert alone.returncode == 0, alone.stdout + alone.stderr
    without = (tmp_path / "observed.txt").read_text(encoding="utf-8")
    done = _run_pytest(tmp_path, "-p", "no:cacheprovider")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert (tmp_path / "observed.txt").read_text(encoding="utf-8") == without
    assert without.endswith(", [])")
    # The plugin was loaded (it adds its options) and still changed nothing.
    assert "badgegate-" in output.split("plugins:", 1)[1].splitlines()[0], output
    assert "badgegate summary" not in output


def test_a_badgegate_option_opts_the_session_in(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text(PLAIN_TEST, encoding="utf-8")
    done = _run_pytest(tmp_path, "-p", "no:cacheprovider", "--badgegate-profile=nightly")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    observed = (tmp_path / "observed.txt").read_text(encoding="utf-8")
    assert observed == "('nightly', 500, ['HYPOTHESIS_PROFILE'])", output
