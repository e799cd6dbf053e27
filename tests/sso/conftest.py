"""Real identity providers for the SSO tests, started once per test session on loopback ports:
an OpenID Connect provider (django-oauth-toolkit, its own tiny Django project in a subprocess,
tests/sso/idp/) and a CAS 2.0/3.0 server (tests/sso/cas_server.py, in a thread)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client

from tests.sso.cas_server import CasServer

ROOT = Path(__file__).resolve().parents[2]
#: (client id, secret) of each school at the test OIDC provider
OIDC_CLIENTS = {"guilin": ("guilin-union", "guilin-secret-2026"), "huzhou": ("huzhou-union", "huzhou-secret-2026")}
CAS_PEOPLE = {
    "zhangsan": {"password": "campus-pass-1", "attributes": {"employee_number": "G1001", "name": "张三"}},
    "lisi": {"password": "campus-pass-2", "attributes": {"employee_number": "G2002", "name": "李四"}},
    "stranger": {"password": "campus-pass-4", "attributes": {"employee_number": "X9999", "name": "陌生人"}},
}
PASSWORDS = {"zhangsan": "campus-pass-1", "lisi": "campus-pass-2", "wangwu": "campus-pass-3",
             "stranger": "campus-pass-4", "admin": "campus-pass-5", "impostor": "campus-pass-6"}


class OidcProvider:
    def __init__(self):
        self.data = tempfile.TemporaryDirectory(prefix="eduunion-idp-")
        clients = [[cid, secret, [f"http://{slug}.localhost/sso/oidc/"]] for slug, (cid, secret) in OIDC_CLIENTS.items()]
        env = {**os.environ, "IDP_DATA_DIR": self.data.name, "IDP_CLIENTS": json.dumps(clients)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = subprocess.Popen([sys.executable, "-m", "tests.sso.idp.serve"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        port = self.process.stdout.readline().strip()
        assert port.isdigit(), "the test OIDC provider did not start"
        self.base = f"http://127.0.0.1:{port}"
        self.issuer = f"{self.base}/o"

    def set_mode(self, mode: str = ""):
        requests.post(f"{self.base}/test/mode/", data={"mode": mode}, timeout=5).raise_for_status()

    def served(self, *, reset: bool = False) -> dict:
        """{path: requests served} since the last reset (which `reset` does after answering)."""
        response = (requests.post if reset else requests.get)(f"{self.base}/test/requests/", timeout=5)
        response.raise_for_status()
        return response.json()

    def stop(self):
        self.process.terminate()  # our own child, by its handle; stdin closing would also end it
        self.process.wait(timeout=10)
        self.process.stdin.close()
        self.data.cleanup()


@pytest.fixture(scope="session")
def oidc_idp():
    provider = OidcProvider()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def cas_server():
    server = CasServer(CAS_PEOPLE)
    yield server
    server.stop()


def through_idp(url: str, username: str) -> str:
    """A browser at the campus IdP: follow its redirects, sign in on its form, and stop where it
    sends the browser back to one of our hosts; answers that URL's path and query."""
    browser = requests.Session()
    idp_host = urlsplit(url).netloc
    for _ in range(10):
        parts = urlsplit(url)
        if parts.netloc != idp_host:
            return parts.path + ("?" + parts.query if parts.query else "")
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "<form" in response.text:  # the campus login form
            fields = {"username": username, "password": PASSWORDS[username]}
            hidden = response.text.split('type="hidden" name="')[1]
            name, value = hidden.split('"')[0], hidden.split('value="')[1].split('"')[0]
            fields[name] = value.replace("&amp;", "&")
            response = browser.post(url, data=fields, allow_redirects=False, timeout=10)
        assert response.status_code in (301, 302), (response.status_code, response.text[:300])
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the IdP never sent the browser back")


def school_browser(slug: str) -> Client:
    return Client(HTTP_HOST=f"{slug}.localhost")


def start(client: Client, next_url: str = "") -> str:
    response = client.get("/sso/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def signed_in_user_id(client: Client):
    return client.session.get("_auth_user_id")
