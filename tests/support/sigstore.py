"""A private Sigstore for the keyless signing test: an OIDC issuer and a real Fulcio.

The issuer stands in for GitHub Actions' token service: it serves OpenID discovery and
its signing key (JWKS) over HTTP and mints RS256 ID tokens for the audience cosign asks
for. Fulcio (tools/engine/build-tools builds it) runs on the host with an ephemeral CA
and no certificate-transparency log, trusting that issuer for e-mail identities. Both
listen on the host's address on the engine's network, so the pipeline's cosign reaches
Fulcio and Fulcio reaches the issuer by the URL the tokens name.
"""

import base64
import json
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

AUDIENCE = "sigstore"  # the client ID cosign requests tokens for
TOKEN_LIFETIME = 1800


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_int(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def free_port(host: str) -> int:
    """A TCP port nothing listens on at `host` now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class OidcIssuer:
    """An OpenID Connect issuer serving discovery and JWKS from `root`, minting tokens."""

    def __init__(self, root: Path, url: str) -> None:
        self.url = url
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = self._key.public_key().public_numbers()
        jwk = {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "test"}
        jwks = {"keys": [{**jwk, "n": _b64url_int(public.n), "e": _b64url_int(public.e)}]}
        discovery = {
            "issuer": url,
            "jwks_uri": f"{url}/jwks",
            "authorization_endpoint": f"{url}/authorize",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }
        (root / ".well-known").mkdir(parents=True)
        (root / ".well-known" / "openid-configuration").write_text(json.dumps(discovery))
        (root / "jwks").write_text(json.dumps(jwks))

    def token(self, email: str) -> str:
        """A signed ID token for `email` (verified), valid for half an hour."""
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": email,
            "email": email,
            "email_verified": True,
            "aud": AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + TOKEN_LIFETIME,
        }
        header = {"alg": "RS256", "typ": "JWT", "kid": "test"}
        signed = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = self._key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signed}.{_b64url(signature)}"


@contextmanager
def oidc_issuer(root: Path, host: str) -> Iterator[OidcIssuer]:
    """An issuer served from `root` on `host` while the block runs."""
    server = ThreadingHTTPServer((host, 0), partial(SimpleHTTPRequestHandler, directory=root))
    issuer = OidcIssuer(root, f"http://{host}:{server.server_address[1]}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()


class Fulcio:
    """A running Fulcio: where cosign asks for certificates, and its CA's certificate."""

    def __init__(self, url: str) -> None:
        self.url = url

    def root_certificate(self) -> str:
        """The ephemeral CA's certificate (PEM), the whole chain of what it issues."""
        url = f"{self.url}/api/v1/rootCert"  # http://, built by `fulcio` below
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return str(response.read().decode())


@contextmanager
def fulcio(binary: str, workdir: Path, host: str, issuer: OidcIssuer) -> Iterator[Fulcio]:
    """Fulcio on `host` with an ephemeral CA, trusting `issuer`, while the block runs."""
    config = workdir / "fulcio-config.json"
    trusted = {"IssuerURL": issuer.url, "ClientID": AUDIENCE, "Type": "email"}
    config.write_text(json.dumps({"OIDCIssuers": {issuer.url: trusted}}))
    port = free_port(host)
    log = workdir / "fulcio.log"
    argv = [
        binary,
        "serve",
        "--ca=ephemeralca",
        "--ct-log-url=",
        f"--config-path={config}",
        f"--host={host}",
        f"--port={port}",
        "--grpc-host=127.0.0.1",  # its HTTP API forwards to localhost:<grpc-port>
        f"--grpc-port={free_port('127.0.0.1')}",
        f"--metrics-port={free_port(host)}",
        f"--legacy-unix-domain-socket={workdir / 'fulcio-legacy.sock'}",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
    running = Fulcio(f"http://{host}:{port}")
    try:
        _wait_until_serving(running, process, log)
        yield running
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_serving(running: Fulcio, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            running.root_certificate()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Fulcio did not start serving; its log:\n{log.read_text()[-3000:]}")
