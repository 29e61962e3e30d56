"""Who is signed in: browser sessions for citizens and staff, staff passwords and rate limits."""
