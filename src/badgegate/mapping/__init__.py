"""The migration data contract and its two directions.

``load_mapping`` reads ``contracts/migration-mapping.yaml``; ``forward`` turns a legacy badge into
its badge-engine records; ``recover`` rebuilds the legacy rows from what badge-engine serves;
``check_schema`` compares the mapping with a live legacy schema.
"""

from __future__ import annotations

from badgegate.mapping.forward import MigratedBadge, forward
from badgegate.mapping.model import (
    ColumnFate,
    MigrationMapping,
    TableFate,
    default_mapping_path,
    load_mapping,
    parse_mapping,
)
from badgegate.mapping.recover import (
    RecoveryMismatch,
    check_served,
    normalise,
    recover,
    recover_rows,
)
from badgegate.mapping.schema_check import check_schema

__all__ = [
    "ColumnFate",
    "MigratedBadge",
    "MigrationMapping",
    "RecoveryMismatch",
    "TableFate",
    "check_schema",
    "check_served",
    "default_mapping_path",
    "forward",
    "load_mapping",
    "normalise",
    "parse_mapping",
    "recover",
    "recover_rows",
]
