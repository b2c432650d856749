"""App variants: the reference app rewritten into other shapes real repositories have."""
