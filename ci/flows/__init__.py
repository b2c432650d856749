"""Sequences that await several steps and decide between them: deploy, release, an event's run."""
