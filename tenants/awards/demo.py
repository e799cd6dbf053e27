"""Demo data: an award campaign in 公示 (issue #11)."""


def seed_awards(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
