"""Reference geography: municipalities, postal codes, coordinates, distances."""
