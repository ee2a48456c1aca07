"""Keys files in every form the command accepts, bad ones refused in one line (exit 2), and the
pinned contexts: their manifest hashes, and their content equal to the oracle copies."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from badgegate.errors import ConfigError
from badgegate.verify import load_keys
from badgegate.verify.contexts import manifest, pinned

METHOD = "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
MULTIKEY = {
    "id": METHOD,
    "type": "Multikey",
    "controller": "https://example.edu/issuers/565049",
    "publicKeyMultibase": "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
}
JWK = {
    "kid": "k1",
    "kty": "OKP",
    "crv": "Ed25519",
    "x": "S96v3i6ovu-t2MaZtcfgcEz1EVTVLheyC3EzfKBMxaU",
}


@pytest.mark.parametrize(
    ("document", "ids"),
    [
        (MULTIKEY, {METHOD}),
        ([MULTIKEY, JWK], {METHOD, "k1"}),
        ({"keys": [JWK]}, {"k1"}),
        (JWK, {"k1"}),
        ({"id": "https://example.edu/issuers/565049", "verificationMethod": [MULTIKEY]}, {METHOD}),
        ({"id": "k2", "publicKeyJwk": {k: v for k, v in JWK.items() if k != "kid"}}, {"k2"}),
    ],
)
def test_keys_files(tmp_path, document, ids):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(document))
    assert set(load_keys(path).by_id) == ids


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "not JSON"),
        ('[{"publicKeyMultibase": "z6Mk"}]', "no id"),
        ('{"id": "a", "publicKeyMultibase": "zzzz"}', "neither an Ed25519"),
        ('{"kid": "a", "kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"}', "private key"),
        ('{"kid": "a", "kty": "oct", "k": "AA"}', "unsupported JWK"),
        ("[7]", "not a JSON object"),
    ],
)
def test_a_bad_keys_file_is_one_clear_line_and_exit_2(tmp_path, text, says):
    path = tmp_path / "keys.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=says):
        load_keys(path)
    sample = tmp_path / "credential.json"
    sample.write_text("{}")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "badgegate",
            "validate",
            "--mode",
            "verify",
            "--keys",
            str(path),
            str(sample),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert f"--keys {path}" in result.stderr and "Traceback" not in result.stderr


def test_keys_belong_to_verify_mode(tmp_path):
    sample = tmp_path / "credential.json"
    sample.write_text("{}")
    result = subprocess.run(
        [sys.executable, "-m", "badgegate", "validate", "--allow-network", str(sample)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "--mode verify" in result.stderr


def test_each_pinned_context_matches_its_manifest_hash():
    folder = Path(__import__("badgegate.verify", fromlist=["x"]).__file__).parent / "contexts"
    entries = manifest()
    assert {entry["file"] for entry in entries} | {"manifest.json"} == {
        path.name for path in folder.iterdir()
    }
    for entry in entries:
        data = (folder / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["package"] and entry["version"] and entry["integrity"].startswith("sha512-")
    assert len(pinned()) == len(entries)


def _content_hash(document: object) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


@pytest.mark.shared
def test_pinned_contexts_equal_the_official_copies(shared_dir):
    folder = shared_dir / "ob3-official" / "context"
    official = json.loads((folder / "CONTEXT_MAP.json").read_text())
    shipped = pinned()
    compared = 0
    for url, name in official.items():
        if url not in shipped:
            assert "/clr/" in url, f"{url} is official but not pinned"
            continue
        oracle = json.loads((folder / name).read_text())
        assert _content_hash(shipped[url]) == _content_hash(oracle), url
        compared += 1
    assert compared == 8
