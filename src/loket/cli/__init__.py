"""The `loket` command line: one module per capability, each only translating to service calls."""
