"""Authorised data exchange between agencies, and the tamper-evident access log citizens read."""
