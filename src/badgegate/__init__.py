"""badgegate: contract and data-integrity test harness for an Open Badges 3.0 badge-engine."""

__version__ = "0.1.0"
