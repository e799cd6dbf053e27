"""Demo data: the year's plan — 桂林学院, 湖州师范学院 and 山西大同大学 imported from their real
工作要点 notices (tenants/workplan/demo_notices/, copied from the real ones), 湖南信息学院's written by hand with its 十件实事 — with
tasks in every state (issue #12)."""


def seed_workplan(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
