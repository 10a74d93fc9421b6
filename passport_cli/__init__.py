"""The `passport` command and the demo: the one package that may import all three services."""
