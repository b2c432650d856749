"""SBOM, vulnerability gate, signing and verification with the real tools on a real engine.

Trivy scans offline with a database made for these tests (tests/engine/trivydb: one HIGH
advisory for the django the backend really contains); cosign signs with a key pair made
here and pushes to tools/engine's registry as the engine's containers reach it.
"""

import json
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dagger
import pytest
from dagger import dag

from ci.errors import PipelineError
from ci.gate import SUPPRESSED
from ci.supply_chain import IGNORE_FILE, OLD_IGNORE_FILE
from tests.engine.conftest import pipeline, repository
from tests.support.cosign import key_pair
from tests.support.prerequisites import ENGINE_FIX, require
from tests.support.trivy_db import trivy_cache as make_trivy_cache

pytestmark = [pytest.mark.engine, pytest.mark.asyncio]
AMD64 = ["linux/amd64"]
ADVISORY = "CVE-2099-0001"


@pytest.fixture(scope="module")
def trivy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Trivy cache directory (db/, java-db/) holding the test advisory for django."""
    return make_trivy_cache(tmp_path_factory.mktemp("trivy-cache"), "django", ADVISORY)


def with_ignore(days_left: int) -> dagger.Directory:
    """This checkout with a .trivyignore.yaml entry for the advisory, expiring in `days_left`."""
    expired_at = (date.today() + timedelta(days=days_left)).isoformat()
    entry = (
        f"vulnerabilities:\n  - id: {ADVISORY}\n    purls: [pkg:pypi/django]\n"
        f"    statement: Test advisory.\n    expired_at: {expired_at}\n"
    )
    return repository().with_new_file(IGNORE_FILE, entry)


def sarif_locations(sarif: dict[str, Any]) -> list[tuple[str, str, int]]:
    """Each result's rule and where it is, as code scanning places its alert."""
    return sorted(
        (r["ruleId"], location["physicalLocation"]["artifactLocation"]["uri"], line)
        for r in sarif["runs"][0]["results"]
        for location in r["locations"]
        for line in [location["physicalLocation"]["region"]["startLine"]]
    )


async def test_sboms_name_the_python_and_npm_dependencies(engine: None) -> None:
    out = await (await pipeline()).sbom(AMD64)
    names = set(await out.entries())
    for stem in ("backend-linux-amd64", "frontend-linux-amd64", "source"):
        assert {f"{stem}.spdx.json", f"{stem}.cdx.json"} <= names
    backend = json.loads(await out.file("backend-linux-amd64.spdx.json").contents())
    assert backend["spdxVersion"].startswith("SPDX-2")
    backend_packages = {p["name"].lower() for p in backend["packages"]}
    assert {"django", "gunicorn", "python3.13"} <= backend_packages
    source = json.loads(await out.file("source.cdx.json").contents())
    purls = {c.get("purl", "").split("@")[0] for c in source["components"]}
    assert {"pkg:pypi/django", "pkg:npm/react", "pkg:npm/react-dom"} <= purls


async def test_the_gate_fails_on_the_advisory_then_honours_and_expires_an_ignore(
    engine: None, trivy_cache: Path
) -> None:
    db = dag.host().directory(str(trivy_cache))
    failing = await (await pipeline()).scan_reports(AMD64, db=db)
    assert (await failing.file("exit-code").contents()).strip() == "1"
    failed_sarif = json.loads(await failing.file("trivy.sarif").contents())
    with pytest.raises(PipelineError) as caught:
        await (await pipeline()).scan(AMD64, db=db)
    message = str(caught.value)
    assert "The vulnerability gate failed" in message
    assert f"HIGH     {ADVISORY}" in message
    assert "app/backend/requirements.txt" in message
    assert "backend-linux-amd64 (Python)" in message

    reports = await (await pipeline(with_ignore(30))).scan_reports(AMD64, db=db)
    assert (await reports.file("exit-code").contents()).strip() == "0"
    findings = await reports.file("findings.txt").contents()
    assert "ignored" in findings
    assert "BLOCKS" not in findings
    # Trivy applied the file: its own JSON shows the suppression with the statement.
    filtered = json.loads(await reports.file("trivy.json").contents())
    suppressed = [m for r in filtered["Results"] for m in r.get(SUPPRESSED, [])]
    assert {(m["Status"], m["Statement"]) for m in suppressed} == {("ignored", "Test advisory.")}
    assert len(suppressed) == 2, suppressed  # the lock file's django and the image's
    sarif = json.loads(await reports.file("trivy.sarif").contents())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "Trivy"
    # The ignored findings are still reported, where the failing run found them, suppressed.
    where = sarif_locations(sarif)
    assert where == sarif_locations(failed_sarif)
    assert {uri for _, uri, _ in where} >= {"app/backend/requirements.txt"}, where
    assert len(where) == 2, where  # the lock file and the image's django
    for result in sarif["runs"][0]["results"]:
        assert result["ruleId"] == ADVISORY
        assert result["suppressions"] == [{"kind": "external", "justification": "Test advisory."}]
    assert all("suppressions" not in r for r in failed_sarif["runs"][0]["results"])

    with pytest.raises(PipelineError) as caught:
        await (await pipeline(with_ignore(-1))).scan(AMD64, db=db)
    assert f"expired ignore: {ADVISORY}" in str(caught.value)
    assert "BLOCKS" in str(caught.value)


async def test_an_ignore_file_the_gate_cannot_take_is_one_sentence_before_any_scan(
    engine: None,
) -> None:
    bare = repository().with_new_file(IGNORE_FILE, f"vulnerabilities:\n  - id: {ADVISORY}\n")
    with pytest.raises(PipelineError) as caught:
        await (await pipeline(bare)).scan(AMD64)
    assert str(caught.value) == (
        f"{IGNORE_FILE}: vulnerabilities entry 1 ({ADVISORY}) needs a statement saying why the "
        "finding is accepted: the gate takes no entry without a reason."
    )
    old = repository().with_new_file(OLD_IGNORE_FILE, "")
    with pytest.raises(PipelineError) as caught:
        await (await pipeline(old)).scan(AMD64)
    assert str(caught.value).startswith(
        f"{OLD_IGNORE_FILE} is the pipeline's old ignore format, no longer read: move its "
        f"entries to {IGNORE_FILE} at the repository's root"
    )
    with pytest.raises(PipelineError) as caught:
        await (await pipeline()).scan(AMD64, ignore_file="security/ignores.toml")
    assert str(caught.value) == (
        "--ignore-file security/ignores.toml is not a YAML file: give Trivy's "
        ".trivyignore.yaml format (the plain .trivyignore has no statements, which the gate "
        "requires)."
    )
    with pytest.raises(PipelineError) as caught:
        await (await pipeline()).scan(AMD64, ignore_file="security/.trivyignore.yaml")
    assert str(caught.value) == (
        "The ignore file security/.trivyignore.yaml is not in the source: create it (Trivy's "
        ".trivyignore.yaml format) or leave out --ignore-file."
    )


async def test_a_higher_threshold_lets_the_high_advisory_pass(
    engine: None, trivy_cache: Path
) -> None:
    db = dag.host().directory(str(trivy_cache))
    sarif = await (await pipeline()).scan(AMD64, severity=["CRITICAL"], db=db)
    assert json.loads(await sarif.contents())["runs"][0]["results"] == []


async def test_sign_then_verify_and_refuse_unsigned_or_foreign_signatures(
    engine: None, canary: str
) -> None:
    registry = os.environ.get("PIPELINE_ENGINE_CONTAINER_REGISTRY")
    require(registry, "no registry the engine's containers reach", ENGINE_FIX)
    key_password = dag.set_secret("cosign-password", f"key-{canary}")
    password = dag.set_secret("registry-password", f"registry-{canary}")
    ours, theirs = key_pair(key_password), key_pair(key_password)
    shop = await pipeline()
    published = await shop.publish(
        f"{registry}/signing-test", "ci", password, "refs/heads/main", "a" * 40, platform=AMD64
    )
    backend_ref = published.splitlines()[0].split()[1]
    signed = await shop.sign(
        [backend_ref],
        "ci",
        password,
        key=dag.set_secret("cosign-key", await ours.file("cosign.key").contents()),
        key_password=key_password,
        platform=AMD64,
        offline=True,
        insecure_registry=True,
    )
    assert signed == f"signed {backend_ref}, SBOM attested for linux/amd64"
    verified = await shop.verify(
        backend_ref, key=ours.file("cosign.pub"), offline=True, insecure_registry=True
    )
    assert verified == f"{backend_ref}: signature and SBOM attestation verified"

    with pytest.raises(PipelineError) as caught:
        await shop.verify(
            backend_ref, key=theirs.file("cosign.pub"), offline=True, insecure_registry=True
        )
    assert str(caught.value).startswith(f"{backend_ref} failed signature verification (")
    frontend_ref = published.splitlines()[1].split()[1]  # published, never signed
    with pytest.raises(PipelineError) as caught:
        await shop.verify(
            frontend_ref, key=ours.file("cosign.pub"), offline=True, insecure_registry=True
        )
    assert "no signatures found" in str(caught.value)
    for output in (published, signed, verified, str(caught.value)):
        assert canary not in output
