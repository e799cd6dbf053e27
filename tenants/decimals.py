"""Reading numbers people type (amounts, scores) as Decimal: finite, in range, fixed places."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError


def decimal_in_range(value, *, field: str, low, high, places: str = "0.01", label: str = "数值") -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: f"{label}应为数字。"})
    if not number.is_finite():
        raise ValidationError({field: f"{label}应为有限的数字。"})
    if not Decimal(str(low)) <= number <= Decimal(str(high)):
        raise ValidationError({field: f"{label}应在 {low} 到 {high} 之间。"})
    return number.quantize(Decimal(places))
