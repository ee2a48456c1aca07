"""``python -m badgegate.engine serve|faults|variants …``: the ``badgegate engine`` commands."""

from __future__ import annotations

import sys

from badgegate.engine.command import main

if __name__ == "__main__":
    sys.exit(main())
