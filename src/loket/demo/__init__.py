"""Synthetic Belgian data for demos, tests and benchmarks: citizens with valid INSZ numbers,
addresses on real postal codes, dossiers at the competent offices, and files of moves."""
