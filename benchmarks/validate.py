"""Credentials (~3 KB) validated per second, schema only and with every rule, beside plain
jsonschema in the same run, and the latency of one ``validate_credential`` call.

Run: ``python benchmarks/validate.py [--count N] [--jsonschema-count N] [--repeat R]``.
The measurements take turns within each repetition (so a busy machine slows them alike);
each line shows the best and the median repetition, one process, one core.
"In memory" documents go through the safety walk (depth, cycles, non-JSON values);
"parsed JSON" ones are passed with ``from_json=True``, as readers of JSON text do.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from badgegate.validate import validate_credential, validate_many
from badgegate.validate.schemas import FORMATS, load_schema

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "fixtures/credentials/valid/achievement-credential-full.json"
)
LATENCY_CALLS = 2_000


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


def plain_jsonschema() -> Any:
    """Plain jsonschema (Python) on the same schema with the same format functions."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name, function in FORMATS.items():
        checker.checks(name)(function)
    return jsonschema.Draft201909Validator(
        load_schema("achievement-credential"), format_checker=checker
    )


def throughputs(documents: list[dict[str, Any]], subset: list[dict[str, Any]]) -> dict[str, Any]:
    """The measured runs: label -> (documents, run); every run must find every document valid."""
    reference = plain_jsonschema()

    def every_valid(results: list[list[Any]]) -> None:
        assert not any(finding.is_error for findings in results for finding in findings)

    return {
        "schema only, in memory": (
            documents,
            lambda: every_valid(validate_many(documents, schema_only=True)),
        ),
        "schema only, parsed JSON": (
            documents,
            lambda: every_valid(validate_many(documents, schema_only=True, from_json=True)),
        ),
        "every rule, in memory": (documents, lambda: every_valid(validate_many(documents))),
        "every rule, parsed JSON": (
            documents,
            lambda: every_valid(validate_many(documents, from_json=True)),
        ),
        "plain jsonschema (same schema, formats)": (
            subset,
            lambda: None if all(reference.is_valid(d) for d in subset) else 1 / 0,
        ),
    }


def timed(run: Callable[[], Any]) -> float:
    """Seconds ``run()`` takes."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def latencies(documents: list[dict[str, Any]], from_json: bool) -> list[float]:
    """Microseconds per ``validate_credential`` call, one document at a time."""
    samples = []
    for document in documents[:LATENCY_CALLS]:
        start = time.perf_counter()
        validate_credential(document, from_json=from_json)
        samples.append((time.perf_counter() - start) * 1e6)
    return samples


def report(rates: dict[str, list[float]], latency: dict[str, list[float]]) -> None:
    """Print best and median rates, ratios to plain jsonschema, and latency percentiles."""
    reference = rates["plain jsonschema (same schema, formats)"]
    print(f"{'credentials/s (one core)':<42} {'best':>10} {'median':>10}  ratio to jsonschema")
    for label, values in rates.items():
        best, median = max(values), statistics.median(values)
        ratios = best / max(reference), median / statistics.median(reference)
        ratio = f"{ratios[0]:>6,.0f}x best {ratios[1]:>6,.0f}x median"
        print(f"{label:<42} {best:>10,.0f} {median:>10,.0f}  {ratio}")
    print(f"{'validate_credential latency (us)':<42} {'p50':>10} {'p99':>10}")
    for label, samples in latency.items():
        cuts = statistics.quantiles(samples, n=100)
        print(f"{label:<42} {cuts[49]:>10,.1f} {cuts[98]:>10,.1f}")


def main() -> None:
    """Measure, taking turns, and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--jsonschema-count", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    documents = credentials(args.count)
    subset = documents[: args.jsonschema_count]
    size = len(json.dumps(documents[0]))
    rounds = f"jsonschema on {len(subset)}, {args.repeat} rounds"
    print(f"{args.count} credentials of {size} bytes, {rounds}")
    validate_many(documents[:10])  # compile once, outside the timing
    runs = throughputs(documents, subset)
    rates: dict[str, list[float]] = {label: [] for label in runs}
    latency: dict[str, list[float]] = {"in memory": [], "parsed JSON (from_json=True)": []}
    for _ in range(args.repeat):
        for label, (measured, run) in runs.items():
            rates[label].append(len(measured) / timed(run))
        latency["in memory"] += latencies(documents, from_json=False)
        latency["parsed JSON (from_json=True)"] += latencies(documents, from_json=True)
    report(rates, latency)


if __name__ == "__main__":
    main()
