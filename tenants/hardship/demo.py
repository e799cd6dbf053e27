"""Demo data: two hardship cases (issue #10)."""


def seed_hardship(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
