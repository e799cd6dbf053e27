"""Pages of 年度工作总结: the yearly work summary drafted from the data as .docx (issue #12, point 7).

The union office picks a year, sees on the page every figure the draft will hold (the same outline
the document is written from), and downloads the .docx to edit. Figures: tenants/yearsummary.
"""
from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import path

from tenants.yearsummary.docx import DOCX, write
from tenants.yearsummary.draft import school_draft
from tenants.yearsummary.figures import check_year, default_year, school_figures, summary_years
from web.base import OFFICE, SchoolPage
from web.todo import Todo


def docx_response(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return response


class YearSummary(SchoolPage):
    template_name = "web/summary/school.html"
    title = "年度工作总结"
    roles = OFFICE

    def get(self, request):
        years = summary_years()
        asked = request.GET.get("year", "")
        try:
            year = check_year(asked, years)
        except ValidationError:
            year = default_year() if default_year() in years else years[0]
        figures = school_figures(request.tenant, year)
        return self.render_page(year=year, years=years, draft=school_draft(figures), figures=figures)


class YearSummaryDocx(SchoolPage):
    roles = OFFICE

    def get(self, request, year):
        try:
            year = check_year(year, summary_years())
        except ValidationError:
            raise Http404("没有这一年的总结")
        draft = school_draft(school_figures(request.tenant, year))
        return docx_response(write(draft), draft.file_name)


urlpatterns = [
    path("", YearSummary.as_view(), name="summary"),
    path("<int:year>/docx/", YearSummaryDocx.as_view(), name="summary-docx"),
]


def workbench_todos(user) -> list[Todo]:
    return []
