"""The engine accepts the module's type definitions and shows them as registered."""

import dagger
import pytest
from dagger import dag

from tests.support.registration import registered

pytestmark = [pytest.mark.engine, pytest.mark.anyio]


async def test_engine_accepts_the_registration(engine: None) -> None:
    module_id = await (await registered()).id()
    module = dag.load_module_from_id(dagger.ModuleID(module_id))
    objects = {await t.as_object().name(): t.as_object() for t in await module.objects()}
    functions = {await f.name(): f for f in await objects["Pipeline"].functions()}
    assert {"lint", "test", "backendTest", "backendEnv", "migrationsCheck"} <= set(functions)
    assert await functions["backendTest"].description()
    assert await module.description()
