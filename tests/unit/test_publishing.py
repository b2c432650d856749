"""Where `publish` pushes: registry addresses, and tags from branches, PRs, v-tags, latest."""

import time

import pytest

from ci.errors import PipelineError
from ci.publishing import deploy_tag, digest_host, image_tags, is_content_race, registry_host

SHA = "3f2c9a1b7d0e4c5f8a6b9c2d1e0f3a4b5c6d7e8f"


def test_main_branch_gets_the_sha_and_the_branch_never_latest() -> None:
    assert image_tags("refs/heads/main", SHA) == [SHA, "main"]


def test_latest_only_when_asked() -> None:
    assert image_tags("refs/heads/main", SHA, latest=True) == [SHA, "main", "latest"]


def test_branch_names_become_valid_tags() -> None:
    assert image_tags("refs/heads/feature/new-cart", SHA)[1] == "feature-new-cart"
    assert image_tags("refs/heads/fix#12 ümlaut", SHA)[1] == "fix-12-mlaut"
    assert image_tags("refs/heads/.hidden", SHA)[1] == "hidden"
    assert len(image_tags("refs/heads/" + "b" * 300, SHA)[1]) == 128


def test_pull_request_refs_are_pr_numbers() -> None:
    assert image_tags("refs/pull/42/merge", SHA) == [SHA, "pr-42"]


def test_v_tags_give_full_minor_and_major_versions() -> None:
    assert image_tags("refs/tags/v1.2.3", SHA) == [SHA, "1.2.3", "1.2", "1"]
    assert image_tags("refs/tags/v1.2.3+build.5", SHA) == [SHA, "1.2.3", "1.2", "1"]


def test_pre_releases_get_only_their_own_version() -> None:
    assert image_tags("refs/tags/v2.0.0-rc.1", SHA) == [SHA, "2.0.0-rc.1"]


def test_other_tags_keep_their_name() -> None:
    assert image_tags("refs/tags/release-2026-11", SHA) == [SHA, "release-2026-11"]
    assert image_tags("refs/tags/v1.2", SHA) == [SHA, "v1.2"]


@pytest.mark.parametrize("ref", ["main", "refs/remotes/origin/main", "", "refs/heads/..."])
def test_refs_that_are_not_branches_tags_or_pulls_are_one_sentence(ref: str) -> None:
    with pytest.raises(PipelineError) as caught:
        image_tags(ref, SHA)
    assert "--git-ref" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("sha", ["", "HEAD", "xyz1234", "abc"])
def test_the_revision_must_be_a_commit_sha(sha: str) -> None:
    with pytest.raises(PipelineError, match="is not a commit sha"):
        image_tags("refs/heads/main", sha)


def test_registry_host_is_the_first_part() -> None:
    assert registry_host("ghcr.io/acme/printshop") == "ghcr.io"
    assert registry_host("127.0.0.1:5000/printshop") == "127.0.0.1:5000"


@pytest.mark.parametrize("registry", ["ghcr.io", "ghcr.io/Acme/shop", "https://ghcr.io/a", ""])
def test_a_registry_without_a_lower_case_path_is_one_sentence(registry: str) -> None:
    with pytest.raises(PipelineError, match="is not a registry and repository prefix"):
        registry_host(registry)


def test_a_branch_name_starting_with_a_capital_keeps_it() -> None:
    assert image_tags("refs/heads/Xmas-sale", SHA) == [SHA, "Xmas-sale"]


@pytest.mark.parametrize("ref", ["refs/heads/...", "refs/tags/.-.", "refs/tags/---"])
def test_a_ref_that_leaves_no_tag_is_named(ref: str) -> None:
    with pytest.raises(PipelineError) as caught:
        image_tags(ref, SHA)
    assert str(caught.value) == f"--git-ref {ref!r} names nothing usable as an image tag."


def test_a_ref_that_is_no_ref_is_refused_with_examples_that_are_accepted() -> None:
    with pytest.raises(PipelineError) as caught:
        image_tags("main", SHA)
    message = str(caught.value)
    assert message == (
        "--git-ref 'main' is not a branch, tag or pull request ref: give the full ref, e.g. "
        "refs/heads/main, refs/tags/v1.2.3 or $GITHUB_REF."
    )
    examples = message.split("e.g. ")[1].removesuffix(" or $GITHUB_REF.").split(", ")
    assert [image_tags(example, SHA)[1] for example in examples] == ["main", "1.2.3"]


def test_a_revision_that_is_no_sha_says_where_to_get_one() -> None:
    with pytest.raises(PipelineError) as caught:
        image_tags("refs/heads/main", "HEAD")
    assert str(caught.value) == (
        "--revision 'HEAD' is not a commit sha: give the full hex sha, e.g. $GITHUB_SHA "
        "or `git rev-parse HEAD`."
    )


def test_a_wrong_registry_is_refused_with_an_example_that_is_accepted() -> None:
    with pytest.raises(PipelineError) as caught:
        registry_host("ghcr.io")
    message = str(caught.value)
    assert message == (
        "--registry 'ghcr.io' is not a registry and repository prefix: give host/path "
        "in lower case, e.g. ghcr.io/acme/printshop (images go to .../backend and "
        ".../frontend)."
    )
    assert registry_host(message.split("e.g. ")[1].split(" ")[0]) == "ghcr.io"


def test_a_wrong_digest_reference_is_one_sentence() -> None:
    with pytest.raises(PipelineError) as caught:
        digest_host("ghcr.io/acme/backend:1.0")
    assert str(caught.value) == (
        "'ghcr.io/acme/backend:1.0' is not an image digest reference: give "
        "host/path@sha256:<64 hex>, as `publish` prints it."
    )


def test_a_push_that_met_another_export_of_the_same_blob_is_worth_another_try() -> None:
    race = (
        "mount callback failed on /tmp/containerd-mount1: failed to open writer: ref "
        "dagger/1/vcmf locked for 3.4ms (since 2026-12-02 18:27:53 +0000 UTC): unavailable"
    )
    assert is_content_race(race)
    assert not is_content_race("failed to open writer: no space left on device")
    assert not is_content_race("ref dagger/1/x locked for 3ms: unavailable")
    assert not is_content_race("failed to open writer: ref x locked for 3ms")
    assert not is_content_race("unauthorized: authentication required")


def test_a_deploy_without_images_tags_them_with_the_commit_or_the_time() -> None:
    noon = time.strptime("2026-12-03 12:04:05", "%Y-%m-%d %H:%M:%S")
    assert deploy_tag(SHA, noon) == SHA
    assert deploy_tag("3f2c9a1", noon) == "3f2c9a1"
    assert deploy_tag("unknown", noon) == "deploy-20261203T120405Z"
    assert deploy_tag("3F2C9A1", noon) == "deploy-20261203T120405Z"
