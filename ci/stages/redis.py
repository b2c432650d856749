"""Redis as a service container, for backends whose tests need it (Celery, a cache)."""

import dagger
from dagger import dag

from ci.stages.common import with_health_check
from ci.versions import redis_image

REDIS_ALIAS = "redis"
PORT = 6379


def redis_service(owner: str) -> dagger.Service:
    """A throwaway Redis for `owner` alone, ready when `redis-cli ping` answers."""
    container = (
        dag.container()
        .from_(redis_image())
        .with_env_variable("PIPELINE_SERVICE_OWNER", owner)
        .with_exposed_port(PORT)
    )
    ping = ["redis-cli", "-h", "127.0.0.1", "ping"]
    return with_health_check(container, ping).as_service(use_entrypoint=True)


def redis_url(database: int = 0) -> str:
    """The URL the backend's tests reach that Redis at."""
    return f"redis://{REDIS_ALIAS}:{PORT}/{database}"
