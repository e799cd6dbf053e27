"""Demo data: a sports meet with teams, a 三八 event with a waitlist (issue #11)."""


def seed_activities(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
