from django.http import JsonResponse


def chinese_json(data: dict, status: int = 200) -> JsonResponse:
    """A JSON answer outside DRF, with Chinese left readable (no \\uXXXX escapes)."""
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
