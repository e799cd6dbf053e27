"""Models of this area (issue #11)."""
