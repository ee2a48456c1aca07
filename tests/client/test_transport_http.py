"""The transport's policies over real HTTP on loopback: retries, guard, timeouts, TLS, logs."""

from __future__ import annotations

import email.utils
import logging
import time

import pytest
import requests

from badgegate.transport import Transport, WriteRefused

from .conftest import RecordedSleep, ScriptedServer


def test_get_is_retried_on_503_honouring_retry_after(
    scripted: ScriptedServer, fast_transport: Transport, sleeps: RecordedSleep
) -> None:
    scripted.add("GET", "/r", status=503, headers={"Retry-After": "2"})
    scripted.add("GET", "/r", status=502)
    scripted.add("GET", "/r", status=200, body={"ok": True})
    response = fast_transport.send("GET", scripted.url + "/r")
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert len(scripted.hits("GET", "/r")) == 3
    assert sleeps.waits[0] == 2.0  # Retry-After honoured
    assert 0.0 <= sleeps.waits[1] <= 0.2  # backoff bound of the second retry


def test_retry_after_as_an_http_date_is_capped(
    scripted: ScriptedServer, fast_transport: Transport, sleeps: RecordedSleep
) -> None:
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    scripted.add("GET", "/r", status=429, headers={"Retry-After": later})
    scripted.add("GET", "/r", status=204)
    assert fast_transport.send("GET", scripted.url + "/r").status_code == 204
    assert sleeps.waits == [5.0]  # the fixture's retry_after_cap


def test_retries_stop_after_the_limit_and_return_the_last_answer(
    scripted: ScriptedServer, fast_transport: Transport, sleeps: RecordedSleep
) -> None:
    scripted.add("PUT", "/r", status=504, body={"imsx_codeMajor": "failure"})
    response = fast_transport.send("PUT", scripted.url + "/r", json={"a": 1})
    assert response.status_code == 504
    assert response.json() == {"imsx_codeMajor": "failure"}
    assert len(scripted.hits("PUT", "/r")) == 4  # 1 + 3 retries
    assert len(sleeps.waits) == 3


def test_a_plain_post_is_never_retried(
    scripted: ScriptedServer, fast_transport: Transport, sleeps: RecordedSleep
) -> None:
    scripted.add("POST", "/r", status=503, headers={"Retry-After": "0"})
    response = fast_transport.send("POST", scripted.url + "/r", json={})
    assert response.status_code == 503
    assert len(scripted.hits("POST", "/r")) == 1
    assert sleeps.waits == []


def test_a_post_marked_idempotent_is_retried(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    scripted.add("POST", "/r", status=503)
    scripted.add("POST", "/r", status=201, body={"id": "x"})
    response = fast_transport.send("POST", scripted.url + "/r", json={"id": "x"}, idempotent=True)
    assert response.status_code == 201
    bodies = [hit.body for hit in scripted.hits("POST", "/r")]
    assert bodies == [b'{"id": "x"}', b'{"id": "x"}']  # the same body, sent again


def test_connection_reset_is_retried_for_get(
    scripted: ScriptedServer, fast_transport: Transport, sleeps: RecordedSleep
) -> None:
    scripted.add("GET", "/r", action="reset")
    scripted.add("GET", "/r", status=200, body={"ok": 1})
    assert fast_transport.send("GET", scripted.url + "/r").json() == {"ok": 1}
    assert len(scripted.hits("GET", "/r")) == 2
    assert len(sleeps.waits) == 1


def test_connection_reset_of_a_post_is_raised_at_once(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    scripted.add("POST", "/r", action="reset")
    with pytest.raises(requests.ConnectionError):
        fast_transport.send("POST", scripted.url + "/r", data=b"x")
    assert len(scripted.hits("POST", "/r")) == 1


def test_per_request_retry_count_overrides_the_policy(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    scripted.add("GET", "/r", status=503)
    assert fast_transport.send("GET", scripted.url + "/r", retries=1).status_code == 503
    assert len(scripted.hits("GET", "/r")) == 2


def test_default_read_timeout_applies_to_anything_using_the_session(
    scripted: ScriptedServer, sleeps: RecordedSleep
) -> None:
    scripted.add("GET", "/slow", action="hang")
    with Transport(read_timeout=0.3, sleep=sleeps) as transport:
        started = time.monotonic()
        with pytest.raises(requests.ReadTimeout):
            transport.session.get(scripted.url + "/slow")  # no timeout given by the caller
        # Retried 3 times, each bounded by the 0.3 s read timeout.
        assert time.monotonic() - started < 5
    assert len(scripted.hits("GET", "/slow")) == 4


def test_write_guard_stops_writes_before_they_leave_the_process(scripted: ScriptedServer) -> None:
    scripted.add("GET", "/r", status=200)
    scripted.add("DELETE", "/r", status=200)
    seen: list[tuple[str, str]] = []

    def read_only(method: str, url: str) -> None:
        seen.append((method, url))
        if method not in ("GET", "HEAD"):
            raise WriteRefused(f"{method} {url} refused: the target is read-only")

    with Transport(write_guard=read_only) as transport:
        assert transport.session.get(scripted.url + "/r").status_code == 200
        with pytest.raises(WriteRefused, match=r"DELETE .* refused"):
            transport.session.delete(scripted.url + "/r")
    assert scripted.hits("DELETE", "/r") == []
    assert seen == [("GET", scripted.url + "/r"), ("DELETE", scripted.url + "/r")]
    assert WriteRefused("x").exit_code == 2


def test_rate_cap_beyond_the_burst_waits(scripted: ScriptedServer) -> None:
    scripted.add("GET", "/r", status=204)
    with Transport(rate_limit=10.0) as transport:
        started = time.monotonic()
        for _ in range(14):  # a burst of 10, then four more at 10/s
            transport.session.get(scripted.url + "/r")
        assert time.monotonic() - started >= 0.35


def test_tls_settings_apply_to_the_session_and_every_request() -> None:
    with Transport(ca_bundle="/etc/ssl/our-ca.pem") as transport:
        assert transport.session.verify == "/etc/ssl/our-ca.pem"
        assert transport.effective_verify(True) == "/etc/ssl/our-ca.pem"
        assert transport.effective_verify("/other.pem") == "/other.pem"
    with Transport(verify_tls=False, ca_bundle="/etc/ssl/our-ca.pem") as transport:
        assert transport.session.verify is False
        assert transport.effective_verify(True) is False


def test_https_to_a_plain_http_server_fails_the_handshake_without_retries(
    scripted: ScriptedServer, fast_transport: Transport, sleeps: RecordedSleep
) -> None:
    scripted.add("GET", "/r", status=200)
    https_url = scripted.url.replace("http://", "https://") + "/r"
    with pytest.raises(requests.exceptions.SSLError):
        fast_transport.send("GET", https_url)
    assert sleeps.waits == []


def test_log_lines_show_requests_and_retries_with_secrets_masked(
    scripted: ScriptedServer, fast_transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    token = "tok-" + "9" * 24
    scripted.add("GET", "/r", status=503)
    scripted.add("GET", "/r", status=401, body={"error": token})
    caplog.set_level(logging.DEBUG, logger="badgegate.http")
    fast_transport.send(
        "GET",
        scripted.url + f"/r?access_token={token}",
        headers={"Authorization": f"Bearer {token}"},
    )
    text = caplog.text
    assert token not in text
    assert "-> 503" in text and "-> 401" in text
    assert "retrying in" in text
    assert "reproduce with: curl -X GET" in text and "Bearer ***" in text
