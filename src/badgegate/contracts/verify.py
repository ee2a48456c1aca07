"""Provider verification: replay pact files against a badge-engine and report typed mismatches.

Provider states are set up (and torn down) through the target's state-change endpoint, which
receives ``{"state", "params", "action"}`` JSON (for the reference engine, the one
``--test-endpoints`` exposes). A failed verification becomes :class:`VerificationFailed`,
carrying each failing interaction with its mismatches, instead of pact-python's bare
``RuntimeError``. The verifier's log never reaches the console: the pact FFI writes it straight
to file descriptors 1 and 2, so verification runs with them pointed elsewhere, and the report
keeps what it wrote (:attr:`VerificationReport.output`, ``to_dict()["output"]``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import sys
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import requests

from badgegate.config import HarnessConfig
from badgegate.contracts.mismatches import InteractionOutcome, outcomes_from_results
from badgegate.contracts.names import PROVIDER, disable_tracking
from badgegate.contracts.replay import check_replay_allowed, plan_replay
from badgegate.errors import BadgegateError, ConfigError, ExitCode, TargetUnreachable
from badgegate.findings import Finding

logger = logging.getLogger("badgegate.contracts")
STATE_TIMEOUT_MS = 10_000


@dataclasses.dataclass(frozen=True)
class VerificationReport:
    """What a verification found: one outcome per interaction replayed, and the verifier's log."""

    provider: str
    target: str
    outcomes: tuple[InteractionOutcome, ...]
    output: str = ""

    @property
    def failures(self) -> tuple[InteractionOutcome, ...]:
        """The interactions that failed and are not pending."""
        return tuple(o for o in self.outcomes if not o.passed and not o.pending)

    @property
    def pending_failures(self) -> tuple[InteractionOutcome, ...]:
        """The interactions that failed but are pending (reported, not failing the build)."""
        return tuple(o for o in self.outcomes if not o.passed and o.pending)

    @property
    def passed(self) -> bool:
        """True when no interaction failed (pending failures allowed)."""
        return not self.failures

    def render(self) -> str:
        """A summary line, then the failing interactions as a numbered list."""
        failing = [o for o in self.outcomes if not o.passed]
        head = (
            f"{len(self.outcomes)} interaction(s) of {self.provider} verified at {self.target}: "
            f"{len(self.outcomes) - len(failing)} passed, {len(self.failures)} failed"
        )
        if self.pending_failures:
            head += f", {len(self.pending_failures)} pending failed"
        blocks = [outcome.render(number) for number, outcome in enumerate(failing, start=1)]
        return "\n".join([head, *blocks])

    def findings(self) -> list[Finding]:
        """Every mismatch as a :class:`Finding`."""
        return [finding for outcome in self.outcomes for finding in outcome.findings()]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (with the verifier's log as ``output``)."""
        return {
            "provider": self.provider,
            "target": self.target,
            "passed": self.passed,
            "interactions": [outcome.to_dict() for outcome in self.outcomes],
            "output": self.output,
        }


class VerificationFailed(BadgegateError):
    """Provider verification failed; ``report`` holds each failing interaction (exit 1)."""

    exit_code = ExitCode.FAILED

    def __init__(self, report: VerificationReport) -> None:
        super().__init__("provider verification failed\n" + report.render())
        self.report = report


def verify_provider(
    sources: Sequence[Path],
    provider_url: str,
    *,
    state_url: str | None,
    provider: str = PROVIDER,
    description: str | None = None,
    pending: bool = False,
    config: HarnessConfig | None = None,
    only_state_free: bool = False,
    offered: Callable[[str], bool] | None = None,
) -> VerificationReport:
    """Replay the pacts in ``sources`` (files or folders) against ``provider_url``.

    ``provider_url`` is the API base the pacts' paths are relative to (``…/ims/ob/v3p0``).
    ``description`` (a regular expression) narrows the interactions replayed; ``pending``
    marks every interaction of these pacts as pending (a broker said so). Raises
    :class:`VerificationFailed` when a non-pending interaction fails,
    :class:`TargetUnreachable` when the target does not answer.
    """
    report = run_verification(
        sources,
        provider_url,
        state_url=state_url,
        provider=provider,
        description=description,
        config=config,
        only_state_free=only_state_free,
    )
    if pending:
        pended = tuple(dataclasses.replace(o, pending=True) for o in report.outcomes)
        report = dataclasses.replace(report, outcomes=pended)
    if not report.passed:
        raise VerificationFailed(report)
    return report


def run_verification(
    sources: Sequence[Path],
    provider_url: str,
    *,
    state_url: str | None,
    provider: str = PROVIDER,
    description: str | None = None,
    config: HarnessConfig | None = None,
    only_state_free: bool = False,
    offered: Callable[[str], bool] | None = None,
) -> VerificationReport:
    """Replay the pacts and return the report, whatever the outcome.

    The pacts' paths (``/ims/ob/v3p0/…``) are replayed relative to the path of
    ``provider_url``. Nothing is replayed (:class:`ConfigError`) when an interaction needs a
    provider state and there is no ``state_url``, or when ``config`` is a staging run that may
    not write to the target and an interaction, or a provider-state call, would write.
    ``only_state_free`` replays only the interactions that need no provider state and do not
    write, with no provider-state calls at all. ``offered`` (a path under the API base ->
    whether the target offers its operations) leaves the others out.
    """
    parts = urllib.parse.urlsplit(provider_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"engine URL {provider_url!r} is not an http(s) URL")
    missing = [str(source) for source in sources if not Path(source).exists()]
    if missing or not sources:
        raise ConfigError(f"no pact files to verify: {', '.join(missing) or '(none given)'}")
    plan = plan_replay(
        sources, description=description, only_state_free=only_state_free, offered=offered
    )
    if only_state_free:
        state_url = None
    check_replay_allowed(plan, provider_url, state_url=state_url, config=config)
    check_reachable(provider_url)
    disable_tracking()
    from pact import Verifier

    with tempfile.TemporaryDirectory(prefix="badgegate-replay-") as folder:
        verifier = Verifier(provider, host=parts.hostname).add_transport(
            url=f"{parts.scheme}://{parts.netloc}/"
        )
        verifier.set_request_timeout(STATE_TIMEOUT_MS)
        for path in plan.write(Path(folder), base_path=parts.path.rstrip("/")):
            verifier.add_source(path)
        if state_url:
            verifier.state_handler(state_url, teardown=True, body=True)
        failed, errors = _execute(verifier)
        outcomes = tuple(outcomes_from_results(verifier.results))
        output = verifier.output(strip_ansi=True) + errors
    if failed and not any(not outcome.passed for outcome in outcomes):
        raise BadgegateError(f"the pact verifier failed before replaying anything:\n{output}")
    return VerificationReport(provider, provider_url, outcomes, output)


def _execute(verifier: Any) -> tuple[bool, str]:
    """Run the verifier; return whether it reported a failure (its bare ``RuntimeError``) and
    what it printed to standard error (state-change failures and the like).

    The pact FFI prints its log to file descriptor 1 and its errors to descriptor 2 itself,
    past ``sys.stdout`` and pytest's capture, so both point at scratch files meanwhile; the log
    stays available from ``Verifier.output()``.
    """
    with tempfile.TemporaryFile() as log, tempfile.TemporaryFile() as errors:
        with _diverted(1, log), _diverted(2, errors):
            try:
                verifier.verify()
                failed = False
            except RuntimeError:
                failed = True
        errors.seek(0)
        return failed, errors.read().decode("utf-8", "replace")


@contextlib.contextmanager
def _diverted(descriptor: int, scratch: IO[bytes]) -> Iterator[None]:
    """Point file ``descriptor`` (1 or 2) at ``scratch`` while the block runs."""
    stream = sys.stdout if descriptor == 1 else sys.stderr
    stream.flush()
    try:
        console = os.dup(descriptor)
    except OSError:  # nothing open there to divert
        yield
        return
    os.dup2(scratch.fileno(), descriptor)
    try:
        yield
    finally:
        stream.flush()
        os.dup2(console, descriptor)
        os.close(console)


def check_reachable(url: str) -> None:
    """Raise :class:`TargetUnreachable` when nothing answers at ``url``."""
    try:
        requests.get(url.rstrip("/") + "/discovery", timeout=10)
    except requests.RequestException as error:
        raise TargetUnreachable(
            f"engine at {url} did not answer ({type(error).__name__}); start it with "
            "`badgegate engine serve --test-endpoints` or pass --engine-url"
        ) from None
