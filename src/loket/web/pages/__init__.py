"""HTML pages for people; for now only the front page."""
