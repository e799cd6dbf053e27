"""The browser harness: the real stack, once per run of this folder, driven by Debian's Chromium.

- A database of its own (`eduunion_browser` on the test server, dropped afterwards): a copy of the
  freshly migrated test database, `manage.py migrate` on it, `manage.py seed_demo` — the demo schools and logins of the README — then gunicorn on a
  free loopback port with `make run`'s local settings
  (DEBUG off; tests/browser/settings.py only makes password hashing cheap).
  Chromium resolves `<slug>.localhost` to 127.0.0.1 by itself, so `site("guilin")` is
  `http://guilin.localhost:<port>`.
- One Chromium for the folder; every test gets fresh contexts (`desktop` 1280×800, `phone`
  390×844), so sessions never leak between tests. A failing test leaves a screenshot of each of
  its pages in .data/browser-artefacts/.
- Without /usr/bin/chromium or the playwright package the tests are skipped and the run says so
  in its summary; with CI=true that is a failure (.ci/run installs Chromium first).

Fixtures are package-scoped, not session-scoped: Playwright's sync API keeps an event loop that
would make Django refuse ORM calls in the tests that run after this folder.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pytest

from config.launcher import gunicorn_command, wait_until_healthy

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTEFACTS = Path(os.environ.get("BROWSER_ARTEFACTS", PROJECT_DIR / ".data" / "browser-artefacts"))
DEMO_PASSWORD = "eduunion-demo"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# one per pytest-xdist worker, should the browser group ever be split
DATABASE = "eduunion_browser" + os.environ.get("PYTEST_XDIST_WORKER", "")


def missing_prerequisite() -> str:
    if not Path(CHROMIUM).exists():
        return f"没有找到 Chromium（{CHROMIUM}）：apt-get install chromium fonts-noto-cjk"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "没有安装 playwright（requirements.txt）"
    return ""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


_skipped = []


def pytest_collection_modifyitems(config, items):
    reason = missing_prerequisite()
    if not reason:
        return
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(str(item.fspath)).parents]
    if not ours:
        return
    if in_ci():
        raise pytest.UsageError(f"CI 必须运行浏览器测试：{reason}")
    _skipped.append((len(ours), reason))
    warnings.warn(f"浏览器测试已跳过（{len(ours)} 个）：{reason}")
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=f"浏览器测试已跳过：{reason}"))


def pytest_terminal_summary(terminalreporter):
    for count, reason in _skipped:
        terminalreporter.write_sep("!", f"BROWSER TESTS SKIPPED ({count}): {reason}", red=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(name: str) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = db.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        return f"postgresql://{auth}@/{name}?host={host}&port={db.get('PORT') or 5432}"
    return f"postgresql://{auth}@{host}:{db.get('PORT') or 5432}/{name}"


def _admin_sql(statement: str) -> None:
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(dbname="postgres", user=db["USER"], password=db.get("PASSWORD") or None,
                            host=db.get("HOST") or None, port=db.get("PORT") or None)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def _run(args, env, what):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{what} 失败：\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


# Set by copy_migrated_database(): the harness's database is already a migrated copy.
_copied = []


def copy_migrated_database() -> None:
    """Called by tests/conftest.py's django_db_setup right after `migrate` made the test database,
    before the three test schools are provisioned: the harness's database becomes a copy of it
    (CREATE DATABASE … TEMPLATE, about a second) instead of being migrated again (half a minute on
    two cores). `migrate` still runs on the copy in `stack`, with the harness's settings, so the
    database the site serves is the one a fresh `manage.py migrate` leaves (it adds the cache table
    `make run`'s settings keep sessions' throttles in; the rest is already at head). If the copy
    cannot be made (another session on the test database), `stack` migrates from scratch."""
    import psycopg2
    from django.db import connection

    source = connection.settings_dict["NAME"]
    if not source.startswith("test_"):  # pytest-django made no test database in this session
        return
    connection.close()  # a template database must have no sessions
    try:
        _admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        _admin_sql(f'CREATE DATABASE "{DATABASE}" TEMPLATE "{source}"')
    except psycopg2.Error as error:
        warnings.warn(f"浏览器测试数据库未能从测试数据库复制，将重新迁移：{error}")
        return
    _copied.append(DATABASE)


def wanted(items) -> bool:
    """Whether this session runs browser tests (and can: Chromium and playwright are there)."""
    here = Path(__file__).parent
    return not missing_prerequisite() and any(here in Path(str(item.fspath)).parents for item in items)


@pytest.fixture(scope="package")
def stack(request):
    """The running site: its base port and a `site(slug)` helper."""
    started = time.monotonic()
    if any(item.get_closest_marker("django_db") for item in request.session.items):
        # The session's other tests need the test database anyway (under xdist: this worker's
        # next ones): made first, it is copied for the harness while fresh (copy_migrated_database).
        # A run of browser tests alone makes no test database: the harness migrates its own.
        request.getfixturevalue("django_db_setup")
    if not _copied:
        _admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        _admin_sql(f'CREATE DATABASE "{DATABASE}"')
    _copied.clear()  # a later session's stack (none in one run) would start afresh
    scratch = Path(tempfile.mkdtemp(prefix="eduunion-browser-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.browser.settings", "DATABASE_URL": _database_url(DATABASE),
           "DJANGO_DEBUG": "0", "BASE_DOMAIN": "localhost", "CELERY_BROKER_URL": "memory://",
           "EDUUNION_DATA_DIR": str(scratch), "MEDIA_ROOT": str(scratch / "media"),
           "ARCHIVE_DIR": str(scratch / "archives"), "DEMO_PASSWORD": DEMO_PASSWORD, "SCHOOL_MIGRATE_PROCESSES": "1"}
    env.pop("ALLOWED_HOSTS", None)
    _run(["migrate", "-v", "0"], env, "migrate")
    migrated = time.monotonic()
    _run(["seed_demo"], env, "seed_demo")
    print(f"\n[browser stack] migrate {migrated - started:.1f}s, seed_demo {time.monotonic() - migrated:.1f}s")
    port = _free_port()
    log = open(scratch / "gunicorn.log", "w")
    server = subprocess.Popen(
        gunicorn_command(f"127.0.0.1:{port}", workers="2", access_log=False, extra=("--timeout", "60")),
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_healthy(port, server, scratch / "gunicorn.log")
        yield Stack(port)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        _admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        shutil.rmtree(scratch, ignore_errors=True)


class Stack:
    def __init__(self, port: int):
        self.port = port

    def site(self, slug: str = "") -> str:
        host = f"{slug}.localhost" if slug else "localhost"
        return f"http://{host}:{self.port}"


@pytest.fixture(scope="package")
def chromium(stack):  # after the stack: its database work cannot run inside Playwright's event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _context_fixture(viewport, **extra):
    @pytest.fixture
    def make(request, chromium, stack):
        pages = []

        def new_page():
            context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **extra)
            context.set_default_timeout(10_000)
            page = context.new_page()
            pages.append(page)
            return page

        page = new_page()
        page.new_page = new_page  # a second, separate session (another person) in the same test
        yield page
        if getattr(request.node, "browser_failed", False):
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::")[-1])
            for number, shot in enumerate(pages):
                try:
                    shot.screenshot(path=str(ARTEFACTS / f"{name}-{number}.png"), full_page=True)
                except Exception:  # a crashed page must not hide the test's own failure
                    pass
        for shot in pages:
            shot.context.close()

    return make


desktop = _context_fixture(DESKTOP)
phone = _context_fixture(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


def login(page, stack, slug: str, username: str, password: str = DEMO_PASSWORD):
    """Sign in through the login form, as a person would; lands on the workbench."""
    page.goto(stack.site(slug) + "/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("domcontentloaded")
    return page
