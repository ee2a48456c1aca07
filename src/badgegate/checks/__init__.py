"""Checks of what a badge-engine answers, shared by the suites: each returns findings."""
