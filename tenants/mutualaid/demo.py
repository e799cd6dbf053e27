"""Demo data: a mutual-aid scheme with claims (issue #10)."""


def seed_mutual_aid(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
