"""The `khumue` command."""
