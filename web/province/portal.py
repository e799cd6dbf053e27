"""Provincial site: 更多 — every navigation entry of this person (the phone's bottom bar holds five)."""
from django.urls import path, reverse

from web.base import ProvincePage
from web.nav import nav_for


class More(ProvincePage):
    template_name = "web/portal/more.html"
    title = "更多"

    def get(self, request):
        entries = [e for e in nav_for(request) if e["url"] != reverse("province:more")]
        return self.render_page(entries=entries)


urlpatterns = [path("", More.as_view(), name="more")]
