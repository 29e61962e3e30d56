"""A person in reach: call-backs, appointments, counter visits, mandates and feedback."""
