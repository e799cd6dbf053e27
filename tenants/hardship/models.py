"""Models of this area (issue #10)."""
