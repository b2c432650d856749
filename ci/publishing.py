"""Where `publish` pushes: the registry address, and the tags a git ref gets.

Tags:
- the commit sha, always;
- a branch push (refs/heads/B): B, made a valid tag (`feature/x` -> `feature-x`);
- a pull request (refs/pull/N/...): pr-N;
- a v-tag (refs/tags/v1.2.3): 1.2.3, 1.2 and 1; a pre-release (v1.2.3-rc.1) only itself;
- any other tag: its name, made a valid tag;
- `latest` only when asked for.
"""

import re
import time

from ci.errors import PipelineError

_SHA = re.compile(r"[0-9a-f]{7,64}")
_SEMVER = re.compile(r"v(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")
_PULL = re.compile(r"refs/pull/(\d+)/(merge|head)")
_NOT_TAG_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_TAG = 128  # what registries accept
# host[:port]/path, the path in lower case as registries require.
_REGISTRY = re.compile(r"([A-Za-z0-9.-]+(?::\d+)?)(/[a-z0-9._-]+)+")


def registry_host(registry: str, what: str = "--registry") -> str:
    """The host of a registry repository prefix such as ghcr.io/acme/printshop."""
    return _host(
        _REGISTRY,
        registry,
        f"{what} {registry!r} is not a registry and repository prefix: give host/path "
        "in lower case, e.g. ghcr.io/acme/printshop (images go to .../backend and "
        ".../frontend).",
    )


def _host(pattern: re.Pattern[str], reference: str, error: str) -> str:
    """The host part of `reference`, which must match `pattern` (else `error`)."""
    if not pattern.fullmatch(reference):
        raise PipelineError(error)
    return reference.split("/", 1)[0]


def image_tags(ref: str, sha: str, latest: bool = False) -> list[str]:
    """The tags for a build of `sha` from the git `ref`, most specific first."""
    if not _SHA.fullmatch(sha):
        raise PipelineError(
            f"--revision {sha!r} is not a commit sha: give the full hex sha, e.g. $GITHUB_SHA "
            "or `git rev-parse HEAD`."
        )
    tags = [sha, *_ref_tags(ref)]
    if latest:
        tags.append("latest")
    return list(dict.fromkeys(tags))


def deploy_tag(commit: str, now: time.struct_time) -> str:
    """The tag `deploy` without images publishes the checkout under.

    The commit's sha, or `deploy-<UTC time>` when the commit is not known.
    """
    if _SHA.fullmatch(commit):
        return commit
    return time.strftime("deploy-%Y%m%dT%H%M%SZ", now)


def _ref_tags(ref: str) -> list[str]:
    if ref.startswith("refs/heads/"):
        return [_valid_tag(ref.removeprefix("refs/heads/"), ref)]
    if pull := _PULL.fullmatch(ref):
        return [f"pr-{pull.group(1)}"]
    if ref.startswith("refs/tags/"):
        name = ref.removeprefix("refs/tags/")
        if version := _SEMVER.fullmatch(name):
            major, minor, patch, pre, _build = version.groups()
            if pre:
                return [_valid_tag(name.removeprefix("v"), ref)]
            return [f"{major}.{minor}.{patch}", f"{major}.{minor}", major]
        return [_valid_tag(name, ref)]
    raise PipelineError(
        f"--git-ref {ref!r} is not a branch, tag or pull request ref: give the full ref, e.g. "
        "refs/heads/main, refs/tags/v1.2.3 or $GITHUB_REF."
    )


def _valid_tag(name: str, ref: str) -> str:
    """`name` with characters a tag cannot hold replaced by '-', at most 128 long."""
    tag = _NOT_TAG_CHARS.sub("-", name).lstrip(".-")[:MAX_TAG]
    if not tag:
        raise PipelineError(f"--git-ref {ref!r} names nothing usable as an image tag.")
    return tag


_DIGEST_REF = re.compile(_REGISTRY.pattern + r"@sha256:[0-9a-f]{64}")


def digest_host(reference: str) -> str:
    """The registry host of an image digest reference (host/path@sha256:...), checked."""
    return _host(
        _DIGEST_REF,
        reference,
        f"{reference!r} is not an image digest reference: give host/path@sha256:<64 hex>, "
        "as `publish` prints it.",
    )


def is_content_race(message: str) -> bool:
    """Whether a failed push met another export writing the same blob (worth another try).

    The engine's content store locks a blob while one export writes it; a second export
    of the same layer at that moment fails with `ref ... locked ...: unavailable`.
    """
    return "failed to open writer" in message and "locked" in message and "unavailable" in message
