"""CI/CD of the print shop reference app (Django + React) as Dagger functions.

Lint, pytest against a PostgreSQL service, Vitest, and every stage's container
ready for `terminal` when something fails. The same functions run on a laptop,
from a terminal and from the one GitHub Actions job.
"""
