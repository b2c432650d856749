"""A release planned against its environment: what it takes from there, checked first."""

from dataclasses import replace

import pytest

from ci.choices import Environment
from ci.env_secrets import EnvSecrets
from ci.environments import Target
from ci.errors import PipelineError
from ci.flows.deploy import Published
from ci.flows.release import ReleaseRequest, planned
from ci.secret_bundle import Source
from tests.plan.test_deploy_plan import TARGET

REQUEST = ReleaseRequest(git_ref="refs/heads/main", revision="b" * 40, env=Environment.STAGING)
BUNDLE = {
    "SSH_KEY": "k",
    "DATABASE_URL": "postgres://db",
    "SECRET_KEY": "s",
    "REGISTRY_PASSWORD": "p",
}
ENVIRONMENT = replace(TARGET, registry="registry.example.com/shop", registry_username="ci")


def bundle(**entries: str) -> EnvSecrets:
    return EnvSecrets(Source("staging"), {**BUNDLE, **entries}, configured=True)


def test_what_the_request_leaves_empty_comes_from_the_environment_and_its_bundle() -> None:
    plan = planned(REQUEST, replace(ENVIRONMENT, offline=True), bundle())
    assert plan.repository == "registry.example.com/shop"
    assert (plan.registry.host, plan.registry.username) == ("registry.example.com", "ci")
    assert plan.transport.offline
    assert plan.deploy.offline
    assert (plan.deploy.commit, plan.deploy.registry_username) == ("b" * 40, "ci")
    assert plan.deploy.ssh_key is not None
    assert plan.deploy.database_url is not None
    assert plan.sign_step() is None  # nothing asks for a signature, no key given
    published = Published("registry.example.com/shop/backend@sha256:1", "r/f@sha256:2", [])
    assert plan.deploy_of(published).images == (published.backend, published.frontend)


def test_an_environment_asking_for_signatures_signs_with_its_bundles_key() -> None:
    plan = planned(REQUEST, replace(ENVIRONMENT, require_signature=True), bundle(COSIGN_KEY="c"))
    assert plan.signer is not None
    assert plan.signer.key is not None
    assert plan.sign_step() is not None


@pytest.mark.parametrize(
    ("target", "missing", "message"),
    [
        (TARGET, "", "`release` needs --registry: pass it, or name the environment's"),
        (ENVIRONMENT, "SSH_KEY", "The staging secrets (--staging-secrets) hold no SSH_KEY"),
        (
            ENVIRONMENT,
            "REGISTRY_PASSWORD",
            "The staging secrets (--staging-secrets) hold no REGISTRY_PASSWORD, which `release "
            "--env staging` needs: add REGISTRY_PASSWORD=... to that file, or pass --password.",
        ),
    ],
)
def test_what_is_missing_fails_in_one_sentence_before_any_step(
    target: Target, missing: str, message: str
) -> None:
    entries = {k: v for k, v in BUNDLE.items() if k != missing}
    found = EnvSecrets(Source("staging"), entries, configured=True)
    with pytest.raises(PipelineError) as caught:
        planned(REQUEST, target, found)
    assert str(caught.value).startswith(message), caught.value


def test_a_key_and_a_token_at_once_fail_before_any_step() -> None:
    found = bundle()
    token = found.need("SSH_KEY", None, "release")  # any Secret stands in
    request = replace(REQUEST, key=token, identity_token=token)
    with pytest.raises(PipelineError, match=r"Give --key .* not both and not neither"):
        planned(request, ENVIRONMENT, found)
