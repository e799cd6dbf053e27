"""Reading numbers people type (amounts, scores) as Decimal: finite, in range, fixed places."""
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

#: 1,234,567.89 — thousands separators as people write amounts, only between groups of three
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def decimal_in_range(value, *, field: str, low, high, places: str = "0.01", label: str = "数值") -> Decimal:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValidationError({field: f"请填写{label}。"})
    if _GROUPED.match(text):
        text = text.replace(",", "")
    # "1e2" is a number to Decimal, but not one a person means to type in a form
    if "e" in text.lower():
        raise ValidationError({field: f"{label}应为数字。"})
    try:
        number = Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: f"{label}应为数字。"})
    if not number.is_finite():
        raise ValidationError({field: f"{label}应为有限的数字。"})
    if not Decimal(str(low)) <= number <= Decimal(str(high)):
        raise ValidationError({field: f"{label}应在 {low} 到 {high} 之间。"})
    step = Decimal(places)
    if number != number.quantize(step):
        # never cut or round silently what was typed: say how precise it may be
        digits = -step.as_tuple().exponent
        raise ValidationError({field: f"{label}最多保留 {digits} 位小数。" if digits else f"{label}应为整数。"})
    return number.quantize(step)
