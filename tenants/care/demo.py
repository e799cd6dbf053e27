"""Demo data: care standards and a year of visits (issue #10)."""


def seed_care(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
