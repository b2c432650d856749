"""The error a user of the pipeline sees when something they can fix is wrong."""

from dagger import QueryError
from dagger._exceptions import QueryErrorValue
from dagger.mod._exceptions import FunctionError


class PipelineError(FunctionError, QueryError):
    """A problem the user can fix, told in one sentence (plus any stage output).

    The SDK's runtime treats a FunctionError as already explained: no Python
    traceback in the log. It reports an error to the engine as "<class path>:
    <message>", except an API error (QueryError), whose message it passes on as it
    is; being both, `dagger call` prints `Error: <sentence>` and exits non-zero.
    Outside the module runtime it is an ordinary exception with that message.
    """

    def __new__(cls, message: str) -> "PipelineError":
        """A plain exception object (QueryError's picks a subclass from an API error list)."""
        return Exception.__new__(cls, message)

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self.extra = None  # ModuleError's: no extra values for the engine's error
        self.errors = [QueryErrorValue(message)]
