"""`python -m loket` runs the command line."""

from loket.cli.main import app

app()
