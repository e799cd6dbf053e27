"""A browser that asks for English still gets Chinese: the product speaks one language."""
from django.test import Client


def test_pages_and_the_api_answer_in_chinese_whatever_the_browser_asks(guilin):
    client = Client(HTTP_HOST="guilin.localhost", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    login = client.get("/login/").content.decode()
    assert "用户名" in login and "Username" not in login
    api = client.get("/api/v1/members/", HTTP_ACCEPT="text/html")
    assert api["Content-Type"].startswith("application/json")  # no browsable English pages
    assert "身份认证信息未提供" in api.json()["detail"]
