"""`make run`: database, migrations, demo data, web server, Celery worker and beat, one command.

Ctrl-C stops every process and the embedded database; the next start reuses .data/.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from config import embedded_db

PROJECT_DIR = embedded_db.PROJECT_DIR
PYTHON = sys.executable
BIN = Path(PYTHON).parent


class Stopped(Exception):
    """Ctrl-C (or SIGTERM) came while a setup step ran: stop instead of starting the next one."""


# Set by the signal handlers of main(): the launcher has been asked to stop (when), and by which signal.
_stop_requested: list[float] = []
_stop_signal: list[int] = []
# A stop by SIGTERM (`kill <pid>`) reaches the launcher alone: a setup step still running this long
# after it is sent a SIGINT. A terminal's Ctrl-C already reached the whole foreground group, the
# step included: a second SIGINT could break into its own KeyboardInterrupt handling (a traceback
# instead of its Chinese message), so none is sent.
STEP_SIGNAL_GRACE = 3.0


def manage(*args: str) -> None:
    """One setup step (migrate, seed_demo…), in the launcher's process group: a terminal's Ctrl-C
    reaches it directly, and it stops the way its own code handles KeyboardInterrupt — every school
    it provisions is one transaction, whole or absent. Raises Stopped after a stop request."""
    if _stop_requested:
        raise Stopped()
    child = subprocess.Popen([PYTHON, "manage.py", *args], cwd=PROJECT_DIR)
    forwarded = False
    while True:
        try:
            returncode = child.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            waited = time.monotonic() - _stop_requested[0] if _stop_requested else 0
            if waited > STEP_SIGNAL_GRACE and not forwarded:
                if _stop_signal[:1] != [signal.SIGINT]:
                    child.send_signal(signal.SIGINT)
                forwarded = True
            elif waited > STEP_SIGNAL_GRACE + 30:
                # Killing is safe for the data: the server rolls back what the step had not committed.
                child.kill()
    if _stop_requested:
        raise Stopped()
    if returncode:
        raise subprocess.CalledProcessError(returncode, child.args)


def web_threads() -> str:
    return os.environ.get("WEB_THREADS", "1")


def gunicorn_command(bind: str, *, workers: str | None = None, access_log: bool = True, extra=()) -> list[str]:
    """`make run`'s web server command line; the benchmarks and the browser tests start the same one.

    One thread per worker (WEB_THREADS raises it), so gunicorn's sync worker: with the database on
    the same two cores, 2 sync workers answered lists and pages at 1.43× the requests per second of
    2 workers × 4 threads (gthread), with half the p95 — threads of one process take turns on the
    interpreter lock; gthread with one thread did 1.31× with a p95 1.4× the sync worker's (it keeps
    each keep-alive client on one worker; the sync worker takes each request where a worker is
    free). The sync worker ends a request running past --timeout (60 s, as deploy/gunicorn.conf.py)
    (bench/RESULTS.md, "Issue #14 — stop 25")."""
    return [str(BIN / "gunicorn"), "config.wsgi", "--bind", bind,
            "--workers", workers or os.environ.get("WEB_WORKERS", "2"), "--threads", web_threads(), "--timeout", "60",
            *(("--access-logfile", "-") if access_log else ()), "--no-control-socket", *extra]


def wait_until_healthy(port: int, server: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    """Until the server answers /healthz on the loopback address; raises with the log's tail if it
    exits or is not ready within `timeout` seconds."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited:\n" + log_path.read_text()[-3000:])
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"})
            with urllib.request.urlopen(request, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn not ready in {timeout:.0f} s:\n" + log_path.read_text()[-3000:])


def _wait_for_port(host: str, port: int, children, timeout: float = 60) -> None:
    """The URL table is printed only once the web server accepts connections."""
    import socket

    deadline = time.monotonic() + timeout
    while (time.monotonic() < deadline and not _stop_requested
           and all(child.poll() is None for child in children)):
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    base_domain = os.environ.setdefault("BASE_DOMAIN", "localhost")
    embedded_dir = None
    _stop_requested.clear()
    _stop_signal.clear()

    def request_stop(signum, _frame):
        if not _stop_requested:
            _stop_signal.append(signum)
            _stop_requested.append(time.monotonic())

    # From the start: a Ctrl-C while the database starts must still stop it (in shutdown()).
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    if not os.environ.get("DATABASE_URL"):
        embedded_dir = embedded_db.DATA_DIR / "pg"
        print(f"启动内置 PostgreSQL（数据目录 {embedded_dir}）…", flush=True)
        try:
            os.environ["DATABASE_URL"] = embedded_db.start(embedded_dir, stop_on_exit=False)
        except embedded_db.OldDataFolder as exc:
            print(exc, file=sys.stderr, flush=True)
            return 1

    if not os.environ.get("CELERY_BROKER_URL"):
        for folder in ("queue", "processed"):
            (embedded_db.DATA_DIR / "broker" / folder).mkdir(parents=True, exist_ok=True)

    children: list[subprocess.Popen] = []

    def shutdown(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded_dir is not None:
            embedded_db.stop(embedded_dir)
            print("已停止所有进程和内置数据库。", flush=True)

    # The servers (gunicorn, worker, beat) run in their own sessions: Ctrl-C reaches only this
    # process, which then stops them in order and the database last. The setup steps before them
    # (manage()) get a terminal's Ctrl-C themselves.
    try:
        if _stop_requested:
            raise Stopped()
        manage("migrate", "-v", "1")
        if os.environ.get("SEED_DEMO", "1") != "0":
            manage("seed_demo")
        # The dashboard's figures are rolled up nightly by beat (02:00); on a first start, or after
        # a night the machine was off, do it now rather than show zeros until then.
        try:
            manage("rollup_stats", "--if-due")
        except subprocess.CalledProcessError:
            if _stop_requested:
                raise Stopped()
            # figures are not worth refusing to start over: the nightly job or 立即重新统计 retries
            print("各校统计未能完成，网站照常启动；可稍后在“数据看板”点“立即重新统计”。"
                  " / The statistics roll-up failed; the site starts anyway.", file=sys.stderr, flush=True)
        manage("collectstatic", "--noinput", "-v", "0")
        if _stop_requested:
            raise Stopped()
        children.append(subprocess.Popen(
            gunicorn_command(f"{host}:{port}"), cwd=PROJECT_DIR, start_new_session=True))
        children.append(subprocess.Popen(
            [str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO",
             "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2")], cwd=PROJECT_DIR,
            start_new_session=True))
        children.append(subprocess.Popen(
            [str(BIN / "celery"), "-A", "config", "beat", "--loglevel", "INFO"], cwd=PROJECT_DIR,
            start_new_session=True))
        _wait_for_port("127.0.0.1" if host in ("0.0.0.0", "") else host, int(port), children)
        password = os.environ.get("DEMO_PASSWORD", "eduunion-demo")
        print(f"""
教育工会云已启动（Ctrl-C 停止）：
  省级站点      http://{base_domain}:{port}/          接口文档 http://{base_domain}:{port}/api/docs/
  桂林学院      http://guilin.{base_domain}:{port}/
  湖州师范学院  http://huzhou.{base_domain}:{port}/
  湖南信息学院  http://hnit.{base_domain}:{port}/
  山西大同大学  http://sxdtu.{base_domain}:{port}/
  运行状态      http://{base_domain}:{port}/healthz
  演示账号（密码都是 {password}）：
    每个站点：admin（该站点管理员）
    省级站点：reviewer（评审员）、judge1（桂林学院评委）、judge2（湖州师范学院评委）、judge3（省级评委）
    每所学校：chair1、chair2（分工会主席）、jiaowu（教务处经办人）、member1…member12（会员，六届四次教代会代表）
""", flush=True)
        while not _stop_requested and all(child.poll() is None for child in children):
            time.sleep(0.3)
        if _stop_requested:
            print("\n正在停止…", flush=True)
            return 0
        print("有进程意外退出，正在停止其余进程。", file=sys.stderr, flush=True)
        return 1
    except Stopped:
        print("\n已中断启动，正在停止…", flush=True)
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"启动失败：{' '.join(exc.cmd)} 退出码 {exc.returncode}", file=sys.stderr, flush=True)
        return 1
    finally:
        shutdown()


if __name__ == "__main__":
    sys.exit(main())
