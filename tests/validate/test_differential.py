"""Our schemas against the official OB 3.0 schemas: same verdict on every document, except
where ``schemas/README.md`` lists a deliberate difference (by its id) that explains it.

Documents: the spec examples, our valid fixtures, and seeded one-mutation variants of them
(at least 10,000 in all). Both sides use jsonschema-rs with the same format functions.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from badgegate.validate import model, vocabulary
from badgegate.validate.schemas import compile_other, compiled, load_schema

pytestmark = pytest.mark.shared

REPO = Path(__file__).resolve().parents[2]
GENERATED_PER_VARIANT = 5500
OFFICIAL_DIRS = {"strict": "spec-build-formal", "jsonld": "purl-jsonld-adaptation"}
OFFICIAL_EXT = re.compile(r"(ext:)[a-z|A-Z|0-9|.|-|_]+")
# kind -> (our schema, official file stem, official $defs root or None, root class)
KINDS = {
    "credential": (
        "achievement-credential",
        "achievementcredential",
        None,
        "AchievementCredential",
    ),
    "endorsement": (
        "endorsement-credential",
        "endorsementcredential",
        None,
        "EndorsementCredential",
    ),
    "profile": ("profile", "profile", None, "Profile"),
    "achievement": ("achievement", "achievementcredential", "Achievement", "Achievement"),
}
SEEDS = {
    "credential": [
        "examples/spec/basic-openbadgecredential.json",
        "examples/spec/complete-openbadgecredential.json",
        "examples/spec/skill-assertion-case.json",
        "examples/spec/achievement-alignment-case.json",
        "vectors/validator-ob30/simple.json",
        "fixtures:achievement-credential-full.json",
        "fixtures:achievement-credential-minimal.json",
    ],
    "endorsement": [
        "examples/spec/endorsementcredential.json",
        "fixtures:endorsement-credential.json",
    ],
    "profile": ["fixtures:profile.json"],
    "achievement": ["fixtures:achievement.json"],
}
DELIBERATE = (
    "anchored-ext",
    "status-id-optional",
    "typed-optional-properties",
    "jsonld-type-terms",
    "jsonld-context-array",
    "jsonld-language-maps",
    "absolute-uris",
)


def _official(shared: Path, variant: str, kind: str) -> tuple[Any, dict[str, set[str]]]:
    _, stem, root_def, root_class = KINDS[kind]
    folder = shared / "ob3-official" / "schemas" / "ob_v3p0" / OFFICIAL_DIRS[variant]
    schema = json.loads((folder / f"ob_v3p0_{stem}_schema.json").read_text(encoding="utf-8"))
    props = {name: set(d.get("properties", {})) for name, d in schema["$defs"].items()}
    props.setdefault(root_class, set(schema.get("properties", {})))
    if root_def is not None:
        schema = {
            "$schema": schema["$schema"],
            "$defs": schema["$defs"],
            "$ref": f"#/$defs/{root_def}",
        }
    return compile_other(schema), props


def _seed(shared: Path, name: str) -> dict[str, Any]:
    if name.startswith("fixtures:"):
        path = REPO / "fixtures" / "credentials" / "valid" / name.split(":", 1)[1]
    else:
        path = shared / "ob3-official" / name
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def explain(variant: str, m: Any, ours: bool, props: dict[str, set[str]]) -> str | None:
    """The id of the deliberate difference that accounts for a disagreement, if any."""
    if m.op == "enum" and not ours and isinstance(m.value, str) and OFFICIAL_EXT.search(m.value):
        return "anchored-ext"
    if m.class_name == "CredentialStatus" and m.prop == "id" and m.op == "drop" and ours:
        return "status-id-optional"
    if not ours and m.prop is not None and m.prop not in props.get(m.class_name, set()):
        return "typed-optional-properties"
    if not ours and _names_no_absolute_uri(m):
        return "absolute-uris"
    if variant != "jsonld" or ours:
        return None
    if m.prop == "@context" and not isinstance(m.value, list):
        return "jsonld-context-array"
    if m.prop == "type" and (
        not isinstance(m.value, list) or any(isinstance(v, dict) for v in m.value)
    ):
        return "jsonld-type-terms"
    if isinstance(m.value, dict):
        return "jsonld-language-maps"
    return None


def _names_no_absolute_uri(m: Any) -> bool:
    """The mutation put a string that is not an absolute URI where the model says URI."""
    prop = model.CLASSES[m.class_name].props.get(m.prop) if m.prop else None
    uri_typed = prop is not None and prop.kind in (model.URI, model.PROFILE_REF)
    return uri_typed and isinstance(m.value, str) and not vocabulary.is_absolute_iri(m.value)


def test_readme_lists_every_deliberate_difference() -> None:
    readme = (REPO / "schemas" / "README.md").read_text(encoding="utf-8")
    assert [name for name in DELIBERATE if f"`{name}`" not in readme] == []


@pytest.mark.parametrize("variant", ["strict", "jsonld"])
def test_spec_examples_get_the_official_verdict(shared_dir: Path, variant: str) -> None:
    index = json.loads((shared_dir / "ob3-official/examples/spec/INDEX.json").read_text())
    assert index  # the oracle's own record of the examples
    disagreements = []
    for path in sorted((shared_dir / "ob3-official/examples/spec").glob("*.json")):
        if path.name == "INDEX.json":
            continue
        kind = (
            "profile"
            if "profile" in path.name
            else ("endorsement" if path.name.startswith("endorsement") else "credential")
        )
        if "getcredentials" in path.name:
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        official, _ = _official(shared_dir, variant, kind)
        ours = compiled(KINDS[kind][0], variant).is_valid(document)
        if ours != official.is_valid(document):
            disagreements.append(path.name)
    assert disagreements == []


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["strict", "jsonld"])
def test_generated_documents_agree_except_deliberate_differences(
    shared_dir: Path, variant: str, mutation_stream: Any
) -> None:
    rng = random.Random(f"badgegate-differential-{variant}")
    unexplained: list[tuple[str, Any, bool]] = []
    explained: dict[str, int] = {}
    total = 0
    per_kind = {"credential": 0.6, "endorsement": 0.15, "profile": 0.1, "achievement": 0.15}
    for kind, share in per_kind.items():
        official, props = _official(shared_dir, variant, kind)
        ours = compiled(KINDS[kind][0], variant)
        seeds = [_seed(shared_dir, name) for name in SEEDS[kind]]
        streams = [
            mutation_stream(seed, KINDS[kind][3], rng, variant == "jsonld") for seed in seeds
        ]
        for index in range(int(GENERATED_PER_VARIANT * share)):
            document, mutation = next(streams[index % len(streams)])
            total += 1
            verdict = ours.is_valid(document)
            if verdict == official.is_valid(document):
                continue
            reason = explain(variant, mutation, verdict, props)
            if reason is None:
                unexplained.append((kind, mutation, verdict))
            else:
                explained[reason] = explained.get(reason, 0) + 1
    assert total >= 5000
    assert unexplained[:10] == []
    assert set(explained) <= set(DELIBERATE)


def test_our_schemas_are_draft_2019_09_with_ids() -> None:
    import jsonschema

    ids = set()
    for variant in ("strict", "jsonld"):
        for name in KINDS.values():
            schema = load_schema(name[0], variant)
            jsonschema.Draft201909Validator.check_schema(schema)
            assert (
                schema["$id"]
                == f"https://badgegate.dev/schemas/ob3/{variant}/{name[0]}.schema.json"
            )
            ids.add(schema["$id"])
    assert len(ids) == 8


def test_committed_schemas_match_the_model() -> None:
    from badgegate.validate.schema_build import write_all
    from badgegate.validate.schemas import schemas_dir

    assert write_all(schemas_dir(), check=True) == []
