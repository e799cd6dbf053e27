"""The OpenAPI schema tells a generated client which errors each operation answers, and their shape."""
import pytest

from tests.conftest import anonymous_client


@pytest.fixture(params=["province", "guilin"])
def schema(request):
    school = request.getfixturevalue(request.param)
    return anonymous_client(school).get("/api/schema/", {"format": "json"}).json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def error_ref(operation, code):
    return operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]


def test_the_error_response_component_is_detail_and_errors(schema):
    component = schema["components"]["schemas"]["ErrorResponse"]
    assert set(component["properties"]) == {"detail", "errors"}
    assert component["properties"]["detail"]["type"] == "string"
    assert component["properties"]["errors"]["type"] == "object"
    assert component["required"] == ["detail"]


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert "400" in codes, (method, path)
        if "{" in path:
            assert "404" in codes and error_ref(operation, "404").endswith("/ErrorResponse"), (method, path)
        if method == "post":
            assert "409" in codes, (method, path)
        if path != "/api/v1/auth/token/":
            assert {"401", "403"} <= codes, (method, path)


def test_the_login_endpoint_needs_no_login_so_documents_no_401(schema):
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "401" not in token and "403" not in token
    assert error_ref({"responses": token}, "400").endswith("/ErrorResponse")
    assert error_ref({"responses": token}, "429").endswith("/ErrorResponse")
