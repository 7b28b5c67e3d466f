"""The HTML pages: one module per resource, shared helpers in web/pages/common.py."""
