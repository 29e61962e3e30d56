"""Citizens, their INSZ/BIS numbers and their address history."""
