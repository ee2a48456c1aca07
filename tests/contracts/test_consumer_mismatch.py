"""A client that makes the wrong call is caught by Pact's mock server."""

from __future__ import annotations

import pytest

from badgegate.client import BadgeEngineClient
from badgegate.contracts import ContractBroken
from badgegate.contracts import examples as ex
from badgegate.contracts.consumer import ConsumerContract, ContractInteraction
from badgegate.contracts.migrator import MIGRATOR_CONTRACT, TOKEN

CREATED = "an upsert of a new credential"


def _with_exercise(description: str, exercise: object) -> ConsumerContract:
    original = MIGRATOR_CONTRACT.interaction(description)
    wrong = ContractInteraction(description, original.define, exercise)  # type: ignore[arg-type]
    return ConsumerContract(MIGRATOR_CONTRACT.consumer, (wrong,))


def test_upsert_without_run_header_is_caught() -> None:
    """Leaving out X-Badgegate-Run breaks the migrator's contract."""

    def exercise(base_url: str) -> None:
        with BadgeEngineClient(base_url, token=TOKEN, retries=0) as client:
            client.upsert_credential(ex.credential("2024-03-01T09:30:00Z"))

    with pytest.raises(ContractBroken) as caught:
        _with_exercise(CREATED, exercise).check(CREATED)
    assert "X-Badgegate-Run" in str(caught.value) and CREATED in str(caught.value)


def test_call_to_the_wrong_path_is_caught() -> None:
    """Putting the achievement as a progress record is a request the contract lacks."""
    description = "a put of a new achievement"

    def exercise(base_url: str) -> None:
        with BadgeEngineClient(base_url, token=TOKEN, retries=0) as client:
            client.put_progress(ex.ACHIEVEMENT_KEY, ex.achievement(), run_id=ex.RUN_ID)

    with pytest.raises(ContractBroken) as caught:
        _with_exercise(description, exercise).check(description)
    text = str(caught.value)
    assert "/ext/progress/" in text and "/ext/achievements/" in text
    assert len(caught.value.mismatches) >= 2


def test_changed_body_is_caught() -> None:
    """Sending a different validFrom than the contract's is a body mismatch."""

    def exercise(base_url: str) -> None:
        with BadgeEngineClient(base_url, token=TOKEN, retries=0) as client:
            client.upsert_credential(ex.credential("2024-03-01T09:31:00Z"), run_id=ex.RUN_ID)

    with pytest.raises(ContractBroken):
        _with_exercise(CREATED, exercise).check(CREATED)
