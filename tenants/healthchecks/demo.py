"""Demo data: this year's health check with its batches (issue #11)."""


def seed_health_checks(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
