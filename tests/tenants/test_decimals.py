"""Numbers people type: what they typed is stored as typed, or they are told why not."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tenants.decimals import decimal_in_range


def read(value, **kw):
    return decimal_in_range(value, field="amount", low=0, high=1_000_000, label="金额（元）", **kw)


def refusal(value, **kw) -> str:
    with pytest.raises(ValidationError) as refused:
        read(value, **kw)
    return refused.value.message_dict["amount"][0]


def test_amounts_are_read_as_typed_with_thousands_separators_allowed():
    assert read("12.3") == Decimal("12.30")
    assert read(" 1,000 ") == Decimal("1000.00")
    assert read("234,567.89") == Decimal("234567.89")


def test_more_decimals_than_allowed_are_refused_not_cut():
    assert refusal("12.345") == "金额（元）最多保留 2 位小数。"
    assert refusal("3.5", places="1") == "金额（元）应为整数。"


def test_what_is_not_a_plain_number_is_refused_naming_the_field():
    for typed in ("1e2", "1,00", "abc", "NaN"):
        assert refusal(typed).startswith("金额（元）应为")
    assert refusal("-1") == "金额（元）应在 0 到 1000000 之间。"


def test_an_empty_amount_is_asked_for_not_called_a_wrong_number():
    assert refusal("") == "请填写金额（元）。"
    assert refusal("   ") == "请填写金额（元）。"
    assert refusal(None) == "请填写金额（元）。"
