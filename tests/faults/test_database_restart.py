"""The database server restarts under the running platform (gunicorn with persistent connections).

What a user sees: a request caught by the restart gets a 503 in Chinese (JSON under /api/, a
Chinese page otherwise), never a 500 or a cut connection; while the server is down /healthz says
the database is down; once it is back the next requests succeed, served by the same gunicorn
processes (nobody restarted anything).
"""
from __future__ import annotations

import json
import socket
import subprocess
import threading
import urllib.error
import urllib.request

import psutil
import pytest

from config.launcher import gunicorn_command, wait_until_healthy
from tests.conftest import ADMIN_PASSWORD
from tests.faults.conftest import PROJECT_DIR, wait_for

#: the requests the restart catches in flight: an API call with a token, an anonymous API call, a page, /healthz
IN_FLIGHT = 4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    def __init__(self, port: int, server: subprocess.Popen):
        self.port = port
        self.server = server
        self.token = None

    def get(self, path: str, host: str = "guilin.localhost", *, token: bool = False, method: str = "GET",
            body: dict | None = None, authorization: str = ""):
        """(status, headers, text) of one request; a cut connection raises."""
        headers = {"Host": host}
        if token:
            headers["Authorization"] = f"Token {self.token}"
        elif authorization:
            headers["Authorization"] = authorization
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, headers=headers,
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def workers(self) -> set[int]:
        return {child.pid for child in psutil.Process(self.server.pid).children()}


@pytest.fixture(scope="module")
def site(private_server):
    port = _free_port()
    log_path = private_server.root / "gunicorn.log"
    log = open(log_path, "w")
    server = subprocess.Popen(
        # make run's command line with four workers (WEB_WORKERS=4): one thread each, so four
        # requests can be in flight at once
        gunicorn_command(f"127.0.0.1:{port}", workers=str(IN_FLIGHT), access_log=False),
        cwd=PROJECT_DIR, env=private_server.environment(), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        wait_until_healthy(port, server, log_path)
        yield Site(port, server)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        print("[gunicorn log]\n" + log_path.read_text()[-6000:])  # shown when a test failed


def _all_at_once(calls) -> list:
    """Run the calls in threads at the same time; their results (or the exception each raised)."""
    results = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as exc:  # a cut connection is a result here, asserted on below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    return threads, results


def _is_chinese_503_json(answer) -> bool:
    status, headers, text = answer
    return (status == 503 and headers["Content-Type"].startswith("application/json")
            and "数据库暂时不可用" in json.loads(text)["detail"] and headers["Retry-After"])


def test_a_database_restart_fails_only_the_requests_it_catches(private_server, site):
    status, _, text = site.get("/api/v1/auth/token/", method="POST", body={"username": "admin",
                                                                            "password": ADMIN_PASSWORD})
    assert status == 200, text
    site.token = json.loads(text)["token"]
    # Every worker opens its persistent connection (CONN_MAX_AGE) now; the restart
    # will break the ones left idle.
    threads, answers = _all_at_once([lambda: site.get("/api/v1/me/", token=True)] * 16)
    for thread in threads:
        thread.join()
    assert [answer[0] for answer in answers] == [200] * 16
    workers = site.workers()
    assert len(workers) == IN_FLIGHT

    # Requests in flight: the host lookup every request starts with waits on a lock the test holds,
    # so they are certainly inside the database when the server stops.
    holder = private_server.connect()
    holder.autocommit = False
    with holder.cursor() as cursor:
        cursor.execute("LOCK TABLE public.tenants_domain IN ACCESS EXCLUSIVE MODE")
    # The stranger's request carries a token nobody was given: after its host lookup it still needs
    # the database (the token's lookup). Without one, a host lookup granted in the instant the
    # holder's backend exits (before its own backend is told to stop) answered 401 from memory.
    in_flight = [lambda: site.get("/api/v1/me/", token=True),
                 lambda: site.get("/api/v1/school/", authorization="Token 0000000000000000000000000000000000000000"),
                 lambda: site.get("/login/"), lambda: site.get("/healthz", host="localhost")]
    threads, answers = _all_at_once(in_flight)
    watcher = private_server.connect()
    with watcher.cursor() as cursor:
        def waiting() -> bool:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                               " AND backend_type = 'client backend'")
            return cursor.fetchone()[0] == len(in_flight)
        wait_for(waiting, "四个请求都在等数据库")
    watcher.close()
    private_server.stop()
    for thread in threads:
        thread.join(timeout=30)
    holder.close()

    errors = [answer for answer in answers if isinstance(answer, Exception)]
    assert not errors, f"连接被切断：{errors}"
    me, school, login, health = answers
    assert _is_chinese_503_json(me), me
    assert _is_chinese_503_json(school), school
    assert login[0] == 503 and login[1]["Content-Type"].startswith("text/html"), login[:2]
    assert "数据库暂时不可用" in login[2] and 'lang="zh-CN"' in login[2] and login[1]["Retry-After"]
    assert health[0] == 503 and json.loads(health[2])["database"].startswith("error"), health

    # While the server is down: /healthz names the database, every request a Chinese 503.
    status, _, text = site.get("/healthz", host="localhost")
    assert status == 503
    body = json.loads(text)
    assert body["status"] == "error" and body["database"].startswith("error") and "数据库" in body["detail"]
    assert body["broker"] == "ok"  # the same body as the health view's: a monitor reads every key
    assert _is_chinese_503_json(site.get("/api/v1/me/", token=True))
    status, headers, text = site.get("/")
    assert status == 503 and "数据库暂时不可用" in text

    # Back: the very next requests succeed, on the same gunicorn processes.
    private_server.start()
    threads, answers = _all_at_once([lambda: site.get("/api/v1/me/", token=True)] * 16
                                    + [lambda: site.get("/healthz", host="localhost")] * 4
                                    + [lambda: site.get("/login/")] * 4)
    for thread in threads:
        thread.join()
    assert [answer if isinstance(answer, Exception) else answer[0] for answer in answers] == [200] * 24
    assert json.loads(answers[0][2])["username"] == "admin"
    assert json.loads(answers[16][2]) == {"status": "ok", "database": "ok", "broker": "ok"}
    assert site.workers() == workers
    # The outage was logged one line per request, without tracebacks (a failed query's message may
    # quote personal data) and without Django's ERROR "Service Unavailable" records.
    log = (private_server.root / "gunicorn.log").read_text()
    assert "database unavailable (" in log
    assert "Traceback" not in log and "Service Unavailable" not in log
