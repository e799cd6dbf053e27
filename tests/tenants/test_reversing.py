"""A row link put together from one reverse per URL name answers exactly what reverse() answers."""
import pytest
from django.urls import NoReverseMatch, reverse, set_urlconf

from tenants.reversing import reverse_with_pk, reverse_with_slug


@pytest.fixture
def provincial_urls():
    set_urlconf("config.urls_public")
    yield
    set_urlconf(None)


def test_a_slug_link_is_the_slug_in_the_reversed_address(provincial_urls):
    for slug in ("guilin", "nnnu-2", "a_b", "X9"):
        assert reverse_with_slug("province:school", slug) == reverse("province:school", args=[slug])


def test_what_is_not_a_slug_is_refused_as_reverse_refuses_it(provincial_urls):
    for not_a_slug in ("a/b", "桂林", "", "a b"):
        with pytest.raises(NoReverseMatch):
            reverse_with_slug("province:school", not_a_slug)


def test_an_id_link_is_the_id_in_the_reversed_address(provincial_urls):
    assert reverse_with_pk("province:circular", 42) == reverse("province:circular", args=[42])
