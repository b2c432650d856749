"""What `sbom`, `scan`, `sign` and `verify` do with the images `build` and `publish` make."""

import functools
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import dagger
from dagger import dag

from ci import gate
from ci.concurrency import Stage, run_stages
from ci.errors import PipelineError
from ci.report import require_passed
from ci.stages import sbom, scan, signing

# Trivy's own ignore file, where Trivy users keep it: the repository's root.
IGNORE_FILE = ".trivyignore.yaml"
# The pipeline's own format before it read Trivy's: found in a source, it is refused.
OLD_IGNORE_FILE = "app/vulnerability-ignores.toml"


def image_name(image: str, platform: str) -> str:
    """An image's name in file names: backend, linux/amd64 -> backend-linux-amd64."""
    return f"{image}-{platform.replace('/', '-')}"


def named_images(
    platforms: list[str], backends: list[dagger.Container], frontends: list[dagger.Container]
) -> dict[str, dagger.Container]:
    """Each image by its file name, backend-linux-amd64 first."""
    named = {}
    for image, containers in (("backend", backends), ("frontend", frontends)):
        for platform, container in zip(platforms, containers, strict=True):
            named[image_name(image, platform)] = container
    return named


def sboms(locks: dagger.Directory, images: dict[str, dagger.Container]) -> dagger.Directory:
    """SPDX and CycloneDX JSON of each image, and of the lock files (source.*)."""
    out = sbom.source_sboms(locks)
    for name, image in images.items():
        out = out.with_directory(".", sbom.image_sboms(image, name))
    return out


@dataclass(frozen=True)
class ScanOutcome:
    """Trivy's reports by target and as it filtered them, the verdict, and Trivy's SARIF."""

    reports: dict[str, str]
    filtered: str
    result: gate.GateResult
    sarif: str

    @property
    def table(self) -> str:
        """The short table of findings and the verdict."""
        return gate.table(self.result)

    def files(self) -> dagger.Directory:
        """trivy.sarif, findings.txt, trivy.json, each raw report (reports/NAME.json), exit-code."""
        out = (
            dag.directory()
            .with_new_file("trivy.sarif", self.sarif)
            .with_new_file("findings.txt", self.table + "\n")
            .with_new_file("trivy.json", self.filtered)
            .with_new_file("exit-code", "0\n" if self.result.passed else "1\n")
        )
        for name, report in self.reports.items():
            out = out.with_new_file(f"reports/{name}.json", report)
        return out


async def scanned(
    source: dagger.Directory,
    locks: dagger.Directory,
    images: dict[str, dagger.Container],
    severities: tuple[str, ...],
    ignore_file: str,
    db: dagger.Directory | None,
    db_repository: str | None,
) -> ScanOutcome:
    """Scan the lock files and every image concurrently, let Trivy apply the ignore file, gate.

    The reports become one, which `trivy convert` filters with the ignore file and writes
    as SARIF: each target is scanned once, whatever the ignore file says.
    """
    ignores = await _ignore_file(source, ignore_file)
    entries = gate.ignore_entries(await ignores.contents(), ignore_file) if ignores else []
    scanner = scan.scanner(db, db_repository)
    stages: dict[str, Stage] = {"lock-files": scan.lock_files_report(scanner, locks).stdout}
    for name, image in images.items():
        stages[name] = scan.image_report(scanner, image, name).stdout
    results = await run_stages(stages)
    require_passed("scan", results)
    reports = {r.name: r.output for r in results}
    merged = json.dumps(gate.merged(reports, _labelled))
    now = datetime.now(UTC)
    converted = scan.converted(merged, ignores, severities, now.isoformat())
    filtered = await converted.file("trivy.json").contents()
    report = gate.merged({"trivy.json": filtered})
    result = gate.evaluate(gate.findings(report), entries, severities, now)
    sarif = gate.with_suppressions(await converted.file("trivy.sarif").contents(), report)
    return ScanOutcome(reports, filtered, result, sarif)


def scan_env(
    locks: dagger.Directory,
    images: dict[str, dagger.Container],
    db: dagger.Directory | None,
    db_repository: str | None,
) -> dagger.Container:
    """The container `scan` runs Trivy in, with every input it scans mounted under /in."""
    return scan.with_inputs(scan.scanner(db, db_repository), images, locks)


async def _ignore_file(source: dagger.Directory, path: str) -> dagger.File | None:
    """Trivy's ignore file in the source, if any (none at the default place ignores nothing)."""
    if await source.exists(OLD_IGNORE_FILE):
        raise PipelineError(
            f"{OLD_IGNORE_FILE} is the pipeline's old ignore format, no longer read: move its "
            f"entries to {IGNORE_FILE} at the repository's root (Trivy's own format, see the "
            "README's Supply chain section) and delete it."
        )
    if not path.endswith((".yaml", ".yml")):
        raise PipelineError(
            f"--ignore-file {path} is not a YAML file: give Trivy's .trivyignore.yaml format "
            "(the plain .trivyignore has no statements, which the gate requires)."
        )
    if not await source.exists(path):
        if path == IGNORE_FILE:
            return None
        raise PipelineError(
            f"The ignore file {path} is not in the source: create it (Trivy's "
            f"{IGNORE_FILE} format) or leave out --ignore-file."
        )
    return source.file(path)


def _labelled(target: str, name: str) -> str:
    """An image result's target named after its image: backend-linux-amd64 (debian 13.7)."""
    if name == "lock-files":
        return target  # already the lock file's path in the repository
    detail = target.removeprefix(sbom.tarball_path(name)).strip() or "image"
    detail = detail if detail.startswith("(") else f"({detail})"
    return f"{name} {detail}"


@dataclass(frozen=True)
class Registry:
    """Credentials at a registry: what cosign, the engine and a deploy host log in with."""

    host: str
    username: str
    password: dagger.Secret

    async def auth(self) -> dagger.Secret:
        """A Docker config.json logging in to the host, as a new Secret."""
        config = signing.registry_auth(self.host, self.username, await self.password.plaintext())
        return dag.set_secret(f"registry-auth-{uuid.uuid4().hex}", config)


def pulled_image(reference: str, platform: str, registry: Registry | None) -> dagger.Container:
    """The image of `platform` at `reference`, pulled by the engine (anonymously: None)."""
    base = dag.container(platform=dagger.Platform(platform))
    if registry is not None:
        base = base.with_registry_auth(registry.host, registry.username, registry.password)
    return base.from_(reference)


@dataclass(frozen=True)
class Signer:
    """A private key and its password, or a keyless identity token."""

    key: dagger.Secret | None
    key_password: dagger.Secret | None
    identity_token: dagger.Secret | None

    def checked(self, transport: signing.Transport) -> "Signer":
        """The signer if it is complete; otherwise one sentence saying what to give."""
        if (self.key is None) == (self.identity_token is None):
            raise PipelineError(
                "Give --key (and --key-password) to sign with a key pair, or --identity-token "
                "to sign keyless (e.g. GitHub Actions' OIDC token), not both and not neither."
            )
        if self.identity_token is None and transport.fulcio_url:
            raise PipelineError(
                "--fulcio-url is for keyless signing: drop it when signing with --key."
            )
        if self.identity_token is not None and transport.offline and not transport.fulcio_url:
            raise PipelineError(
                "--offline signs keyless only with your own Fulcio: give --fulcio-url, "
                "or sign with --key."
            )
        return self

    def applied(self, container: dagger.Container) -> dagger.Container:
        """`container` holding the key (and password) or the identity token."""
        if self.key is not None:
            return signing.with_key(container, self.key, self.key_password)
        if self.identity_token is not None:
            return signing.with_identity_token(container, self.identity_token)
        raise PipelineError("No key or identity token to sign with.")


async def signed(
    references: list[str],
    platforms: list[str],
    registry: Registry,
    signer: Signer,
    transport: signing.Transport,
) -> str:
    """Sign each reference and attest each platform's SPDX SBOM on it; one line each."""
    keyless = signer.identity_token is not None
    cosign = signer.applied(signing.cosign(await registry.auth()))

    async def sign_one(reference: str) -> str:
        done = signing.signed(cosign, reference, keyless, transport)
        for platform in platforms:
            name = image_name(reference.rsplit("/", 1)[-1].split("@")[0], platform)
            spdx = sbom.image_sboms(pulled_image(reference, platform, registry), name).file(
                f"{name}.spdx.json"
            )
            done = signing.attested(done, reference, spdx, name, keyless, transport)
        try:
            await done.sync()
        except dagger.ExecError as exc:
            raise PipelineError(
                f"cosign could not sign {reference} ({_cosign_error(exc.stderr)}): check the "
                "key and --key-password (or the identity token) and that the user may push."
            ) from None
        return f"signed {reference}, SBOM attested for {', '.join(platforms)}"

    stages = {ref: functools.partial(sign_one, ref) for ref in references}
    results = await run_stages(stages)
    require_passed("sign", results)
    return "\n".join(r.output for r in results)


async def verified(
    reference: str,
    verifier: signing.Verifier,
    registry: Registry | None,
    transport: signing.Transport,
) -> str:
    """Check `reference`'s signature and SBOM attestation; one sentence when either fails."""
    cosign = signing.cosign(await registry.auth() if registry else None)
    for what, check in signing.verification(cosign, reference, verifier, transport).items():
        try:
            await check.sync()
        except dagger.ExecError as exc:
            raise PipelineError(
                f"{reference} failed {what} verification ({_cosign_error(exc.stderr)}): it was "
                "not signed by that key or identity, or it is not the image that was signed."
            ) from None
    return f"{reference}: signature and SBOM attestation verified"


def _cosign_error(stderr: str) -> str:
    """Cosign's own error line (`Error: ...`), or its last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("Error: ") for line in lines if line.startswith("Error: ")]
    return (errors or lines or ["no output"])[-1]
