"""An office's deadline week under load (issue 16 deliverable 5): seed, serve, locust, read its CSV."""
