"""badgegate's own words for badge-engine: the kinds of record it stores, its batch limit, the
suites that check it. Each is defined here once; every package imports it from here.
"""

from __future__ import annotations

from typing import Literal

#: badge-engine's extension records (the OB 3.0 credential is the third kind).
ExtensionKind = Literal["achievement", "progress"]
RecordKind = Literal["achievement", "credential", "progress"]
#: The kinds of record badge-engine stores, in the order a badge's records are written and
#: reported: its achievement first (the credential and the progress record refer to it).
RECORD_KINDS: tuple[RecordKind, ...] = ("achievement", "credential", "progress")
#: The same kinds in the engine's own order, the OB 3.0 credential first: how the engine's
#: JSON counts (migration-run summaries, rollbacks) list them.
ENGINE_KIND_ORDER: tuple[RecordKind, ...] = (
    "credential",
    *(kind for kind in RECORD_KINDS if kind != "credential"),
)

#: The most upserts one ``POST /ext/batch`` holds: the engine refuses more (413), the client
#: and the migration never send more.
BATCH_LIMIT = 500

#: The test suites under ``suites/``, in the order they run and are reported.
SUITES = ("smoke", "schema", "contracts", "fuzz", "integrity")
