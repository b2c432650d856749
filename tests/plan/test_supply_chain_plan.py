"""sbom, scan, sign and verify as they plan their containers (no engine)."""

from datetime import date

import dagger
import pytest
from dagger import dag

from ci import versions
from ci.errors import PipelineError
from ci.stages import sbom, scan, signing
from ci.supply_chain import Signer, named_images
from tests.support import plan
from tests.support.pipeline import make_pipeline
from tests.support.profiles import REFERENCE_PROFILE

PLATFORMS = ["linux/amd64", "linux/arm64"]
REFERENCE = "ghcr.io/acme/printshop/backend@sha256:" + "ab" * 32


def images() -> dict[str, dagger.Container]:
    return make_pipeline()._default_images(PLATFORMS)


def test_every_image_and_platform_is_catalogued_and_scanned_by_name() -> None:
    assert list(images()) == [
        "backend-linux-amd64",
        "backend-linux-arm64",
        "frontend-linux-amd64",
        "frontend-linux-arm64",
    ]
    backends, frontends = make_pipeline()._image_variants(PLATFORMS, {})
    assert list(named_images(PLATFORMS[:1], backends[:1], frontends[:1])) == [
        "backend-linux-amd64",
        "frontend-linux-amd64",
    ]


def test_syft_catalogues_an_image_once_into_both_formats_without_calling_home() -> None:
    out = sbom.image_sboms(images()["backend-linux-arm64"], "backend-linux-arm64")
    (spdx, cdx) = plan.named(out, "withFile")
    syft = spdx.args["source"]
    assert plan.named(syft, "from")[0].args["address"] == versions.syft_image()
    assert plan.env(syft)["SYFT_CHECK_FOR_APP_UPDATE"] == "false"
    (argv,) = plan.execs(syft)
    assert argv[:2] == ["scan", "oci-archive:/in/backend-linux-arm64.tar"]
    assert "--output=spdx-json=/tmp/backend-linux-arm64.spdx.json" in argv
    assert "--output=cyclonedx-json=/tmp/backend-linux-arm64.cdx.json" in argv
    # one syft run for both: the files differ only in the path read from it
    assert plan.calls(cdx.args["source"])[:-1] == plan.calls(syft)[:-1]


@pytest.mark.parametrize(
    "locks",
    [
        REFERENCE_PROFILE.lock_files,
        ("backend/poetry.lock", "web/frontend/pnpm-lock.yaml"),
    ],
)
def test_the_source_sbom_reads_only_the_lock_files(locks: tuple[str, str]) -> None:
    out = sbom.source_sboms(sbom.lock_files(dag.host().directory("."), locks))
    syft = plan.named(out, "withFile")[0].args["source"]
    (mount,) = plan.named(syft, "withMountedDirectory")
    assert tuple(c.args["path"] for c in plan.named(mount.args["source"], "withFile")) == locks


def test_a_given_database_scans_offline_and_fetches_nothing() -> None:
    given = dag.host().directory("trivy-cache")
    scanner = scan.scanner(given, "unused.example/mirror")
    settings = plan.env(scanner)
    assert settings["TRIVY_SKIP_DB_UPDATE"] == "true"
    assert settings["TRIVY_SKIP_JAVA_DB_UPDATE"] == "true"
    assert settings["TRIVY_OFFLINE_SCAN"] == "true"
    (db,) = plan.named(scanner, "withDirectory")
    assert db.args["path"] == scan.CACHE_DIR
    assert not plan.named(scanner, "withExec")
    assert not [c for c in plan.walk(scanner) if c.name == "cacheVolume"]


def test_the_fetched_database_is_cached_a_day_and_can_come_from_a_mirror() -> None:
    fetched = scan.fetched_db("mirror.example/trivy-db:2")
    settings = plan.env(fetched)
    assert settings["TRIVY_DB_DAY"] == date.today().isoformat()
    assert settings["TRIVY_DB_REPOSITORY"] == "mirror.example/trivy-db:2"
    (cache,) = plan.named(fetched, "withMountedCache")
    assert cache.args["sharing"] == dagger.CacheSharingMode.LOCKED.value
    assert ["trivy", "image", "--download-db-only"] in plan.execs(fetched)
    assert ["trivy", "image", "--download-java-db-only"] in plan.execs(fetched)


def test_lock_files_are_scanned_at_their_repository_paths() -> None:
    report = scan.lock_files_report(scan.scanner(dag.directory(), None), dag.host().directory("."))
    assert plan.execs(report)[-1] == ["trivy", "filesystem", "--format=json", "."]
    assert plan.named(report, "withWorkdir")[-1].args["path"] == sbom.INPUT_DIR


def test_trivy_applies_the_ignore_file_to_the_report_and_writes_sarif_of_it_all() -> None:
    ignores = dag.host().file(".trivyignore.yaml")
    converted = scan.converted('{"Results": []}', ignores, ("CRITICAL", "HIGH"), "2026-11-22")
    (mount,) = plan.named(converted, "withMountedFile")
    assert mount.args["path"] == scan.IGNORE_PATH
    assert scan.IGNORE_PATH.endswith("/.trivyignore.yaml")  # Trivy reads .yaml as YAML
    assert plan.execs(converted) == [
        [
            "trivy",
            "convert",
            "--format=json",
            "--show-suppressed",
            f"--ignorefile={scan.IGNORE_PATH}",
            "--output=trivy.json",
            "scan.json",
        ],
        [
            "trivy",
            "convert",
            "--format=sarif",
            "--severity=CRITICAL,HIGH",
            "--output=trivy.sarif",
            "scan.json",
        ],
    ]
    (report,) = plan.named(converted, "withNewFile")
    assert (report.args["path"], report.args["contents"]) == (
        "/report/scan.json",
        '{"Results": []}',
    )
    assert not [c for c in plan.walk(converted) if c.name in ("withDirectory", "withMountedCache")]
    # Trivy drops expired entries by its clock: a conversion of another moment is not reused.
    assert plan.env(converted)["SCAN_CHECKED_AT"] == "2026-11-22"


def test_without_an_ignore_file_trivy_suppresses_nothing() -> None:
    converted = scan.converted("{}", None, ("CRITICAL",), "2026-11-22T10:00:00+00:00")
    assert not plan.named(converted, "withMountedFile")
    assert not [arg for cmd in plan.execs(converted) for arg in cmd if "ignorefile" in arg]
    assert plan.named(converted, "withWorkdir")[-1].args["path"] == "/report"  # no .trivyignore


def test_signing_secrets_travel_only_as_secrets(canary: str) -> None:
    key = dag.set_secret("key", f"key-{canary}")
    password = dag.set_secret("password", f"password-{canary}")
    auth = dag.set_secret("auth", f"auth-{canary}")
    signer = Signer(key, password, None)
    cosign = signer.applied(signing.cosign(auth))
    done = signing.signed(cosign, REFERENCE, False, signing.Transport())
    assert not [v for v in plan.values(done) if canary in str(v)]
    mounts = {c.args["path"]: c.args["mode"] for c in plan.named(done, "withMountedSecret")}
    assert mounts == {
        f"{signing.AUTH_DIR}/config.json": 0o444,
        f"{signing.KEY_DIR}/cosign.key": 0o444,
    }
    assert [c.args["name"] for c in plan.named(done, "withSecretVariable")] == ["COSIGN_PASSWORD"]
    (argv,) = plan.execs(done)
    assert argv == [
        "sign",
        "--yes",
        "--recursive",
        f"--key={signing.KEY_DIR}/cosign.key",
        REFERENCE,
    ]


def test_keyless_signing_passes_the_token_in_the_environment_as_a_secret(canary: str) -> None:
    token = dag.set_secret("token", canary)
    cosign = Signer(None, None, token).applied(signing.cosign(None))
    done = signing.attested(
        cosign,
        REFERENCE,
        dag.directory().file("x"),
        "backend-linux-amd64",
        True,
        signing.Transport(),
    )
    assert [c.args["name"] for c in plan.named(done, "withSecretVariable")] == ["SIGSTORE_ID_TOKEN"]
    (argv,) = plan.execs(done)
    assert not [a for a in argv if a.startswith("--key")]
    assert "--type=spdxjson" in argv
    assert not [v for v in plan.values(done) if canary in str(v)]


def test_verification_checks_signature_and_attestation_against_the_signer() -> None:
    keyless = signing.Verifier(
        identity="https://github.com/acme/shop/.github/workflows/ci.yml@refs/heads/main",
        issuer="https://token.actions.githubusercontent.com",
    )
    checks = signing.verification(signing.cosign(None), REFERENCE, keyless, signing.Transport())
    assert list(checks) == ["signature", "SBOM attestation"]
    verify, attestation = (plan.execs(c)[-1] for c in checks.values())
    assert verify[0] == "verify"
    assert attestation[:2] == ["verify-attestation", "--type=spdxjson"]
    for argv in (verify, attestation):
        assert f"--certificate-identity={keyless.identity}" in argv
        assert f"--certificate-oidc-issuer={keyless.issuer}" in argv
        assert argv[-1] == REFERENCE
        assert not [a for a in argv if a.startswith("--trusted-root")]


def test_own_fulcio_signatures_are_verified_against_its_trusted_root() -> None:
    root = dag.directory().with_new_file("trusted_root.json", "{}").file("trusted_root.json")
    own = signing.Verifier(identity="ci@acme.example", issuer="https://id.acme", trusted_root=root)
    checks = signing.verification(
        signing.cosign(None), REFERENCE, own.checked(), signing.Transport()
    )
    for check in checks.values():
        (copied,) = plan.named(check, "withFile")
        assert (copied.args["path"], copied.args["permissions"]) == (signing.TRUSTED_ROOT, 0o444)
        assert f"--trusted-root={signing.TRUSTED_ROOT}" in plan.execs(check)[-1]
    with pytest.raises(PipelineError, match="--trusted-root is for keyless signatures"):
        signing.Verifier(public_key=root, trusted_root=root).checked()


def test_the_scan_env_holds_every_input_the_scans_read() -> None:
    env = make_pipeline()._default_images(PLATFORMS)
    container = scan.with_inputs(
        scan.scanner(dag.directory(), None), env, dag.host().directory(".")
    )
    mounted = {c.args["path"] for c in plan.named(container, "withMountedFile")}
    assert mounted == {f"{sbom.INPUT_DIR}/{name}.tar" for name in env}
    assert plan.named(container, "withMountedDirectory")[0].args["path"] == sbom.INPUT_DIR
    assert plan.named(container, "withWorkdir")[-1].args["path"] == sbom.INPUT_DIR


@pytest.mark.asyncio
async def test_verify_needs_a_key_or_a_whole_keyless_identity() -> None:
    shop = make_pipeline()
    with pytest.raises(PipelineError, match="Give --key"):
        await shop.verify(REFERENCE)
    with pytest.raises(PipelineError, match="Give --key"):
        await shop.verify(REFERENCE, certificate_identity="someone")
    with pytest.raises(PipelineError, match="not an image digest reference"):
        await shop.verify("ghcr.io/acme/printshop/backend:latest", key=dag.directory().file("k"))


@pytest.mark.asyncio
async def test_sign_refuses_digests_from_two_registries_before_anything_runs() -> None:
    other = REFERENCE.replace("ghcr.io", "registry.example.com")
    key = dag.set_secret("key", "k")
    with pytest.raises(PipelineError, match="in 2 registries"):
        await make_pipeline().sign([REFERENCE, other], "ci", key, key=key)
