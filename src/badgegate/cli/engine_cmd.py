"""``badgegate engine serve``, ``engine faults`` and ``engine variants``: the reference engine.

The command group is the engine's own (:mod:`badgegate.engine.command`), so that
``python -m badgegate.engine`` runs it without the command line package.
"""

from __future__ import annotations

from badgegate.engine.command import register

__all__ = ["register"]
