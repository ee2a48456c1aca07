"""The stored login as the client's token source: refreshed before it expires, refreshed once
after a 401 (then the 401 stands), never needing client credentials, and refreshed by one
process at a time (refresh tokens rotate; a spent one presented again revokes the login)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from badgegate.client import BadgeEngineClient, Unauthorized
from badgegate.client.login import Login, StoredLogin, load_login, log_in, login_path, save_login
from badgegate.config import load_config
from badgegate.engine.server import EngineServer
from badgegate.transport import Transport
from tests.cli.oauth_host import OAuthHost
from tests.conftest import ServeOnLoopback

pytestmark = pytest.mark.slow


@pytest.fixture
def logins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user-level state folder of this test's own; no BADGEGATE_* credentials around."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for name in ("BADGEGATE_ENGINE_TOKEN", "BADGEGATE_CLIENT_ID", "BADGEGATE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "state"


@pytest.fixture
def engine() -> Iterator[EngineServer]:
    """A reference engine whose clients register themselves."""
    with EngineServer() as server:
        yield server


def _logged_in(api_url: str) -> Login:
    """Log in to ``api_url`` as ``badgegate auth login`` does, following the URL at once."""
    with Transport() as transport:
        login = log_in(
            transport,
            api_url,
            show=lambda _url: None,
            open_browser=lambda url: requests.get(url, timeout=30),
            timeout=30,
        )
    save_login(login)
    return login


def _client(api_url: str) -> BadgeEngineClient:
    return BadgeEngineClient.from_config(load_config({"engine_url": api_url}, env={}))


def _stored(api_url: str) -> dict[str, object]:
    return dict(json.loads(login_path(api_url).read_text(encoding="utf-8")))


def _expire(api_url: str) -> None:
    held = _stored(api_url)
    held["expires_at"] = time.time() - 60
    login_path(api_url).write_text(json.dumps(held), encoding="utf-8")


def test_the_stored_login_is_used_without_client_credentials(
    engine: EngineServer, logins: Path
) -> None:
    login = _logged_in(engine.api_url)
    with _client(engine.api_url) as client:
        assert isinstance(client.tokens, StoredLogin)
        assert client.list_credentials(limit=1).items == []
        assert login.access_token.reveal() not in repr(client)
    assert _stored(engine.api_url)["access_token"] == login.access_token.reveal()


def test_an_expiring_token_is_refreshed_before_it_is_sent(
    engine: EngineServer, logins: Path
) -> None:
    login = _logged_in(engine.api_url)
    _expire(engine.api_url)
    with _client(engine.api_url) as client:
        client.list_credentials(limit=1)
    stored = _stored(engine.api_url)
    assert stored["access_token"] != login.access_token.reveal()
    assert login.refresh_token is not None
    assert stored["refresh_token"] != login.refresh_token.reveal()
    assert float(str(stored["expires_at"])) > time.time()


def test_a_401_is_refreshed_once_and_the_call_succeeds(engine: EngineServer, logins: Path) -> None:
    login = _logged_in(engine.api_url)
    revoked = requests.post(
        engine.api_url + "/oauth/revoke",
        data={"token": login.access_token.reveal()},
        auth=(login.client_id, login.client_secret.reveal() if login.client_secret else ""),
        timeout=30,
    )
    assert revoked.status_code == 200
    with _client(engine.api_url) as client:
        assert client.list_credentials(limit=1).items == []
    assert _stored(engine.api_url)["access_token"] != login.access_token.reveal()


def test_after_one_refresh_the_401_stands(serve_on_loopback: ServeOnLoopback, logins: Path) -> None:
    host = OAuthHost(api_status=401)
    host.base_url = serve_on_loopback(host.handler())
    _logged_in(host.api_url)
    with _client(host.api_url) as client, pytest.raises(Unauthorized):
        client.list_credentials(limit=1)
    refreshes = [form for form in host.token_requests if form["grant_type"] == "refresh_token"]
    assert len(refreshes) == 1, "a 401 is answered by one refresh, no more"
    assert len(host.api_tokens) == 2 and host.api_tokens[0] != host.api_tokens[1]


def test_processes_sharing_a_login_refresh_it_one_at_a_time(
    engine: EngineServer, logins: Path
) -> None:
    _logged_in(engine.api_url)
    _expire(engine.api_url)
    expired = load_login(engine.api_url)
    assert expired is not None
    transports = [Transport(), Transport()]
    sources = [StoredLogin(transport, expired) for transport in transports]
    tokens: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(sources))

    def use(source: StoredLogin) -> None:
        start.wait()
        try:
            tokens.append(source.token())
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=use, args=(source,)) for source in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for transport in transports:
        transport.close()
    assert not errors, errors
    assert len(set(tokens)) == 1, "the second user must take the tokens the first one stored"
    with _client(engine.api_url) as client:
        assert client.list_credentials(limit=1).items == []


def test_a_login_deleted_meanwhile_is_not_written_back(engine: EngineServer, logins: Path) -> None:
    _logged_in(engine.api_url)
    _expire(engine.api_url)
    expired = load_login(engine.api_url)
    assert expired is not None
    login_path(engine.api_url).unlink()
    with Transport() as transport:
        fresh = StoredLogin(transport, expired).token()
    assert fresh != expired.access_token.reveal()
    assert not login_path(engine.api_url).exists(), "a logged-out login must stay gone"
