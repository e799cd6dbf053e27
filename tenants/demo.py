"""Demo data for `make run`: the provincial union, four schools, an admin on every host.

Each school's own demo content comes from the domain apps' seed functions (called inside the
school's schema, each idempotent), listed in school_seeders() in the order they depend on.
"""
from __future__ import annotations

import os
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.accounts.services import user_create
from tenants.models import School
from tenants.services import ensure_province, school_provision

DEMO_SCHOOLS = [
    # slug, name, short name, region
    ("guilin", "桂林学院", "桂院", "广西壮族自治区桂林市"),
    ("huzhou", "湖州师范学院", "湖师院", "浙江省湖州市"),
    ("hnit", "湖南信息学院", "湖信院", "湖南省长沙市"),
    ("sxdtu", "山西大同大学", "大同大学", "山西省大同市"),
]


#: the people of the union's money and care (issue #10): username, role, full name
OFFICE_PEOPLE = [
    ("caiwu", Role.TREASURER, "工会财务"),
    ("zhuxi", Role.FINANCE_APPROVER, "工会主席"),
    ("jingshen", Role.AUDITOR, "经审委员会主任"),
    ("bangfu", Role.CARE_OFFICER, "帮扶专干"),
]


def seed_office_people(school: School) -> None:
    for username, role, full_name in OFFICE_PEOPLE:
        if not User.objects.filter(username=username).exists():
            user_create(username=username, password=demo_password(), roles=[role], by=None, full_name=full_name)


def school_seeders() -> list[Callable[[School], None]]:
    from tenants.activities.demo import seed_activities
    from tenants.awards.demo import seed_awards
    from tenants.care.demo import seed_care
    from tenants.congress.demo import seed_congress
    from tenants.finance.demo import seed_books
    from tenants.hardship.demo import seed_hardship
    from tenants.healthchecks.demo import seed_health_checks
    from tenants.members.demo import seed_members
    from tenants.mutualaid.demo import seed_mutual_aid
    from tenants.notices.demo import seed_notices
    from tenants.retirement.demo import seed_retirement
    from tenants.trips.demo import seed_trips
    from tenants.workplan.demo import seed_workplan

    # the congress needs members to elect delegates; care, hardship and mutual aid need members
    # and write entries into the books, whose demo (budget, approvals) comes last
    # activities, health checks, trips and awards (issue #11) come before the books too: an activity's
    # cost is an entry awaiting approval like any other
    return [seed_members, seed_office_people, seed_congress, seed_care, seed_mutual_aid, seed_hardship,
            seed_activities, seed_health_checks, seed_trips, seed_awards, seed_retirement,
            # issue #12: the year's plan names owners (departments, branches, people); notices reach members
            seed_workplan, seed_notices, seed_books]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", "eduunion-demo")


def _ensure_admin(role: str, full_name: str) -> None:
    if not User.objects.filter(username="admin").exists():
        user_create(username="admin", password=demo_password(), roles=[role], by=None, full_name=full_name)


def seed_demo(stdout=None) -> list[School]:
    if not getattr(settings, "DEMO_DATA_ALLOWED", False):
        raise ImproperlyConfigured("演示数据只能在本机或测试环境生成（生产环境禁止）。")
    province = ensure_province()
    with schema_context(province.schema_name):
        _ensure_admin(Role.PROVINCE_ADMIN, "省教育工会管理员")
    schools = []
    for slug, name, short_name, region in DEMO_SCHOOLS:
        # A school and all its demo content in one transaction: a Ctrl-C half-way through seeding
        # leaves it whole or absent, never a school whose seeders would trip over their own rows.
        with transaction.atomic():
            school = School.objects.filter(slug=slug).first()
            provisioned = school is None
            if provisioned:
                school = school_provision(slug=slug, name=name, short_name=short_name, region=region,
                                          by=None, admin_username="admin",
                                          admin_password=demo_password()).school
            with schema_context(school.schema_name):
                _ensure_admin(Role.UNION_ADMIN, f"{name}工会管理员")
                for seeder in school_seeders():
                    seeder(school)
        if provisioned and stdout:
            stdout.write(f"已开通演示学校 {name}")
        schools.append(school)
    from shared.demo import seed_province

    with transaction.atomic(), schema_context(province.schema_name):
        seed_province({school.slug: school for school in schools}, demo_password())
    _roll_up_statistics(schools)
    return schools


def _roll_up_statistics(schools) -> None:
    """The dashboard shows figures on first start, not zeros until the nightly roll-up: the same
    per-school computation the task runs, done here in each school's schema."""
    from shared.stats.services import compute_current_school

    for school in schools:
        with schema_context(school.schema_name):
            compute_current_school(year=timezone.localdate().year)
