"""Comparing legacy rows with what comes back from badge-engine, field by field.

``check_roundtrip`` (in memory) and ``check_engine`` (through the API) give an
:class:`IntegrityVerdict`: deepdiff differences in legacy ``table.column`` names, findings about
the served records, and an SQL ``INSERT`` reproduction of the data set.
"""

from __future__ import annotations

from badgegate.compare.diff import RowDifference, compare_rows, json_value, keyed_rows
from badgegate.compare.evidence import IntegrityVerdict, attach_text, rows_json
from badgegate.compare.integrity import MEMORY_ISSUER, check_engine, check_roundtrip, verdict_for
from badgegate.compare.served import (
    RecoveredDataset,
    ServedRecords,
    expected_rows,
    iter_operations,
    migrate_in_memory,
    operations_for,
    read_back,
    recover_dataset,
)
from badgegate.compare.sql import insert_statement, insert_statements, sql_literal, statement_list

__all__ = [
    "MEMORY_ISSUER",
    "IntegrityVerdict",
    "RecoveredDataset",
    "RowDifference",
    "ServedRecords",
    "attach_text",
    "check_engine",
    "check_roundtrip",
    "compare_rows",
    "expected_rows",
    "insert_statement",
    "insert_statements",
    "iter_operations",
    "json_value",
    "keyed_rows",
    "migrate_in_memory",
    "operations_for",
    "read_back",
    "recover_dataset",
    "rows_json",
    "sql_literal",
    "statement_list",
    "verdict_for",
]
