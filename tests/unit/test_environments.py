import pytest

from ci.choices import Environment
from ci.environments import POLICIES, policy
from ci.errors import PipelineError


def test_only_production_is_backed_up_before_migrating() -> None:
    assert policy("production").backup_before_migrate
    assert not policy("staging").backup_before_migrate


def test_every_cli_choice_has_a_policy() -> None:
    assert {e.value for e in Environment} == set(POLICIES)


def test_unknown_environment_lists_the_known_ones() -> None:
    with pytest.raises(PipelineError) as caught:
        policy("qa")
    assert str(caught.value) == "Unknown environment 'qa': use one of staging, production."
