"""Routers whose record ids are digits only: /proposals/abc/ is a 404, not a failed query."""
from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    include_root_view = False

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_field", "pk") == "pk" and not hasattr(viewset, "lookup_value_regex"):
            viewset.lookup_value_regex = "[0-9]+"
        return super().get_lookup_regex(viewset, lookup_prefix)
