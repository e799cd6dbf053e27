"""Browsing the Django admin as a person would: a session login on the school's (or province's) host."""
from django.test import Client

from tests.conftest import ADMIN_PASSWORD, host_of, make_user


def admin_browser(school, roles, username, password=ADMIN_PASSWORD):
    make_user(school, roles, username=username, password=password)
    client = Client(HTTP_HOST=host_of(school))
    assert client.post("/login/", {"username": username, "password": password}).status_code == 302
    return client


def errors_beside(page, field: str) -> str:
    """The text of the error list the admin renders next to ``field`` (empty when there is none)."""
    html = page.content.decode()
    marker = f'id="id_{field}_error"'
    if marker not in html:
        return ""
    start = html.index(marker)
    return html[start:html.index("</ul>", start)]
