"""Cross-OCMW double-claim detection: one person, one living wage.

Claims from every welfare centre are standardised, linked with Splink (DuckDB, or Spark for
scale) and the pairs of one person at two centres with overlapping periods become conflicts.
"""
