"""What the three services share: Flask, SQL, Alembic, settings and network set-up.

Imports the engine (`passport_vc`), never a service or the command line.
"""
