"""The legacy tables, exactly as the team's backend (Drizzle ORM on PostgreSQL) defines them.

This module is their one definition: column names, types, NOT NULLs, server defaults
and the cascading foreign key. The same definitions create the reference legacy database on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: A badge: a learner's goal with progress; most rows are not finished.
badges = sa.Table(
    "badges",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("content", sa.Text, nullable=True),
    sa.Column("progress", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column(
        "created_at", sa.DateTime(timezone=False), nullable=False, server_default=sa.func.now()
    ),
    sa.Column("updated_at", sa.DateTime(timezone=False), nullable=True),
    sa.Column("start_date", sa.Text, nullable=True),
    sa.Column("target_date", sa.Text, nullable=True),
    sa.Column("external_id", sa.Text, nullable=True),
    sa.Column("external_source", sa.Text, nullable=True),
)

#: A requirement of a badge; deleted with its badge.
badge_requirements = sa.Table(
    "badge_requirements",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column(
        "badge_id",
        sa.Text,
        sa.ForeignKey("badges.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("completed", sa.Boolean, nullable=False, server_default=sa.text("false")),
    sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=False), nullable=True),
)

#: The badge statuses the backend writes.
STATUSES: tuple[str, ...] = ("NOT_STARTED", "IN_PROGRESS", "COMPLETED", "ARCHIVED")

BADGE_COLUMNS: tuple[str, ...] = tuple(column.name for column in badges.columns)
REQUIREMENT_COLUMNS: tuple[str, ...] = tuple(column.name for column in badge_requirements.columns)
