"""Where releases run today: a host over SSH that runs each release with Docker Compose.

The host keeps the releases (ci/scripts/deploy-host.sh); this side sends a release,
starts its rollout, returns the host to an earlier release and reads its history.
Every failure is one sentence saying what runs on the host now.
"""

import json
import re
import uuid
from typing import Literal

import dagger
from dagger import dag

from ci import rollout
from ci.environments import Target
from ci.errors import PipelineError
from ci.layout import PIPELINE_SCRIPTS
from ci.report import tail
from ci.stages import ssh
from ci.stages.smoke import SmokeResult
from ci.supply_chain import Registry, pulled_image
from ci.targets import AppSecrets
from ci.versions import nginx_image

RELEASE_DIR = "/release"
# The environment's proxy: the nginx the frontend image is built on.
PROXY_IMAGE = nginx_image()
# What the host runs, sent with every call.
_HOST_FILES = (rollout.HOST_SCRIPT, "smoke_probe.py")
# Exit codes of deploy-host.sh deploy / rollback (4, nothing healthy, is any other failure).
_NOTHING_CHANGED, _UNHEALTHY, _NO_SUCH_RELEASE, _LOCKED = 2, 3, 5, 6
_PRIVATE_SMOKE_FAILED, _SWITCHED_BACK, _SUPERSEDED = 7, 8, 9
# A smoke probe's result in the host's log: "smoke URL {"checks": [...]}".
_SMOKE_LINE = re.compile(r"^smoke (\S+) (\{.*\})$", re.M)


class Host:
    """A ReleaseHost: one host over SSH, each release a Compose project; calls never cached."""

    def __init__(self, target: Target, ssh_key: dagger.Secret) -> None:
        self.target = target
        self.client = ssh.ssh_client(target, ssh_key, uuid.uuid4().hex)

    def command(self, script: str, client: dagger.Container | None = None) -> dagger.Container:
        """`client` (default: the plain client) running `script`, whatever its exit code."""
        return (client or self.client).with_exec(ssh.remote(script), expect=dagger.ReturnType.ANY)

    async def run(self, script: str, client: dagger.Container | None = None) -> tuple[int, str]:
        """Run `script` (ssh commands); its exit code and output. SSH failures raise."""
        return await self.result(self.command(script, client))

    async def result(self, done: dagger.Container) -> tuple[int, str]:
        """The exit code and output of a `command`; SSH failures raise one sentence."""
        code, out, err = await done.exit_code(), await done.stdout(), await done.stderr()
        if code == 255:
            raise PipelineError(self._ssh_error(err))
        return code, (out + err).strip()

    async def host_script(self, *argv: str) -> tuple[int, str]:
        """Run deploy-host.sh ARGV... on the host, sending it and the smoke probe first."""
        directory, client = self.target.directory, self.client
        script = ssh.on_host("mkdir", "-p", directory)
        for name in _HOST_FILES:
            local = f"{ssh.WORK_DIR}-in/{name}"
            client = client.with_new_file(local, (PIPELINE_SCRIPTS / name).read_text())
            script += f" && {ssh.on_host('sh', '-c', f'cat > {directory}/{name}')} < {local}"
        script += (
            f" && {ssh.on_host('bash', f'{directory}/{rollout.HOST_SCRIPT}', directory, *argv)}"
        )
        return await self.run(script, client)

    async def send(self, release: rollout.Release, app: AppSecrets, login: Registry | None) -> None:
        """Write releases/ID on the host: compose.yaml, release.json and secrets.env (0600)."""
        code, output = await self.result(release_upload(self, release, app, login))
        if code != 0:
            raise PipelineError(
                f"Sending release {release.release} to {self.target.host} failed, nothing "
                f"changed there:\n{tail(output)}"
            )

    async def roll_out(self, release: rollout.Release) -> str:
        """Roll `release` out beside the running one and switch to it; its log and smoke tables.

        The host smoke tests it through the private route before the switch and on the
        public URL after it; every failure is one sentence on what serves the public now.
        """
        target = self.target
        timeout = str(target.health_timeout)
        probe = target.smoke.probe_args(release.release)
        code, output = await self.host_script(
            "deploy", release.release, timeout, target.host_limits, target.url, *probe
        )
        log = with_smoke_tables(output)
        where = f"{target.name} ({target.host})"
        if code == 0:
            return log
        if code == _LOCKED:
            raise _locked_error(
                self, f"Release {release.release} was sent but not rolled out", output
            )
        untouched = "never received a public request; the previous release still serves"
        if code == _UNHEALTHY:
            raise PipelineError(
                f"Release {release.release} did not turn healthy on {where} (the log names the "
                f"container), so it {untouched}:\n{tail(log)}"
            )
        if code == _PRIVATE_SMOKE_FAILED:
            raise PipelineError(
                f"Release {release.release} failed its smoke test on {target.name} through the "
                f"private route, so it {untouched}:\n{tail(log)}"
            )
        if code == _SWITCHED_BACK:
            raise PipelineError(
                f"Release {release.release} failed its smoke test on {target.name} on the public "
                f"URL after the switch, so the proxy switched back to the previous release:\n"
                f"{tail(log)}"
            )
        if code == _SUPERSEDED:
            raise PipelineError(
                f"Release {release.release} was not deployed to {where}: a release made after "
                f"this one already runs there ({tail(log, 1)}); deploy again to replace it."
            )
        if code == _NOTHING_CHANGED:
            raise PipelineError(
                f"Release {release.release} could not be prepared on {where}; the running "
                f"release was not touched:\n{tail(log)}"
            )
        raise PipelineError(
            f"Release {release.release} failed on {where} and no earlier release could be "
            f"started (`releases --env {self.target.name}` shows the history):\n{tail(log)}"
        )

    async def roll_back(self, to: str, secrets: Literal["current", "own"] = "current") -> str:
        """Return the host to release `to` (or the one before the current); the log.

        `secrets` "current": it runs with the current release's secrets (a rotated key stays
        rotated); "own": with those it had (returning from a release whose secrets failed).
        """
        if to:
            rollout.checked_release_id(to)
        target = self.target
        code, output = await self.host_script(
            "rollback", to, str(target.health_timeout), target.host_limits, secrets
        )
        if code == 0:
            return output
        if code == _LOCKED:
            raise _locked_error(self, "Nothing was rolled back", output)
        if code == _UNHEALTHY:
            raise PipelineError(
                f"The release to return to did not turn healthy on {self.target.name}, so the "
                f"running release still serves:\n{tail(output)}"
            )
        if code == _NO_SUCH_RELEASE:
            raise PipelineError(
                f"Nothing to roll back to on {self.target.name}: {tail(output, 1)}; "
                f"`releases --env {self.target.name}` lists the releases there."
            )
        raise PipelineError(
            f"Rolling back {self.target.name} failed; see what runs with `releases --env "
            f"{self.target.name}`:\n{tail(output)}"
        )

    async def history(self) -> rollout.History:
        """The host's releases and events."""
        code, output = await self.host_script("releases")
        if code != 0:
            raise PipelineError(
                f"Reading the releases on {self.target.host} failed:\n{tail(output)}"
            )
        return rollout.parsed_history(output)

    async def running(self) -> rollout.Release | None:
        """The release the host runs now, as its history records it (None: none runs)."""
        found = await self.history()
        return found.releases.get(found.current)

    def _ssh_error(self, stderr: str) -> str:
        """One sentence for an SSH failure: host key, key refused, or unreachable."""
        where = f"{self.target.user}@{self.target.host}:{self.target.port}"
        if "Host key verification failed" in stderr or "HOST IDENTIFICATION HAS CHANGED" in stderr:
            return (
                f"The SSH host key of {where} is not the one pinned in deploy/environments.toml "
                f"([{self.target.name}] host_key): nothing was done; check the host and update "
                "the pin only if the key change is expected."
            )
        if "Permission denied" in stderr:
            return f"{where} refused the SSH key: pass the deploy key with --ssh-key file://..."
        reason = stderr.strip().splitlines()[-1] if stderr.strip() else "no answer"
        return f"Cannot reach {where} over SSH ({reason}): check the host, port and network."


def release_upload(
    host: Host, release: rollout.Release, app: AppSecrets, login: Registry | None
) -> dagger.Container:
    """The command that sends a release (and logs the host in to the registry, if asked)."""
    target = host.target
    files = (
        dag.directory()
        .with_new_file("compose.yaml", rollout.compose_file(target, release))
        .with_new_file("release.json", rollout.release_file(release))
        .with_new_file(
            rollout.PROXY_COMPOSE_FILE, rollout.proxy_compose_file(target, nginx_image())
        )
        .with_new_file(rollout.PROXY_SITE_FILE, rollout.proxy_site())
        .with_new_file(rollout.UPSTREAM_FILE, rollout.upstream_file(release))
    )
    if target.accessories:
        files = files.with_new_file(rollout.ACCESSORIES_FILE, rollout.accessories_file(target))
    client = ssh.with_secret_file(host.client, "database-url", app.database_url)
    client = ssh.with_secret_file(client, "secret-key", app.secret_key)
    client = client.with_directory(RELEASE_DIR, files)
    staged = f"{ssh.WORK_DIR}/release"
    release_dir = f"{target.directory}/releases/{release.release}"
    unpack = f"mkdir -p {release_dir} && tar -C {release_dir} -xf -"
    script = (
        f"mkdir -p {staged} && cp -r {RELEASE_DIR}/. {staged}/ && "
        f"printf 'DATABASE_URL=%s\\nSECRET_KEY=%s\\n' "
        f'"$(cat {ssh.SECRETS_DIR}/database-url)" "$(cat {ssh.SECRETS_DIR}/secret-key)" '
        f"> {staged}/{rollout.SECRETS_FILE} && "
        f"tar -C {staged} -cf - . | {ssh.on_host('sh', '-c', f'umask 077 && {unpack}')}"
    )
    if login is not None:
        client = ssh.with_secret_file(client, "registry-password", login.password)
        docker_login = ssh.on_host(
            "docker", "login", "--username", login.username, "--password-stdin", login.host
        )
        script += f" && {docker_login} < {ssh.SECRETS_DIR}/registry-password"
    return host.command(script, client)


def with_smoke_tables(output: str) -> str:
    """The host's log with each smoke probe's result (a line of JSON) as its table."""

    def table(found: re.Match[str]) -> str:
        checks = json.loads(found[2]).get("checks") or [
            {"name": "probe", "passed": False, "detail": "no result: see the log above"}
        ]
        return SmokeResult(found[1], checks).table()

    return _SMOKE_LINE.sub(table, output)


def pulled(images: list[str], platform: str, login: Registry | None) -> dict[str, dagger.Container]:
    """The backend and frontend images for `platform` as the host pulls them, by scan name."""
    names = [f"{kind}-{platform.replace('/', '-')}" for kind in ("backend", "frontend")]
    return {
        name: pulled_image(ref, platform, login) for name, ref in zip(names, images, strict=True)
    }


def _locked_error(host: Host, what: str, output: str) -> PipelineError:
    """One sentence for a call that waited for the host's lock in vain: who holds it."""
    target = host.target
    return PipelineError(
        f"{what}: another deploy or rollback on {target.name} ({target.host}) held the lock "
        f"for {target.lock_timeout}s ({tail(output, 1)}); try again when it is done "
        f"(`releases --env {target.name}` shows the holder)."
    )
