"""Agencies, offices, case types, dossiers, jurisdiction, routing and transfers."""
