"""Adapters between the core and the web services (the only place Flask and SQL appear)."""
