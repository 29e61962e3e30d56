"""Digital documents as originals: stored uploads, verified signed PDFs, issued attestations."""
