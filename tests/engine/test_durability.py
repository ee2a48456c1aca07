"""Storage survives a crash and stays consistent under concurrent writers."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.samples import sample_achievement, sample_credential
from tests.engine.conftest import unsigned

TOKEN = "durability-token"


def test_data_survives_kill_9_and_restart(engine_db: str) -> None:
    tenant = f"durable-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    credential = sample_credential(str(uuid.uuid4()))
    key = str(uuid.uuid4())
    with EngineServer(tokens=[TokenSpec(TOKEN, tenant=tenant)], engine_db=engine_db) as server:
        assert (
            requests.post(
                server.api_url + "/credentials", json=credential, headers=headers, timeout=30
            ).status_code
            == 201
        )
        run = {**headers, "X-Badgegate-Run": "durable-run"}
        url = f"{server.api_url}/ext/achievements/{key}"
        assert requests.put(url, json=sample_achievement(key), headers=run, timeout=30).ok
        server.kill()
        assert server.process is not None and server.process.returncode == -9
        server.restart()
        url = f"{server.api_url}/ext/achievements/{key}"
        listed = requests.get(server.api_url + "/credentials", headers=headers, timeout=30)
        assert unsigned(listed.json()) == {"credential": [credential]}
        fetched = requests.get(
            f"{server.api_url}/ext/achievements/{key}", headers=headers, timeout=30
        )
        assert fetched.json() == sample_achievement(key)
        rollback = requests.delete(
            server.api_url + "/ext/migration-runs/durable-run", headers=headers, timeout=30
        )
        assert rollback.json()["deleted"]["achievement"] == 1


def test_concurrent_upserts_are_all_stored_once(engine_db: str) -> None:
    tenant = f"concurrent-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    credentials = [sample_credential(str(uuid.uuid4())) for _ in range(40)]
    with EngineServer(tokens=[TokenSpec(TOKEN, tenant=tenant)], engine_db=engine_db) as server:

        def upsert(credential: dict[str, object]) -> int:
            with requests.Session() as session:
                url = server.api_url + "/credentials"
                return session.post(url, json=credential, headers=headers, timeout=30).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            first = list(pool.map(upsert, credentials + credentials[:10]))
        assert first.count(201) == 40
        assert first.count(304) == 10
        listed = requests.get(
            server.api_url + "/credentials", params={"limit": 1000}, headers=headers, timeout=30
        )
        assert listed.headers["X-Total-Count"] == "40"
        assert sorted(item["id"] for item in listed.json()["credential"]) == sorted(
            credential["id"] for credential in credentials
        )
