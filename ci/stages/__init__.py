"""Stage builders: each returns a lazy Dagger object and awaits nothing."""
