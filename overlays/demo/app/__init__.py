"""Programs of the demo's example image (``/app`` inside it): standard library only.

They are plain scripts for the image's python3, kept as modules here so
ruff checks them and tests import their pure parts.
"""
