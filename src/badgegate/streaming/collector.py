"""The garbage collector while a run streams: collected less often, existing objects left out.

Planning a badge allocates a few dozen short-lived dicts and lists. With Python's default
thresholds the collector runs every 700 allocations and, every few hundred runs, walks every
object the process holds (the imported libraries included): a quarter of a migration's CPU time.
The records are plain JSON values without reference cycles, so collecting the young generation
every few tens of thousands of allocations loses nothing, and memory stays flat.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

YOUNG_THRESHOLD = 20_000


@contextlib.contextmanager
def deferred_collection() -> Iterator[None]:
    """Within the block: objects that existed before are frozen out of collection, and the
    young generation is collected every :data:`YOUNG_THRESHOLD` allocations. Restored after.

    Freezing is left alone when someone else already froze objects (their ``gc.unfreeze``
    is theirs to call).
    """
    thresholds = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(max(YOUNG_THRESHOLD, thresholds[0]), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()
