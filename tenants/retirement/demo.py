"""Demo data: this year's 荣休 ceremony with the year's retirees (issue #11)."""


def seed_retirement(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
