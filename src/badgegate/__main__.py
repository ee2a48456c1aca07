"""``python -m badgegate``: the command line."""

from badgegate.cli import entry_point

entry_point()
