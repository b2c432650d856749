"""The plain-Python parts of sbom, scan, sign and verify (no engine)."""

import base64
import json
import re

import pytest
from dagger import dag

from ci import versions
from ci.errors import PipelineError
from ci.publishing import digest_host
from ci.stages.signing import Transport, registry_auth
from ci.supply_chain import Signer, _cosign_error, _labelled, image_name
from tests.support.process import REPO

DIGEST = "sha256:" + "ab" * 32


def test_image_names_for_files() -> None:
    assert image_name("backend", "linux/arm64") == "backend-linux-arm64"


def test_image_results_are_named_after_their_image_and_lock_files_keep_their_path() -> None:
    assert _labelled("/in/backend-linux-amd64.tar (debian 13.7)", "backend-linux-amd64") == (
        "backend-linux-amd64 (debian 13.7)"
    )
    assert _labelled("Python", "backend-linux-amd64") == "backend-linux-amd64 (Python)"
    assert _labelled("/in/backend-linux-amd64.tar", "backend-linux-amd64") == (
        "backend-linux-amd64 (image)"
    )
    lock = "app/backend/requirements.txt"
    assert _labelled(lock, "lock-files") == lock


def test_registry_auth_is_a_docker_config_for_one_host() -> None:
    config = json.loads(registry_auth("ghcr.io", "me", "s3cret:x"))
    token = config["auths"]["ghcr.io"]["auth"]
    assert base64.b64decode(token).decode() == "me:s3cret:x"


def test_offline_and_http_registry_flags() -> None:
    assert Transport().signing() == []
    assert Transport().verifying() == []
    both = Transport(offline=True, insecure_registry=True)
    assert both.signing() == [
        "--tlog-upload=false",
        "--use-signing-config=false",
        "--allow-insecure-registry",
        "--allow-http-registry",
    ]
    assert both.verifying() == [
        "--insecure-ignore-tlog",
        "--insecure-ignore-sct",
        "--allow-insecure-registry",
        "--allow-http-registry",
    ]


def test_own_fulcio_flags() -> None:
    assert Transport(fulcio_url="https://fulcio.acme").signing() == [
        "--fulcio-url=https://fulcio.acme",
        "--use-signing-config=false",
    ]
    assert Transport(offline=True, fulcio_url="http://10.0.0.1:5555").signing() == [
        "--tlog-upload=false",
        "--fulcio-url=http://10.0.0.1:5555",
        "--use-signing-config=false",
    ]


def test_digest_references_are_checked() -> None:
    assert digest_host(f"10.87.0.1:5000/shop/backend@{DIGEST}") == "10.87.0.1:5000"
    for wrong in ("ghcr.io/acme/backend:1.2.3", f"backend@{DIGEST}", "ghcr.io/a/b@sha256:12"):
        with pytest.raises(PipelineError, match="is not an image digest reference"):
            digest_host(wrong)


def test_signing_needs_exactly_one_of_key_and_identity_token() -> None:
    key, token = dag.set_secret("k", "k"), dag.set_secret("t", "t")
    with pytest.raises(PipelineError, match="not both and not neither"):
        Signer(None, None, None).checked(Transport())
    with pytest.raises(PipelineError, match="not both and not neither"):
        Signer(key, None, token).checked(Transport())
    with pytest.raises(PipelineError, match="--offline signs keyless only with your own Fulcio"):
        Signer(None, None, token).checked(Transport(offline=True))
    with pytest.raises(PipelineError, match="--fulcio-url is for keyless signing"):
        Signer(key, None, None).checked(Transport(fulcio_url="https://fulcio.acme"))
    assert Signer(key, None, None).checked(Transport(offline=True)).key is key
    own = Transport(offline=True, fulcio_url="https://fulcio.acme")
    assert Signer(None, None, token).checked(own).identity_token is token


def test_cosign_errors_are_reduced_to_their_error_line() -> None:
    stderr = "Verifying...\nError: no signatures found\nmain.go:74: error during command execution"
    assert _cosign_error(stderr) == "no signatures found"
    assert _cosign_error("only this\n") == "only this"


def test_tool_versions_match_the_stand_ins_tools_engine_builds() -> None:
    declared = dict(
        re.findall(
            r'^: "\$\{(\w+)_VERSION:=v([^}]+)\}"',
            (REPO / "tools/engine/versions").read_text(),
            re.M,
        )
    )
    assert declared["TRIVY"] == versions.TRIVY
    assert declared["SYFT"] == versions.SYFT
    assert declared["COSIGN"] == versions.COSIGN
