"""Credentials (~3 KB) validated per second: schema only and with every rule, beside plain
jsonschema in the same run. Run: ``python benchmarks/validate.py [--count N]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path
from typing import Any

from badgegate.validate import validate_many
from badgegate.validate.schemas import FORMATS, load_schema

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "fixtures/credentials/valid/achievement-credential-full.json"
)


def credentials(count: int) -> list[dict[str, Any]]:
    """``count`` distinct ~3 KB credentials (the full fixture without its endorsement)."""
    base = json.loads(FIXTURE.read_text(encoding="utf-8"))
    base.pop("endorsement")
    documents = []
    for index in range(count):
        document = copy.deepcopy(base)
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{index:012d}"
        documents.append(document)
    return documents


def rate(label: str, count: int, run: Any) -> float:
    """Time ``run()`` over ``count`` documents; print and return documents per second."""
    start = time.perf_counter()
    run()
    per_second = count / (time.perf_counter() - start)
    print(f"{label:<42} {per_second:>12,.0f} credentials/s")
    return per_second


def main() -> None:
    """Print the rates and the ratios to plain jsonschema."""
    import jsonschema

    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--jsonschema-count", type=int, default=1_000)
    args = parser.parse_args()
    documents = credentials(args.count)
    size = len(json.dumps(documents[0]))
    print(f"{args.count} credentials of {size} bytes (jsonschema: {args.jsonschema_count})")
    validate_many(documents[:10])  # compile once, outside the timing
    checker = jsonschema.FormatChecker(formats=())
    for name, function in FORMATS.items():
        checker.checks(name)(function)
    plain = jsonschema.Draft201909Validator(
        load_schema("achievement-credential"), format_checker=checker
    )
    subset = documents[: args.jsonschema_count]
    schema_only = rate("badgegate schema only (jsonschema-rs)", args.count,
                       lambda: validate_many(documents, schema_only=True))  # fmt: skip
    every_rule = rate("badgegate schema + every rule", args.count, lambda: validate_many(documents))
    reference = rate("plain jsonschema (same schema, same formats)", len(subset),
                     lambda: [plain.is_valid(d) for d in subset])  # fmt: skip
    print(f"ratio schema only / jsonschema:   {schema_only / reference:,.0f}x")
    print(f"ratio every rule / jsonschema:    {every_rule / reference:,.0f}x")


if __name__ == "__main__":
    main()
