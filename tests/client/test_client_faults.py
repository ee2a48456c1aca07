"""The client against the reference engine with one fault switched on: what the client reports."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest

from badgegate.client import BadgeEngineClient, NotFound, ProtocolError
from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.samples import sample_achievement, sample_credential, sample_progress
from badgegate.transport import RetryPolicy, Transport

pytestmark = pytest.mark.slow

CLIENT = ClientSpec("faulty", "faulty-secret-" + uuid.uuid4().hex)


@pytest.fixture
def engine_with(request: pytest.FixtureRequest) -> Iterator[BadgeEngineClient]:
    """A client of a fresh engine started with the fault named by the test's parameter."""
    with EngineServer(clients=[CLIENT], faults=[request.param]) as server:
        transport = Transport(retry=RetryPolicy(retries=3, backoff_base=0.01, backoff_max=0.05))
        with (
            transport,
            BadgeEngineClient(
                server.api_url,
                client_id=CLIENT.client_id,
                client_secret=CLIENT.client_secret,
                transport=transport,
            ) as client,
        ):
            yield client


def seed_credentials(client: BadgeEngineClient, count: int) -> list[str]:
    keys = [str(uuid.uuid4()) for _ in range(count)]
    for key in keys:
        assert client.upsert_credential(sample_credential(key)).created
    return [f"urn:uuid:{key}" for key in keys]


@pytest.mark.parametrize("engine_with", ["flaky"], indirect=True)
def test_retries_carry_a_run_through_a_flaky_engine(
    engine_with: BadgeEngineClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="badgegate.http")
    client = engine_with
    ids = seed_credentials(client, 6)
    for _ in range(3):
        key = str(uuid.uuid4())
        assert client.put_achievement(key, sample_achievement(key)).created
        assert client.put_progress(key, sample_progress(key)).created
        assert client.get_progress(key)["id"] == f"urn:uuid:{key}"
    assert [c["id"] for c in client.iter_credentials(page_size=2)] == ids  # type: ignore[index]
    retried = caplog.text
    assert "status 503; retrying" in retried  # Retry-After: 0 answers
    assert "dropped the connection; retrying" in retried  # the resets, retried as well


@pytest.mark.parametrize("engine_with", ["non-imsx-error"], indirect=True)
def test_a_non_imsx_error_body_is_reported_clearly(engine_with: BadgeEngineClient) -> None:
    with pytest.raises(NotFound) as caught:
        engine_with.get_achievement(uuid.uuid4())
    assert not caught.value.is_imsx
    assert caught.value.code_minor is None
    assert "the body is not an Imsx_StatusInfo" in str(caught.value)


@pytest.mark.parametrize("engine_with", ["lost-write"], indirect=True)
def test_a_lost_write_shows_as_created_then_not_found(engine_with: BadgeEngineClient) -> None:
    key = str(uuid.uuid4())
    assert engine_with.put_achievement(key, sample_achievement(key)).created
    with pytest.raises(NotFound):
        engine_with.get_achievement(key)


@pytest.mark.parametrize(
    ("engine_with", "message"),
    [
        ("page-skip", r"the pages held 4 items but X-Total-Count is 5 \(an item was skipped\?\)"),
        (
            "page-duplicate",
            r"6 items so far at .*offset=4 but X-Total-Count is 5 \(an item was served",
        ),
        ("wrong-total", r"the pages held 5 items but X-Total-Count is 6"),
        ("broken-link-header", r"the pages held 2 items but X-Total-Count is 5"),
    ],
    indirect=["engine_with"],
    ids=["page-skip", "page-duplicate", "wrong-total", "broken-link-header"],
)
def test_inconsistent_paging_stops_the_walk_with_a_clear_error(
    engine_with: BadgeEngineClient, message: str
) -> None:
    seed_credentials(engine_with, 5)
    with pytest.raises(ProtocolError, match=message):
        list(engine_with.iter_credentials(page_size=2))
