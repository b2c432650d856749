"""Tool versions the pipeline accepts, and the image references they map to.

Defaults and supported lists follow what the reference app declares: Python
`requires-python >= 3.11` (Django 5.2 supports up to 3.14) and Node `>= 22.12`.
Images are tag references, so a registry mirror can serve them. Renovate
(.github/renovate.json) proposes new pins for PLAYWRIGHT (with @playwright/test) and for
TRIVY, SYFT and COSIGN (with tools/engine/versions) in its weekly pull request; the
supported lists are changed by hand when a version is tested.
"""

from ci.errors import PipelineError

PYTHON_VERSIONS = ("3.11", "3.12", "3.13", "3.14")
NODE_VERSIONS = ("22", "24")
POSTGRES_VERSIONS = ("16", "17", "18")

DEFAULT_PYTHON = "3.13"
DEFAULT_NODE = "24"
DEFAULT_POSTGRES = "17"

# The Playwright image must match @playwright/test in app/frontend/package.json.
PLAYWRIGHT = "1.65.1"
# The web server of the frontend image (and of the e2e stack): nginx's smallest official
# variant (Alpine, no modules, busybox for the shell and wget; no curl).
NGINX = "1.29"
# The Redis service of backends that use it (tools/engine/images/redis-8.image here).
REDIS = "8"


def checked(kind: str, version: str, supported: tuple[str, ...]) -> str:
    """Return `version` if it is supported, else raise one sentence naming the choices."""
    if version not in supported:
        choices = ", ".join(supported)
        raise PipelineError(f"Unsupported {kind} version {version!r}: use one of {choices}.")
    return version


def python_image(version: str) -> str:
    """The Python image used for backend and pipeline-code stages."""
    return f"python:{checked('Python', version, PYTHON_VERSIONS)}-slim"


def node_image(version: str) -> str:
    """The Node.js image used for frontend stages."""
    return f"node:{checked('Node.js', version, NODE_VERSIONS)}-slim"


def postgres_image(version: str) -> str:
    """The PostgreSQL image run as a service for backend tests."""
    return f"postgres:{checked('PostgreSQL', version, POSTGRES_VERSIONS)}"


def redis_image(version: str = REDIS) -> str:
    """The Redis image a backend's tests get when the app uses Redis."""
    return f"redis:{version}"


def playwright_image(version: str = PLAYWRIGHT) -> str:
    """The official Playwright image, whose browsers match @playwright/test `version`."""
    return f"mcr.microsoft.com/playwright:v{version}-noble"


def nginx_image(version: str = NGINX) -> str:
    """The nginx image that serves the frontend's production build."""
    return f"nginx:{version}-alpine-slim"


# Supply-chain tools, as their official images (tools/engine/versions builds the same).
TRIVY = "0.74.0"
SYFT = "1.54.1"
COSIGN = "3.1.3"


def trivy_image() -> str:
    """Trivy's official image: the vulnerability scanner of `scan`."""
    return f"aquasec/trivy:{TRIVY}"


def syft_image() -> str:
    """Syft's official image: the SBOM generator of `sbom` and `sign`."""
    return f"anchore/syft:v{SYFT}"


def cosign_image() -> str:
    """Cosign's official image: the signer of `sign` and `verify`."""
    return f"ghcr.io/sigstore/cosign/cosign:v{COSIGN}"


# The deploy stages' SSH client: Debian with openssh-client, curl and git.
SSH_CLIENT = "trixie-scm"


def ssh_client_image() -> str:
    """The image deploy, rollback and releases run ssh in."""
    return f"buildpack-deps:{SSH_CLIENT}"


# Installers of the Python locks pip cannot read, and the report tools a repository may lack
# (installed from PyPI in the test containers only; bumped by hand, with the app variants'
# CLI tests as the check: tests/cli/test_variants_cli.py).
POETRY = "2.5.1"
UV = "0.13.9"
PIPENV = "2026.10.3"
COVERAGE = "7.17.5"
XMLRUNNER = "4.0.0"  # unittest-xml-reporting: JUnit XML of `manage.py test`
# The servers the end-to-end stack adds when the backend's lock has none.
GUNICORN = "27.0.1"
UVICORN = "0.55.0"
DAPHNE = "4.2.3"
# The JavaScript package managers npm does not bring (installed with npm, in the image).
PNPM = "10.34.8"
YARN = "1.22.22"
