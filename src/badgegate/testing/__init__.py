"""What exists to test migrations rather than to run them.

Hypothesis strategies for legacy data (:mod:`badgegate.testing.strategies`), the catalogue of
lossy migrations (:mod:`badgegate.testing.lossy`), preloading the reference engine's store with
what a migration would write (:mod:`badgegate.testing.preload`) and throwaway PostgreSQL
databases (:mod:`badgegate.testing.scratch_db`). The suites, badgegate's own tests and the
benchmarks use them.

The rule: the engine, ``migrate`` and ``reconcile`` never import ``badgegate.testing``. What a
migration or a reconciliation needs at run time lives outside it.
"""
