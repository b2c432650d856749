"""The load test's options, shared by `load-test` and `load-test-reports`."""

from typing import Annotated

from dagger import Doc

from ci.choices import LoadTarget
from ci.load import ENV_MAX_SECONDS, ENV_MAX_USERS

LoadEnvArg = Annotated[
    LoadTarget,
    Doc(
        "stack (the app as services), or staging or production: its URL "
        f"(deploy/environments.toml), at most {ENV_MAX_USERS} users for {ENV_MAX_SECONDS} s, "
        "no checkout"
    ),
]
UsersArg = Annotated[int, Doc("Concurrent users at the peak")]
SpawnRateArg = Annotated[float, Doc("The ramp: users started per second")]
DurationArg = Annotated[int, Doc("How long the load runs, in seconds (the ramp included)")]
