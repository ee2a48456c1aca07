"""The badgegate pytest plugin (registered once, through the ``pytest11`` entry point).

It adds the ``--badgegate-*`` options, loads the one :class:`HarnessConfig`, selects the
Hypothesis profile, provides the target fixtures, maps an unreachable target to exit code 3 and,
under ``BADGEGATE_REQUIRE_ALL=1``, turns a skip for a missing resource into a failure.
Imports of the heavy parts (engine, client, schemathesis, pact) happen inside fixtures.

Installed, the plugin is loaded into every pytest session of the environment, so it stays quiet:
it only registers its options until a session is a badgegate session, that is one that

* sets the ini option ``badgegate_harness = true`` (``suites.ini``, which ``badgegate run``
  passes, and badgegate's own ``pyproject.toml``),
* passes a ``--badgegate-*`` option,
* or collects badgegate's suites (an argument inside ``suites/``, or collection reaching it).

Only then does it load the config, set ``HYPOTHESIS_PROFILE`` and load that Hypothesis profile,
and take part in reporting.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import pytest

from badgegate.config import SECRET_KEYS, HarnessConfig, config_keys, load_config
from badgegate.errors import ConfigError, ExitCode, TargetUnreachable
from badgegate.paths import is_within, suites_dir

if TYPE_CHECKING:
    from badgegate.capabilities import Capabilities
    from badgegate.client import BadgeEngineClient
    from badgegate.stack import Target

CONFIG_KEY = pytest.StashKey[HarnessConfig]()
CAPABILITIES_KEY = pytest.StashKey["Capabilities"]()
UNREACHABLE_KEY = pytest.StashKey[str]()
# Checks of the target use this fixture; only their failures to reach it stop the run.
TARGET_FIXTURE = "badgegate_target"
REQUIRE_ALL_ENV = "BADGEGATE_REQUIRE_ALL"
#: The ini option that makes a session a badgegate session.
HARNESS_INI = "badgegate_harness"
# Skips whose reason starts with this are about applicability, not a missing resource.
NOT_APPLICABLE = "not applicable"
HYPOTHESIS_PROFILES: dict[str, dict[str, Any]] = {
    "ci": {"max_examples": 25, "derandomize": True, "deadline": None, "print_blob": True},
    "staging": {"max_examples": 10, "derandomize": True, "deadline": None, "print_blob": True},
    "nightly": {"max_examples": 500, "deadline": None, "print_blob": True},
}
# The name under which hypothesis.core looks up the printer of falsifying examples.
_PRINTER = "RepresentationPrinter"
#: The run's pytest config, for hooks that are not given it.
_session: dict[str, pytest.Config] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add one ``--badgegate-<key>`` option per non-secret config key."""
    group = parser.getgroup("badgegate", "badgegate harness (also [tool.badgegate], BADGEGATE_*)")
    for key in config_keys():
        if key in SECRET_KEYS:
            continue
        group.addoption(
            "--badgegate-" + key.replace("_", "-"),
            dest="badgegate_" + key,
            default=None,
            help=f"config key {key} (env BADGEGATE_{key.upper()})",
        )
    parser.addini(
        HARNESS_INI,
        type="bool",
        default=False,
        help="run this session as a badgegate session (config, Hypothesis profile, reports)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Make the session a badgegate session when it asks for one (see the module docstring)."""
    _session["config"] = config
    if _wants_harness(config):
        use_harness(config)


def use_harness(config: pytest.Config) -> HarnessConfig:
    """Make ``config``'s session a badgegate session (once): load the harness config and select
    the Hypothesis profile of the run's profile. Returns the session's config."""
    if CONFIG_KEY in config.stash:
        return config.stash[CONFIG_KEY]
    values = {key: config.getoption("badgegate_" + key, None) for key in config_keys()}
    harness = load_config({key: value for key, value in values.items() if key not in SECRET_KEYS})
    config.stash[CONFIG_KEY] = harness
    os.environ.setdefault("HYPOTHESIS_PROFILE", harness.profile)
    _load_hypothesis_profile(os.environ["HYPOTHESIS_PROFILE"])
    config.addinivalue_line("markers", "suite(name): the badgegate suite a check belongs to")
    return harness


def _active(config: pytest.Config) -> bool:
    return CONFIG_KEY in config.stash


def _wants_harness(config: pytest.Config) -> bool:
    if config.getini(HARNESS_INI):
        return True
    if any(
        config.getoption("badgegate_" + key, None) is not None
        for key in config_keys()
        if key not in SECRET_KEYS
    ):
        return True
    return any(
        _in_suites(Path(config.invocation_params.dir, arg.split("::")[0])) for arg in config.args
    )


def _in_suites(path: Path) -> bool:
    try:
        return is_within(path, suites_dir())
    except ConfigError:  # badgegate's data is missing: nothing here is a suite
        return False


def pytest_collect_directory(path: Path, parent: pytest.Collector) -> None:
    """Make the session a badgegate session when collection reaches the suites, before any
    suite module is imported (their Hypothesis settings are made at import)."""
    if not _active(parent.config) and _in_suites(path):
        use_harness(parent.config)


def _load_hypothesis_profile(name: str) -> None:
    from hypothesis import settings

    for profile, options in HYPOTHESIS_PROFILES.items():
        settings.register_profile(profile, **options)
    if name in HYPOTHESIS_PROFILES:
        settings.load_profile(name)


# Innermost: the report is redacted before Allure (an outer wrapper) or anything else reads it.
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Record an unreachable target (and stop the run); under ``BADGEGATE_REQUIRE_ALL=1`` fail
    resource skips; keep secrets and ``redact_fields`` out of the failure text and output."""
    if not _active(item.config):
        return (yield)
    from badgegate.report.failures import message_redaction, redact_exception, redact_test_report

    redacted = message_redaction(item.config.stash[CONFIG_KEY])
    if call.excinfo is not None:
        redact_exception(call.excinfo.value, redacted)
    report = yield
    unreachable = _unreachable_message(call.excinfo, item.config.stash[CONFIG_KEY])
    if unreachable is not None and TARGET_FIXTURE in getattr(item, "fixturenames", ()):
        # Every further check would wait for the same dead target: stop the run here; the
        # reports of what ran are still written.
        item.config.stash[UNREACHABLE_KEY] = unreachable
        item.session.shouldstop = "target unreachable"
    required = os.environ.get(REQUIRE_ALL_ENV) == "1"
    if report.skipped and required and not hasattr(report, "wasxfail"):
        reason = _skip_reason(report)
        if not reason.lower().startswith(NOT_APPLICABLE):
            report.outcome = "failed"
            report.longrepr = f"skipped, but {REQUIRE_ALL_ENV}=1 requires it to run: {reason}"
    redact_test_report(report, redacted)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None]:
    """Run every check but the fuzz suite's with a printer of failing test cases that shows the
    generated data and labels fixtures (:class:`~badgegate.report.examples.EvidencePrinter`).

    Importing schemathesis swaps Hypothesis' printer, process-wide, for one that prints nothing
    (it speeds up schemathesis' own generation); without this an integrity failure would show
    ``Failing test case: test(rows=,)``."""
    if not _active(item.config):
        return (yield)
    guard = _interrupts_reach_pytest() if _suite_of(item) else contextlib.nullcontext()
    with guard:
        core = sys.modules.get("hypothesis.core")
        if core is None or _is_fuzz_check(item):
            return (yield)
        from badgegate.report.examples import EvidencePrinter

        swapped = getattr(core, _PRINTER)
        setattr(core, _PRINTER, EvidencePrinter)
        try:
            return (yield)
        finally:
            setattr(core, _PRINTER, swapped)


@contextlib.contextmanager
def _interrupts_reach_pytest() -> Iterator[None]:
    """A Ctrl-C during a suite's check stops the run, even when the code under test handled it.

    ``migrate`` turns Ctrl-C into an interrupted (resumable) run and returns; inside a check
    that would end the check, not the run. A SIGINT noted while the check ran is raised again
    as ``KeyboardInterrupt`` once the check is over, which pytest treats as an interrupt.
    """
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous) or threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        previous(signum, frame)

    signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _is_fuzz_check(item: pytest.Item) -> bool:
    if type(item).__name__ == "SchemathesisFunction":
        return True
    return _suite_of(item) == "fuzz"


def _suite_of(item: pytest.Item) -> str | None:
    """The badgegate suite ``item`` is a check of (``None`` for any other test)."""
    from badgegate.allure_results import suite_of

    try:
        return suite_of(item.path, suites_dir())
    except ConfigError:
        return None


@pytest.hookimpl(wrapper=True)
def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> Generator[None]:
    """Never let rendering where Ctrl-C landed turn an interrupt into a crash.

    pytest renders the interrupted frames; Python reports no line number for some of them, and
    rendering those raises. They are left out first; should rendering fail all the same, the
    terminal report gets a plain interrupt to show, and the run still ends as interrupted
    (exit 130), reports written.
    """
    config = _session.get("config")
    if config is None or not _active(config):
        return (yield)
    excinfo.traceback = excinfo.traceback.filter(_has_line_numbers)
    try:
        yield
    except Exception as error:  # any rendering failure; the interrupt itself is not one
        sys.stderr.write(f"badgegate: interrupted (location not shown: {error!r})\n")
        reporter = _session["config"].pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.pytest_keyboard_interrupt(excinfo=_plain_interrupt())


def _has_line_numbers(entry: Any) -> bool:
    try:
        return isinstance(entry.lineno, int) and isinstance(entry.frame.lineno, int)
    except TypeError:  # ``None - 1``: the frame has no line number
        return False


def _plain_interrupt() -> pytest.ExceptionInfo[BaseException]:
    """A KeyboardInterrupt raised here, which renders whatever the interrupted frames were."""
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as interrupt:
        return pytest.ExceptionInfo.from_exception(interrupt)


def _unreachable_message(
    excinfo: pytest.ExceptionInfo[BaseException] | None, harness: HarnessConfig
) -> str | None:
    """What could not be reached and how to fix it, when ``excinfo`` says the target is gone."""
    if excinfo is None:
        return None
    if excinfo.errisinstance(TargetUnreachable):
        return str(excinfo.value)
    import requests

    error = excinfo.value
    if not isinstance(error, requests.ConnectionError):
        return None
    from badgegate.client.errors import unreachable_error

    request = error.request
    method = getattr(request, "method", None) or "GET"
    url = getattr(request, "url", None) or harness.engine_url or ""
    return str(unreachable_error(error, base_url=harness.engine_url or url, method=method, url=url))


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Label each suite check for Allure once: feature = suite, story = file (unless the check
    names its own), severity by what a failure of the check means."""
    if not _active(config):
        return
    from badgegate.allure_results import severity_of, suite_of

    try:
        root = suites_dir()
    except ConfigError:
        return
    for item in items:
        suite = suite_of(item.path, root)
        if suite is None:
            continue
        given = {mark.kwargs.get("label_type") for mark in item.iter_markers("allure_label")}
        if "feature" not in given:
            item.add_marker(pytest.mark.allure_label(suite, label_type="feature"))
        if "story" not in given:
            item.add_marker(pytest.mark.allure_label(item.path.stem, label_type="story"))
        if "severity" not in given:
            severity = severity_of(suite, getattr(item, "originalname", item.name))
            item.add_marker(pytest.mark.allure_label(severity, label_type="severity"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Exit 3 when the target was unreachable; give Allure the environment and categories."""
    if not _active(session.config):
        return
    if UNREACHABLE_KEY in session.config.stash:
        session.exitstatus = ExitCode.UNREACHABLE
    alluredir = session.config.getoption("allure_report_dir", None)
    if alluredir:
        from badgegate.allure_results import write_run_files

        # The git commit shown is that of the folder the run started in: the pipeline's
        # repository (pytest's rootdir is badgegate's data when the suites are installed).
        config = session.config
        learned = config.stash.get(CAPABILITIES_KEY, None)
        write_run_files(
            Path(alluredir),
            config.stash[CONFIG_KEY],
            config.invocation_params.dir,
            capabilities=learned.environment() if learned is not None else None,
        )


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print the per-suite summary table and where the reports are."""
    if not _active(config):
        return
    from badgegate.summary import render, tally

    try:
        root = suites_dir()
    except ConfigError:
        return
    reports = [
        report
        for key in ("passed", "failed", "skipped", "error")
        for report in terminalreporter.stats.get(key, [])
        if isinstance(report, pytest.TestReport)
    ]
    paths = [
        str(value)
        for value in (
            config.getoption("xmlpath", None),
            config.getoption("allure_report_dir", None),
        )
        if value
    ]
    terminalreporter.section("badgegate summary")
    for line in render(tally(reports, root, config.rootpath), paths):
        terminalreporter.write_line(line)
    if UNREACHABLE_KEY in config.stash:
        terminalreporter.write_line(f"target unreachable: {config.stash[UNREACHABLE_KEY]}")


@pytest.fixture(scope="session")
def harness_config(pytestconfig: pytest.Config) -> HarnessConfig:
    """The run's :class:`HarnessConfig` (asking for it makes the session a badgegate session)."""
    return use_harness(pytestconfig)


@pytest.fixture(scope="session")
def badgegate_target(
    harness_config: HarnessConfig, pytestconfig: pytest.Config
) -> Iterator[Target]:
    """The badge-engine under test: the configured one, or the embedded stack started here
    (said on the terminal, with where it runs)."""
    from badgegate.stack import open_target

    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")

    def announce(line: str) -> None:
        if reporter is None:
            return
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            reporter.write_line(line)

    with open_target(harness_config, announce=announce) as target:
        yield target


@pytest.fixture(scope="session")
def target_capabilities(badgegate_target: Target, pytestconfig: pytest.Config) -> Capabilities:
    """What the target offers (:mod:`badgegate.capabilities`), learned once per run with
    read-only probes, said on the terminal and written into the report's environment.

    Checks needing what the target does not offer skip as "not applicable" here, in fixtures,
    so every worker collects the same tests.
    """
    from badgegate.capabilities import learn

    learned = learn(
        badgegate_target.client,
        badgegate_target.config,
        state_url=badgegate_target.state_url,
        writable=badgegate_target.writable,
    )
    pytestconfig.stash[CAPABILITIES_KEY] = learned
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is not None:
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            reporter.write_line("badgegate: what the target offers:")
            for line in learned.describe():
                reporter.write_line(f"  {line}")
    return learned


@pytest.fixture(scope="session")
def engine_client(badgegate_target: Target) -> BadgeEngineClient:
    """The API client of the target, with every scope the config grants."""
    return badgegate_target.client
