"""Subcommands of the passport CLI."""
