"""Running schemathesis cases through the harness transport and collecting failures.

Generation continues after a failure (no shrinking: every case costs a request), and each
distinct failure — per check, operation and status — is kept once, with its curl
reproduction (secrets masked) and the run's seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from hypothesis import HealthCheck, Phase, given, reject, seed, settings
from hypothesis.errors import Unsatisfiable

from badgegate.fuzz import checks as _registered  # noqa: F401  (registers the OB 3.0 checks)
from badgegate.fuzz import negative
from badgegate.fuzz.alignment import align_case
from badgegate.fuzz.document import is_write, operation_id
from badgegate.fuzz.report import FuzzFailure, mask_reproduction
from badgegate.fuzz.session import FuzzSession
from badgegate.transport import WriteRefused

#: Operations whose generated bodies are large and slow to build: examples per mode at most.
EXAMPLE_CAPS = {"batchUpsert": 3}
#: Built-in checks that do not apply to an operation. A batch answers 200 with a result per
#: item, so a refused item (status 400 inside the 200) is not "negative data accepted".
EXCLUDED_CHECKS = {"batchUpsert": ("negative_data_rejection",)}


class CaseRunner:
    """Sends cases of one fuzz session and collects their distinct failures."""

    def __init__(self, session: FuzzSession) -> None:
        self.session = session
        self.failures: dict[tuple[str, str, int | None], FuzzFailure] = {}
        self._profile_id: str | None = None

    def profile_id(self) -> str | None:
        """The tenant's Profile id (what ``PUT /profile`` must keep)."""
        if self._profile_id is None:
            response = self.session.send("GET", "/profile")
            body = response.json() if response.status_code == 200 else {}
            self._profile_id = body.get("id") if isinstance(body, dict) else None
        return self._profile_id

    def call(self, case: Any) -> Any:
        """Align ``case``, send it through the transport session and return the response."""
        align_case(
            case, self.profile_id() if operation_id(case.operation) == "putProfile" else None
        )
        headers = self.session.auth.headers_for(operation_id(case.operation), case.headers)
        self.session.report.count_case()
        return case.call(
            base_url=self.session.api_url,
            session=self.session.session,
            headers=headers,
            timeout=self.session.transport.timeout,
        )

    def exchange(self, case: Any, **validate: Any) -> Any:
        """Send ``case`` and run every check on the answer; failures are recorded, not raised."""
        from schemathesis.core.failures import FailureGroup

        try:
            response = self.call(case)
        except WriteRefused:
            reject()
        except requests.ConnectionError as error:
            self._record(case, "connection", f"the request failed: {error}", None, None)
            return None
        excluded = [
            _builtin(name) for name in EXCLUDED_CHECKS.get(operation_id(case.operation), ())
        ]
        with self.session.active():
            try:
                case.validate_response(
                    response,
                    excluded_checks=excluded,
                    transport_kwargs={
                        "session": self.session.session,
                        "base_url": self.session.api_url,
                    },
                    **validate,
                )
            except requests.RequestException as error:
                self._record(
                    case, "connection", f"a follow-up request failed: {error}", response, None
                )
            except FailureGroup as group:
                for failure in group.exceptions:
                    if negative.waived(case, failure):
                        continue
                    self._record(
                        case, failure.title, failure.message, response, response.status_code
                    )
        return response

    def _record(
        self, case: Any, check: str, message: str, response: Any, status: int | None
    ) -> None:
        key = (check, case.operation.label, status)
        if key in self.failures:
            return
        headers = dict(response.request.headers) if response is not None else None
        curl = case.as_curl_command(headers=headers, base_url=self.session.api_url)
        mode = case.meta.generation.mode.value if getattr(case, "meta", None) else None
        self.failures[key] = FuzzFailure(
            check=check,
            operation=case.operation.label,
            message=message,
            curl=mask_reproduction(curl),
            seed=self.session.profile.seed,
            profile=self.session.profile.name,
            status=status,
            mode=mode,
        )


def _builtin(name: str) -> Any:
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    return CHECKS.get_one(name)


def _hypothesis_settings(max_examples: int, **extra: Any) -> settings:
    return settings(
        max_examples=max_examples,
        derandomize=False,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        **extra,
    )


def run_strategy(
    strategy: Any, max_examples: int, run_seed: int, send: Callable[[Any], Any]
) -> None:
    """Draw up to ``max_examples`` cases from ``strategy`` with ``run_seed`` and ``send`` each."""

    @seed(run_seed)
    @_hypothesis_settings(max_examples)
    @given(case=strategy)
    def generated(case: Any) -> None:
        send(case)

    try:
        generated()
    except Unsatisfiable:
        return  # e.g. negative data for an operation without parameters or body


def operation_allowed(session: FuzzSession, operation: Any) -> bool:
    """Whether ``operation`` may be fuzzed under the session's profile (writes on staging)."""
    return session.profile.writes or not is_write(operation)


def fuzz_operation(runner: CaseRunner, operation: Any) -> list[FuzzFailure]:
    """Run the document's examples, then positive and (per profile) negative cases."""
    from schemathesis.generation import GenerationMode

    profile = runner.session.profile
    before = set(runner.failures)
    for example in operation.get_strategies_from_examples():
        run_strategy(example, 1, profile.seed, runner.exchange)
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if profile.negative else [])
    for mode in modes:
        strategy = operation.as_strategy(generation_mode=mode)
        examples = min(profile.max_examples, EXAMPLE_CAPS.get(operation_id(operation), 10**6))
        run_strategy(strategy, examples, profile.seed, runner.exchange)
    return [failure for key, failure in runner.failures.items() if key not in before]


def fuzz_links(runner: CaseRunner) -> list[FuzzFailure]:
    """Stateful sequences through the document's OpenAPI links."""
    from hypothesis.stateful import run_state_machine_as_test

    session = runner.session
    if not (session.profile.stateful and session.adjustments.stateful):
        return []
    before = set(runner.failures)
    base = session.schema.as_state_machine()

    class LinkedCalls(base):  # type: ignore[misc, valid-type]
        def call(self, case: Any, **kwargs: Any) -> Any:
            if session.not_applicable(str(case.operation.path)):
                reject()  # an operation the target does not offer: never sent
            response = runner.exchange(case, recorder=self.recorder)
            if response is None:
                reject()
            return response

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            return None  # already validated in call()

    machine = seed(session.profile.seed)(LinkedCalls)
    run_state_machine_as_test(
        machine,
        settings=_hypothesis_settings(
            session.profile.stateful_examples, stateful_step_count=session.profile.stateful_steps
        ),
    )
    return [failure for key, failure in runner.failures.items() if key not in before]
