"""Digits that are not ASCII ("²".isdigit() is True but int("²") raises) never give a 500 on the pages
that read a number from the address or a header: they are read as no number at all."""
import pytest
from django.test import Client

from tenants.accounts.roles import Role
from tests.conftest import signed_in

ODD = ["²", "٢٠٢٥", "２０２５"]


@pytest.mark.parametrize("year", ODD)
def test_the_dashboard_shows_this_year_for_a_year_that_is_not_ascii_digits(province, year):
    client = signed_in(province, [Role.PROVINCE_ADMIN])
    answer = client.get("/dashboard/", {"year": year})
    assert answer.status_code == 200 and "数据看板" in answer.content.decode()


def test_a_content_length_of_odd_digits_is_a_400_in_chinese(province):
    answer = Client(HTTP_HOST="localhost").generic("POST", "/login/", b"", CONTENT_LENGTH="²")
    assert answer.status_code == 400 and "Content-Length" in answer.content.decode()
