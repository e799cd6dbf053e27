"""The API routers' URLs, nested under their first path segment (api/routers.py, issue #14), resolve
and reverse exactly as DRF's flat list of the same patterns did."""
import re

import pytest
from django.urls.resolvers import RegexPattern, URLResolver
from rest_framework.routers import DefaultRouter

from api import urls_public, urls_tenant

_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def _sample_path(regex: str) -> str:
    """A path the pattern matches: each named group filled with a value its own regex accepts."""
    def value(group):
        choices = group[2].split("|")  # an alternation of words (confirm|demote|reject): the first
        return next(candidate for candidate in ("1", "json", "2026", "guilin", choices[0])
                    if re.fullmatch(group[2], candidate))

    path = _GROUP.sub(value, regex).lstrip("^").rstrip("$")
    return "/" + path.replace("/?", "/").replace("\\.", ".")


def _answer(match):
    return match.url_name, match.kwargs, match.func.cls, match.func.actions


@pytest.mark.parametrize("router", [urls_tenant.router, urls_public.router], ids=["school", "province"])
def test_every_route_resolves_and_reverses_as_in_drf_s_flat_list(router):
    flat = DefaultRouter.get_urls(router)  # DRF's own list, before the grouping
    flat_resolver = URLResolver(RegexPattern(r"^/"), flat)
    grouped_resolver = URLResolver(RegexPattern(r"^/"), router.get_urls())
    # a path is looked for among the segments, then among its own segment's patterns
    assert len(grouped_resolver.url_patterns) * 4 < len(flat)
    for pattern in flat:
        path = _sample_path(str(pattern.pattern))
        expected = flat_resolver.resolve(path)
        assert _answer(grouped_resolver.resolve(path)) == _answer(expected), path
        assert (grouped_resolver.reverse(pattern.name, **expected.kwargs)
                == flat_resolver.reverse(pattern.name, **expected.kwargs)), pattern.name


def test_a_path_under_no_segment_is_still_the_json_404(guilin, host_client):
    from tenants.accounts.roles import Role

    admin = host_client(guilin, [Role.UNION_ADMIN])
    for path in ("/api/v1/membersx/", "/api/v1/members/abc/", "/api/v1/honours/"):
        response = admin.get(path)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json"), path


def test_a_pattern_that_alternates_outside_its_groups_keeps_the_flat_list():
    from django.urls import re_path

    from api.routers import grouped_by_first_segment

    def view(request):
        return None

    plain = [re_path(r"^members/$", view, name="a"), re_path(r"^members/(?P<step>open|close)/$", view, name="b")]
    assert len(grouped_by_first_segment(plain)) == 1
    odd = plain + [re_path(r"^notices/$|^circulars/$", view, name="c")]
    assert grouped_by_first_segment(odd) == odd
