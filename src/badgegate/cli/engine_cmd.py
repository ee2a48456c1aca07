"""``badgegate engine serve`` and ``badgegate engine faults``: the reference badge-engine.

The command group is the engine's own (:mod:`badgegate.engine.command`), so that
``python -m badgegate.engine`` runs it without the command line package.
"""

from __future__ import annotations

from badgegate.engine.command import register

__all__ = ["register"]
