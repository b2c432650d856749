"""The error a user of the pipeline sees when something they can fix is wrong."""

from dagger.mod._exceptions import FunctionError


class PipelineError(FunctionError):
    """A problem the user can fix, told in one sentence (plus any stage output).

    It derives from the SDK's FunctionError, the runtime's sign that an error is
    already explained: `dagger call` prints the message and exits non-zero
    without a Python traceback. Outside the module runtime it is an ordinary
    exception.
    """
