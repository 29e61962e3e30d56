"""Managers' insight: legal terms and due dates, caseload against staffing norms, projections."""
