"""Demo data: a 疗休养 batch whose selection applies the rotation rule (issue #11)."""


def seed_trips(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
