"""A reference engine started with one fault (or none), seeded, as a target for every suite;
optionally as legitimate variants of OB 3.0 (``badgegate engine variants``)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from badgegate.config import HarnessConfig
from badgegate.secret import Secret, reveal
from badgegate.stack import ISOLATION_TENANT, PRIMARY_TENANT, Target

if TYPE_CHECKING:
    from badgegate.capabilities import Capabilities
    from badgegate.fuzz.session import FuzzSession

#: Examples per operation and mode when the self-test fuzzes an operation.
SELFTEST_EXAMPLES = 3


@dataclasses.dataclass
class FaultTarget:
    """A running engine with ``fault`` (``None``: the clean one), its target and fuzz session."""

    fault: str | None
    target: Target
    fuzz: FuzzSession
    isolation_token: Secret
    #: What the engine offers as started (a variant offers less than the reference engine).
    capabilities: Capabilities

    def environment(self, report_dir: str) -> dict[str, str]:
        """Environment of a pytest process checking this engine (secrets through env only)."""
        config = self.target.config
        env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEGATE_")}
        env.update(
            BADGEGATE_ENGINE_URL=self.target.api_url,
            BADGEGATE_CLIENT_ID=str(config.client_id),
            BADGEGATE_CLIENT_SECRET=reveal(config.client_secret) or "",
            BADGEGATE_ISOLATION_TOKEN=self.isolation_token.reveal(),
            BADGEGATE_REPORT_DIR=report_dir,
            BADGEGATE_PROFILE="ci",
            HYPOTHESIS_PROFILE="ci",
        )
        if self.target.state_url is not None:
            env["BADGEGATE_STATE_URL"] = self.target.state_url
        return env


@contextlib.contextmanager
def fault_target(
    fault: str | None,
    config: HarnessConfig,
    *,
    examples: int = SELFTEST_EXAMPLES,
    variants: Sequence[str] = (),
) -> Iterator[FaultTarget]:
    """Start the engine with ``fault`` (as ``variants``), seed it through the fuzz session, and
    yield it."""
    from badgegate.capabilities import learn
    from badgegate.client import BadgeEngineClient
    from badgegate.engine.server import ClientSpec, EngineServer, TokenSpec
    from badgegate.fuzz.seeding import seed_credentials
    from badgegate.fuzz.session import open_session

    primary = ClientSpec("selftest-primary", secrets.token_urlsafe(24), tenant=PRIMARY_TENANT)
    other = ClientSpec("selftest-isolation", secrets.token_urlsafe(24), tenant=ISOLATION_TENANT)
    isolation_token = secrets.token_urlsafe(24)
    faults: Sequence[str] = (fault,) if fault else ()
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(
            EngineServer(
                clients=[primary, other],
                tokens=[TokenSpec(isolation_token, tenant=ISOLATION_TENANT)],
                faults=faults,
                variants=variants,
                test_endpoints=True,
            )
        )
        engine = config.replace(
            engine_url=server.api_url,
            client_id=primary.client_id,
            client_secret=primary.client_secret,
            profile="ci",
        )
        client = stack.enter_context(BadgeEngineClient.from_config(engine))
        isolation = stack.enter_context(
            BadgeEngineClient.from_config(
                engine.replace(client_id=other.client_id, client_secret=other.client_secret)
            )
        )
        target = Target(server.api_url, client, isolation, True, server.state_url, engine)
        offered = learn(client, engine, state_url=server.state_url, writable=True)
        fuzz = open_session(target, capabilities=offered)
        fuzz.profile = fuzz.profile.with_examples(examples)
        seed_credentials(fuzz)
        _seed_issued(fuzz)
        yield FaultTarget(fault, target, fuzz, Secret(isolation_token), offered)


#: Credentials the engine issues itself (plain OB 3.0, no property JSON-LD cannot sign), so the
#: schema suite has the engine's proofs to judge; dated before every fuzz-seeded one.
ISSUED = 3


def _seed_issued(fuzz: Any) -> None:
    """Store :data:`ISSUED` plain credentials through the fuzz session's transport (a fault
    that breaks these calls is the fuzz suite's to report, not the seeding's)."""
    import requests

    from badgegate.samples import sample_credential

    try:
        issuer = fuzz.send("GET", "/profile").json()["id"]
        for index in range(ISSUED):
            key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:badgegate:selftest:issued:{index}"))
            credential = sample_credential(key, f"2020-01-01T00:00:0{index}Z", issuer=issuer)
            fuzz.send("POST", "/credentials", json=credential)
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return
