from django.core.exceptions import ValidationError


def int_param(request, name: str) -> int | None:
    """An optional integer query parameter; anything else is a 400 naming it, never ignored."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValidationError({name: "应为整数编号。"})
    return int(value)


def validated(request, serializer_class) -> dict:
    """The request body checked by ``serializer_class`` (400 naming the fields otherwise)."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
