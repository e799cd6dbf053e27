"""Demo data: a budget and approved books (issue #10)."""


def seed_books(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
