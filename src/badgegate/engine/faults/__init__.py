"""Realistic defects the engine can be started with (``--fault NAME``), for the self-tests.

:mod:`.catalogue` names every fault, the suite that catches it and the hooks that apply the
record faults; :mod:`.flaky` and :mod:`.header_faults` are the middlewares of the faults that
act on whole requests and responses.
"""
