"""loket: one front door for citizens and one back-office network for Belgian public services."""

__version__ = "0.1.0"
