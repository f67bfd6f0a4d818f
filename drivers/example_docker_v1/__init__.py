"""Example driver: one Ubuntu server running Docker (see README.rst)."""
