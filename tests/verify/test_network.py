"""Keys over the network, only when allowed: an https verification method resolved in its
controller document, and a ``did:web`` DID document, both served over TLS on loopback."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from badgegate.samples import sample_credential
from badgegate.testing.linked_data import sign_credential
from badgegate.verify import verify_credential
from badgegate.verify.keys import base58btc_encode

AT = datetime(2026, 1, 1, tzinfo=UTC)


class Documents(http.server.BaseHTTPRequestHandler):
    """Serves ``documents`` (path -> JSON) and counts requests."""

    documents: ClassVar[dict[str, Any]] = {}
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        document = self.documents.get(self.path)
        body = json.dumps(document).encode()
        self.send_response(200 if document is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def https_base(self_signed_certificate: tuple[Path, Path], monkeypatch) -> Iterator[str]:
    cert, key = self_signed_certificate
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    Documents.documents, Documents.requests = {}, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Documents)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _multikey(private: ed25519.Ed25519PrivateKey) -> str:
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58btc_encode(b"\xed\x01" + raw)


def _signed(method: str, private: ed25519.Ed25519PrivateKey) -> dict[str, Any]:
    credential = sample_credential("5d0c3f0e-1b2a-4c3d-8e4f-a5b6c7d8e9f0")
    return sign_credential(credential, private, method, "2025-01-01T00:00:00Z")


def test_an_https_method_is_resolved_only_when_allowed(https_base):
    private = ed25519.Ed25519PrivateKey.generate()
    controller = f"{https_base}/issuers/1"
    method = f"{controller}#key-1"
    Documents.documents["/issuers/1"] = {
        "id": controller,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": _multikey(private),
            },
        ],
    }
    credential = _signed(method, private)
    assert [f.rule for f in verify_credential(credential, at=AT)] == ["unknown-key"]
    assert Documents.requests == []
    assert verify_credential(credential, at=AT, allow_network=True) == []
    assert Documents.requests == ["/issuers/1"]
    forged = _signed(method, ed25519.Ed25519PrivateKey.generate())
    assert [f.rule for f in verify_credential(forged, at=AT, allow_network=True)] == [
        "signature-invalid"
    ]


def test_a_did_web_document_is_resolved_only_when_allowed(https_base):
    private = ed25519.Ed25519PrivateKey.generate()
    port = https_base.rsplit(":", 1)[1]
    did = f"did:web:127.0.0.1%3A{port}:issuers:2"
    Documents.documents["/issuers/2/did.json"] = {
        "id": did,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": _multikey(private),
            },
        ],
    }
    credential = _signed(f"{did}#key-1", private)
    assert [f.rule for f in verify_credential(credential, at=AT)] == ["unknown-key"]
    assert verify_credential(credential, at=AT, allow_network=True) == []
    missing = _signed(f"did:web:127.0.0.1%3A{port}:issuers:3#key-1", private)
    assert [f.rule for f in verify_credential(missing, at=AT, allow_network=True)] == [
        "unknown-key"
    ]
