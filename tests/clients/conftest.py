"""Clients generated from each host's published OpenAPI schema, run against a real HTTP server.

- `live_api`: the WSGI app on a free loopback port (wsgiref, one server thread for the session).
  The server thread uses the test's own database connection, the way Django's LiveServerTestCase
  shares an in-memory database: each test's rows stay in its transaction and are rolled back, and
  the client (synchronous) never sends a request while the test itself is using the connection.
- `generated`: once per session, `GET /api/schema/` from each host over HTTP, then
  `openapi-python-client generate` for both hosts at once (separate processes, no post hooks) into
  a temporary folder, imported as `eduunion_school` and `eduunion_province`. A warning of the
  generator fails the session (--fail-on-warning): the schema must describe the API completely.
- `api_client(school, roles, scopes)`: that package's AuthenticatedClient on the school's host (the
  provincial host for `province`), with an API key (`Authorization: Bearer …`) that a new user
  holding `roles` created with `scopes`. How it authenticates is decided in `credentials` alone.
"""
from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connections

from tests.conftest import host_of, make_user

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# What the README tells an integrator to put in their config file: no formatter run, and the office
# downloads (.xlsx/.docx) handed back as bytes (the generator has no parser for those media types).
GENERATOR_CONFIG = """\
post_hooks: []
content_type_overrides:
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
  application/vnd.openxmlformats-officedocument.wordprocessingml.document: application/octet-stream
"""
PACKAGES = {"school": "eduunion_school", "province": "eduunion_province"}


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


class LiveAPI:
    def __init__(self):
        self.connection = connections["default"]
        self.server = make_server("127.0.0.1", 0, self._app, server_class=WSGIServer, handler_class=QuietHandler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.wsgi = get_wsgi_application()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="live-api", daemon=True)

    def _app(self, environ, start_response):
        # The request runs on the test's connection (see the module docstring).
        connections["default"] = self.connection
        return self.wsgi(environ, start_response)

    def start(self):
        self.connection.inc_thread_sharing()
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        self.connection.dec_thread_sharing()


def connection_kept_open():
    """The WSGI handler closes the database connection around each request (request_started /
    request_finished), which would end the test's transaction; Django's test client detaches the
    same receivers for the same reason. Detached for as long as the server runs: the server thread
    sends request_finished when it has written the answer, which may be after the test has moved on
    (a receiver attached again by then closed the connection under the next teardown)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


def connection_closing_again():
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def live_api(django_db_setup, django_db_blocker):
    api = LiveAPI()
    connection_kept_open()
    api.start()
    try:
        yield api
    finally:
        api.stop()
        connection_closing_again()


@pytest.fixture(scope="session")
def generated(live_api, django_db_setup, django_db_blocker):
    """{"school": module, "province": module} — the generated packages, imported."""
    from tenants.models import School

    folder = Path(tempfile.mkdtemp(prefix="eduunion-clients-"))
    (folder / "config.yml").write_text(GENERATOR_CONFIG)
    with django_db_blocker.unblock():
        hosts = {"school": host_of(School.objects.get(slug="guilin")),
                 "province": host_of(School.objects.get(schema_name="public"))}
        for side, host in hosts.items():
            response = httpx.get(f"{live_api.url}/api/schema/", params={"format": "json"},
                                 headers={"Host": host}, timeout=60)
            assert response.status_code == 200, response.text[:500]
            (folder / f"{side}.json").write_text(json.dumps(response.json(), ensure_ascii=False))

    runs = {side: subprocess.Popen(
        [str(GENERATOR), "generate", "--path", str(folder / f"{side}.json"), "--output-path",
         str(folder / package), "--meta", "none", "--config", str(folder / "config.yml"), "--fail-on-warning"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for side, package in PACKAGES.items()}
    for side, run in runs.items():
        output, _ = run.communicate(timeout=120)
        assert run.returncode == 0, f"openapi-python-client 未能从 {side} 站点的 schema 生成客户端：\n{output[-5000:]}"

    sys.path.insert(0, str(folder))
    try:
        yield {side: importlib.import_module(package) for side, package in PACKAGES.items()}
    finally:
        sys.path.remove(str(folder))
        for package in PACKAGES.values():
            for name in [name for name in sys.modules if name == package or name.startswith(package + ".")]:
                del sys.modules[name]
        shutil.rmtree(folder, ignore_errors=True)


def credentials(school, user, scopes) -> tuple[str, str]:
    """(Authorization prefix, secret) a machine client of this host uses: an API key of the host
    created by `user` (its admin), allowed `scopes` (["members:write", …]), valid for an hour.
    Before API keys this was the user's token: ("Token", token_for(user=user).key)."""
    import datetime

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from tenants.apikeys.services import api_key_create

    with schema_context(school.schema_name):
        _, plaintext = api_key_create(name=f"生成的客户端（{user.username}）", scopes=scopes,
                                      expires_at=timezone.now() + datetime.timedelta(hours=1), by=user)
    return "Bearer", plaintext


@pytest.fixture
def api_client(live_api, generated):
    """api_client(school, roles, scopes) -> the generated AuthenticatedClient for that host."""
    made = []

    def make(school, roles, scopes):
        package = generated["province" if school.schema_name == "public" else "school"]
        user = make_user(school, list(roles))
        prefix, secret = credentials(school, user, scopes)
        client = package.AuthenticatedClient(base_url=live_api.url, token=secret, prefix=prefix,
                                             headers={"Host": host_of(school)}, raise_on_unexpected_status=True,
                                             timeout=httpx.Timeout(30))
        made.append(client)
        return client

    yield make
    for client in made:
        client.get_httpx_client().close()
