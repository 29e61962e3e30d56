"""The web tier: the JSON API under /api/v1 and the HTML pages.

It only translates HTTP requests into calls of the capability packages; no rule lives here.
"""
