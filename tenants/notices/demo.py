"""Demo data: notices of the union office and a branch, some read, some not (issue #12)."""


def seed_notices(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
