"""Make positive generated data satisfy the engine rules a JSON Schema cannot state.

Only positive cases are aligned (a negative case stays as wrong as generated):

* an extension record's ``id`` is ``urn:uuid:{key}`` of its path (or batch item) key;
* ``PUT /profile`` keeps the tenant's Profile ``id``;
* a JSON credential sent by a run gets a recognisable id of that run
  (:func:`badgegate.fuzz.seeding.seeded_id`): OB 3.0 has no delete, so what stays on the target
  says whose it is;
* a ``text/plain`` credential is a compact JWS carrying a valid OB 3.0 credential;
* a JSON credential carries no proof (a generated one would not verify: the engine signs what
  comes unsigned, and refuses a proof that does not verify);
* a progress record's whole-float ``progress`` (``57.0``, as schemathesis may spell a JSON
  integer) is sent as the integer it is.
"""

from __future__ import annotations

import uuid
from typing import Any

from badgegate.fuzz.document import operation_id
from badgegate.fuzz.seeding import seeded_id
from badgegate.samples import sample_compact_jws

JWS_ISSUER = "https://issuer.example/"


def is_positive(case: Any) -> bool:
    """True when schemathesis generated ``case`` as valid data."""
    meta = getattr(case, "meta", None)
    return bool(meta is not None and meta.generation.mode.is_positive)


def compact_jws(seed: str) -> str:
    """A compact JWS carrying a valid OB 3.0 credential whose id derives from ``seed``."""
    return sample_compact_jws(str(uuid.uuid5(uuid.NAMESPACE_URL, seed)), issuer=JWS_ISSUER)


def _ext_record(record: Any, key: Any) -> None:
    if isinstance(record, dict) and isinstance(key, str):
        record["id"] = "urn:uuid:" + key
        progress = record.get("progress")
        if isinstance(progress, float) and progress.is_integer():
            record["progress"] = int(progress)


def align_case(case: Any, profile_id: str | None, *, run: str | None = None) -> None:
    """Align a positive ``case`` with the engine's rules (see the module docstring); ``run``
    names the run whose credentials these are."""
    if not is_positive(case):
        return
    name = operation_id(case.operation)
    if name == "upsertCredential" and isinstance(case.body, dict) and run:
        case.body["id"] = seeded_id(run, f"credential/generated-{uuid.uuid4()}")
    if name in ("upsertAchievement", "upsertProgress"):
        _ext_record(case.body, (case.path_parameters or {}).get("key"))
    elif name == "putProfile" and isinstance(case.body, dict) and profile_id:
        case.body["id"] = profile_id
    elif name == "upsertCredential" and isinstance(case.body, str):
        case.body = compact_jws(case.body)
    elif name == "upsertCredential" and isinstance(case.body, dict):
        case.body.pop("proof", None)
    elif name == "batchUpsert" and isinstance(case.body, dict):
        for operation in case.body.get("operations") or []:
            if not isinstance(operation, dict):
                continue
            if operation.get("kind") != "credential":
                _ext_record(operation.get("record"), operation.get("key"))
            elif isinstance(operation.get("record"), str):
                operation["record"] = compact_jws(operation["record"])
            elif isinstance(operation.get("record"), dict):
                operation["record"].pop("proof", None)
