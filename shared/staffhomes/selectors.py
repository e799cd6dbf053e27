"""The school's side of 先进教职工之家: rounds and criteria are the province's, for every school;
applications read here are only the given school's."""
from django.db.models import Count

from shared.selectors import require_school
from shared.staffhomes.models import Criterion, HomeApplication, Round


def rounds_for_school(school):
    require_school(school, "建家评选")
    return Round.objects.order_by("-year", "-id")


def criteria():
    return Criterion.objects.order_by("order", "id")


def applications_of(school):
    require_school(school, "建家申报")
    return (HomeApplication.objects.filter(school=school).select_related("round")
            .annotate(material_count=Count("materials")).order_by("-submitted_at", "-id"))
