"""``badgegate validate PATH...``: check OB 3.0 files (JSON, compact JWS, baked PNG/SVG).

``--mode conformance`` (default) judges the data model alone; ``--mode verify`` gives the
verifier's verdict: the data model judged at ``--at`` plus the proof (Data Integrity
``eddsa-rdfc-2022`` or the JWS signature), with keys from ``--keys FILE``.

Exit 0 when every file is valid (warnings allowed), 1 when any has an error (or, with
``--strict``, a warning), 2 on usage errors. Every finding shows the level of the requirement
it rests on (MUST: error; SHOULD or an optional member: warning) and where it is stated.
The ``--format json`` output is versioned: ``{"format": "badgegate.validate/1", "summary": {...},
"files": [{"path", "kind", "valid", "findings": [Finding.to_dict(), ...]}]}``; a finding's
``level``, ``requirement`` and ``section`` are members of it.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.errors import ConfigError, ExitCode
from badgegate.findings import failing

if TYPE_CHECKING:
    from badgegate.validate.documents import FileResult

JSON_FORMAT = "badgegate.validate/1"


def register(subparsers: Any) -> None:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate",
        help="validate Open Badges 3.0 credentials, profiles and API bodies in files",
        description="Validate OB 3.0 documents: .json, .jwt/.jws compact JWS, baked .png and "
        ".svg. Folders are searched for those suffixes.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one line per finding (default); json: the findings as a JSON document",
    )
    parser.add_argument(
        "--variant",
        choices=("strict", "jsonld"),
        default="strict",
        help="strict plain JSON (default) or JSON-LD compacted values",
    )
    parser.add_argument(
        "--mode",
        choices=("conformance", "verify"),
        default="conformance",
        help="conformance: the data model alone (default); verify: the verifier's verdict, "
        "signatures verified and expired / not-yet-valid as errors, judged at --at",
    )
    parser.add_argument("--at", metavar="TIME", help="RFC 3339 date-time with zone (default now)")
    parser.add_argument(
        "--keys",
        metavar="FILE",
        type=Path,
        help="with --mode verify: public keys, a JSON file holding a JWKS, or one verification "
        "method (id, publicKeyMultibase) or JWK (kid), or a list of them",
    )
    parser.add_argument(
        "--allow-network",
        action="store_true",
        help="with --mode verify: resolve did:web and https verification methods over the "
        "network (default: never)",
    )
    add_config_options(parser, "strict")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate every file named; print the results; return the exit code."""
    from badgegate.validate.documents import expand, validate_file
    from badgegate.validate.schemas import parse_date_time

    at = None
    if args.at is not None:
        at = parse_date_time(args.at)
        if at is None:
            raise ConfigError(
                f"--at {args.at!r} is not an RFC 3339 date-time with a zone, "
                "e.g. 2030-01-01T00:00:00Z"
            )
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise ConfigError(f"no such file or folder: {', '.join(missing)}")
    files = list(expand(args.paths))
    if not files:
        raise ConfigError("no .json, .jwt, .jws, .png or .svg files under the paths given")
    strict = config_from_args(args).strict
    if args.mode == "verify":
        results = _verified(files, args, at)
    elif args.keys is not None or args.allow_network:
        raise ConfigError("--keys and --allow-network belong to --mode verify")
    else:
        results = [validate_file(p, variant=args.variant, mode=args.mode, at=at) for p in files]
    print(
        render_json(results, strict=strict)
        if args.format == "json"
        else render_text(results, strict=strict)
    )
    failed = any(failing(result.findings, strict=strict) for result in results)
    return ExitCode.FAILED if failed else ExitCode.OK


def _verified(files: list[Path], args: argparse.Namespace, at: datetime | None) -> list[FileResult]:
    from badgegate.verify import Keys, load_keys, verify_file

    keys = load_keys(args.keys) if args.keys is not None else Keys()
    return [
        verify_file(path, keys, at=at, allow_network=args.allow_network, variant=args.variant)
        for path in files
    ]


def _summary(results: list[FileResult], strict: bool) -> dict[str, int | bool]:
    findings = [finding for result in results for finding in result.findings]
    errors = sum(finding.is_error for finding in findings)
    valid = sum(result.valid for result in results)
    return {
        "files": len(results),
        "valid": valid,
        "invalid": len(results) - valid,
        "errors": errors,
        "warnings": len(findings) - errors,
        "strict": strict,
    }


def _verdict(result: FileResult, strict: bool) -> str:
    if not result.valid:
        return "INVALID"
    if any(not finding.is_error for finding in result.findings):
        return "FAILED (warnings, --strict)" if strict else "ok, with warnings"
    return "ok"


def render_text(results: list[FileResult], *, strict: bool = False) -> str:
    """Findings grouped per file, then one summary line."""
    lines: list[str] = []
    for result in results:
        verdict = _verdict(result, strict)
        lines.append(f"{result.path}: {verdict} ({result.kind or 'unknown kind'})")
        lines.extend(f"  {finding.render()}" for finding in result.findings)
    summary = _summary(results, strict)
    lines.append(
        f"{summary['files']} file(s): {summary['valid']} valid, {summary['invalid']} invalid; "
        f"{summary['errors']} error(s), {summary['warnings']} warning(s)"
        + (" (warnings fail: --strict)" if strict and summary["warnings"] else "")
    )
    return "\n".join(lines)


def render_json(results: list[FileResult], *, strict: bool = False) -> str:
    """The versioned JSON report (``format`` = ``badgegate.validate/1``)."""
    report = {
        "format": JSON_FORMAT,
        "summary": _summary(results, strict),
        "files": [
            {
                "path": str(result.path),
                "kind": result.kind,
                "valid": result.valid,
                "findings": [finding.to_dict() for finding in result.findings],
            }
            for result in results
        ],
    }
    return json.dumps(report, indent=2, ensure_ascii=False, default=str)
