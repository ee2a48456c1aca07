"""``python -m badgegate.engine serve|faults …``: the ``badgegate engine`` command group."""

from __future__ import annotations

import sys

from badgegate.cli import main

if __name__ == "__main__":
    sys.exit(main(["engine", *sys.argv[1:]]))
