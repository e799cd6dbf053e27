"""`python bench/soak.py`: a soak run — mixed traffic for many minutes against `make run`'s whole stack.

Starts what `make run` starts — the embedded PostgreSQL with the demo data (migrate, seed_demo,
rollup_stats --if-due), gunicorn with make run's arguments, the Celery worker and beat with make
run's arguments — on its own data folder (.data/pg-bench-soak), database, port, media, static,
broker and beat-schedule files, so a developer's `make run` is never touched. The demo is seeded on
the first run and reused afterwards (`--fresh` starts over); every run's writes carry the run's own
marker, so earlier runs' rows never count.

Then, for --minutes, --users client threads (loopback only, a pause between requests: this is not a
throughput test) act as the demo's people of several schools and the province: reads (lists,
details, pages), writes (members, suggestions, proposals, ledger entries, activities and
registrations, plus writes that must be refused), workflow steps (seconding, 初审/立案, 受理/答复,
ledger approval) and exports (.xlsx). Afterwards it checks, and exits non-zero unless all hold:

- no answer 5xx and no connection error;
- every write the client saw succeed exists exactly once (counted in the database by the marker the
  client put in it), its last workflow step is the state the database holds, and no write the
  client saw refused exists;
- the memory of every process (gunicorn master and workers, Celery worker and its pool, beat, the
  PostgreSQL postmaster, its auxiliary processes and backends), sampled every --sample-seconds, is
  flat after the warm-up: growth from the first samples after warm-up to the last ones ≤
  max(--flat-mib MiB, --flat-percent %) of private memory (RssAnon: what a leak grows; RSS also
  counts file-backed and shared pages, which the kernel drops under memory pressure and a
  PostgreSQL backend adds as it touches shared buffers — neither is a leak; RSS is printed too);
- the task outbox (tenants.outbox) has completed every message written during the run, and the
  broker queue is empty (the relay and the worker caught up).

    python bench/soak.py --minutes 2                       # a quick run
    python bench/soak.py --minutes 30 --markdown /tmp/soak.md
"""
from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.common import prepare_data  # noqa: E402
from config.launcher import BIN, gunicorn_command, wait_until_healthy, web_threads  # noqa: E402

DATABASE = "eduunion_bench_soak"
SCHOOLS = ("guilin", "huzhou", "hnit", "sxdtu")
PROVINCE = "localhost"
MEMBERS = [f"member{n}" for n in range(1, 13)]  # the demo's delegates of 六届四次 in every school
MiB = 1024 * 1024


# ---- the stack ---------------------------------------------------------------------------------

def environment(port: int, fresh: bool) -> tuple[dict[str, str], Path, Path]:
    from config import embedded_db

    env = dict(os.environ)
    pgdata = embedded_db.DATA_DIR / "pg-bench-soak"
    server = embedded_db.start(pgdata, database="postgres", stop_on_exit=False)
    if fresh:
        subprocess.run([str(embedded_db.pg_bin_dir() / "psql"), "-q", server, "-c",
                        f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE);"], check=True)
    url = embedded_db.start(pgdata, database=DATABASE, stop_on_exit=False)
    own = embedded_db.DATA_DIR / "bench-soak"
    for folder in ("media", "static", "broker/queue", "broker/processed"):
        (own / folder).mkdir(parents=True, exist_ok=True)
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="0",
               BASE_DOMAIN="localhost", MEDIA_ROOT=str(own / "media"), STATIC_ROOT=str(own / "static"),
               BROKER_DIR=str(own / "broker"), PORT=str(port))
    return env, own, pgdata


@dataclass
class Stack:
    gunicorn: subprocess.Popen
    worker: subprocess.Popen
    beat: subprocess.Popen
    logs: dict[str, Path]

    def all(self):
        return [self.gunicorn, self.worker, self.beat]


def start_stack(env: dict, own: Path, port: int) -> Stack:
    """make run's three command lines (config/launcher.py); each one's output goes to a log file,
    and beat keeps its schedule in this run's folder instead of .data/celerybeat-schedule."""
    logs = {name: own / f"{name}.log" for name in ("gunicorn", "worker", "beat")}

    def spawn(command, name):
        handle = logs[name].open("w")
        return subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)

    gunicorn = spawn(gunicorn_command(f"127.0.0.1:{port}"), "gunicorn")
    worker = spawn([str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO",
                    "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2")], "worker")
    beat = spawn([str(BIN / "celery"), "-A", "config", "beat", "--loglevel", "INFO",
                  "--schedule", str(own / "celerybeat-schedule")], "beat")
    stack = Stack(gunicorn, worker, beat, logs)
    try:
        wait_until_healthy(port, gunicorn, logs["gunicorn"])
        deadline = time.monotonic() + 60
        while "ready." not in logs["worker"].read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("celery worker not ready:\n" + logs["worker"].read_text()[-3000:])
            time.sleep(0.3)
    except RuntimeError as exc:
        stop_stack(stack)
        raise SystemExit(str(exc))
    return stack


def stop_stack(stack: Stack) -> None:
    # as make run stops them: SIGTERM to each main process, which stops its own workers/pool
    for process in stack.all():
        if process.poll() is None:
            process.terminate()
    for process in stack.all():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# ---- memory ------------------------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    found = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        found[ppid].append(int(entry))
    return found


def _memory(pid: int) -> tuple[int, int] | None:
    """(VmRSS, RssAnon) in bytes, or None if the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = dict(re.findall(r"^(VmRSS|RssAnon):\s+(\d+) kB", text, re.M))
    return int(values.get("VmRSS", 0)) * 1024, int(values.get("RssAnon", 0)) * 1024


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def processes(stack: Stack, pgdata: Path) -> dict[str, list[int]]:
    """Role → pids: every process of the stack, found afresh each time (workers may be replaced,
    PostgreSQL backends come and go with connections)."""
    children = _children()
    roles: dict[str, list[int]] = {"gunicorn master": [stack.gunicorn.pid]}
    for n, pid in enumerate(sorted(children[stack.gunicorn.pid]), 1):
        roles[f"gunicorn worker {n}"] = [pid]
    roles["celery worker (main)"] = [stack.worker.pid]
    for n, pid in enumerate(sorted(children[stack.worker.pid]), 1):
        roles[f"celery pool process {n}"] = [pid]
    roles["celery beat"] = [stack.beat.pid]
    try:
        postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return roles
    roles["postgres postmaster"] = [postmaster]
    for pid in children[postmaster]:
        title = _cmdline(pid)
        if DATABASE in title or "postgres postgres" in title:
            roles.setdefault("postgres backends (sum)", []).append(pid)
        else:
            name = title.removeprefix("postgres: ").split(" ")[0] or "?"
            roles[f"postgres {name}"] = [pid]
    return roles


@dataclass
class Sample:
    at: float  # seconds since the traffic started
    load: float
    memory: dict[str, tuple[int, int, int]]  # role → (RSS, RssAnon, processes)


def sample(stack: Stack, pgdata: Path, started: float) -> Sample:
    memory = {}
    for role, pids in processes(stack, pgdata).items():
        values = [m for m in (_memory(pid) for pid in pids) if m]
        if values:
            memory[role] = (sum(v[0] for v in values), sum(v[1] for v in values), len(values))
    return Sample(time.monotonic() - started, os.getloadavg()[0], memory)


def judged_metric(role: str) -> int:
    """Index into (RSS, RssAnon): every process is judged on its private memory (see the docstring)."""
    return 1


def memory_verdicts(samples: list[Sample], warmup: float, flat_mib: float, flat_percent: float):
    """Per role: (private memory just after warm-up, at the end, growth, slope MiB/h, flat?, RSS just
    after warm-up, RSS at the end).

    After warm-up = the median of the first three samples taken at or after `warmup` seconds;
    the end = the median of the last three samples. Flat: growth ≤ max(flat_mib, flat_percent % of
    the after-warm-up value). Backends are a sum over however many connections are open, so they
    are reported but judged per backend (sum / count)."""
    after = [s for s in samples if s.at >= warmup] or samples[-3:]
    rows = []
    roles = sorted({role for s in samples for role in s.memory}, key=_role_order)
    for role in roles:
        metric = judged_metric(role)

        def value(s, role=role, metric=metric):
            rss_anon = s.memory.get(role)
            if rss_anon is None:
                return None
            v = rss_anon[metric]
            return v / rss_anon[2] if role.endswith("(sum)") else v

        series = [(s.at, value(s)) for s in after if value(s) is not None]
        if len(series) < 2:
            rows.append((role, None, None, None, None, None, None, None))
            continue
        start = statistics.median(v for _, v in series[:3])
        end = statistics.median(v for _, v in series[-3:])
        growth = end - start
        xs, ys = [t for t, _ in series], [v for _, v in series]
        mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
        denominator = sum((x - mean_x) ** 2 for x in xs)
        slope = (sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / denominator if denominator else 0.0)
        limit = max(flat_mib * MiB, start * flat_percent / 100)
        rss = [s.memory[role][0] / s.memory[role][2] if role.endswith("(sum)") else s.memory[role][0]
               for s in after if role in s.memory]
        rows.append((role, start, end, growth, slope * 3600 / MiB, growth <= limit,
                     statistics.median(rss[:3]), statistics.median(rss[-3:])))
    return rows


def _role_order(role: str):
    order = ["gunicorn", "celery worker", "celery pool", "celery beat", "postgres postmaster", "postgres backends"]
    return next((i for i, prefix in enumerate(order) if role.startswith(prefix)), len(order)), role


# ---- the client --------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict

    def json(self):
        return json.loads(self.body.decode())


class ConnectionFailed(Exception):
    pass


@dataclass
class Write:
    """One write the client attempted: what, where, under which marker, and what it saw."""
    kind: str  # member | suggestion | proposal | ledger | activity | registration
    school: str
    marker: str
    outcome: str  # "ok" | "refused" | "unknown" (no answer)
    status: str = ""  # the last workflow state the client saw succeed
    expect_refused: bool = False


@dataclass
class Recorder:
    port: int
    pause: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    connection_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # 4xx that the scenario did not expect
    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0

    def request(self, kind: str, method: str, host: str, path: str, *, token: str | None = None,
                cookie: str | None = None, body=None, form: dict | None = None, expect=(200, 201),
                pause: bool = True) -> Answer:
        """One request on a fresh loopback connection (no keep-alive race counted as an error)."""
        headers = {"Host": host}
        data = None
        if token:
            headers["Authorization"] = f"Token {token}"
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.read(), dict(response.getheaders()))
        except (OSError, http.client.HTTPException) as exc:
            with self.lock:
                self.requests += 1
                self.connection_errors.append(f"{method} {host}{path}: {exc!r}")
            raise ConnectionFailed(str(exc)) from exc
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        with self.lock:
            self.requests += 1
            self.latencies[kind].append(elapsed)
            self.statuses[answer.status] += 1
            if answer.status >= 500:
                self.server_errors.append(f"{method} {host}{path} → {answer.status}: "
                                          f"{answer.body[:300].decode(errors='replace')}")
            elif answer.status not in expect:
                self.unexpected.append(f"{method} {host}{path} → {answer.status}: "
                                       f"{answer.body[:300].decode(errors='replace')}")
        if pause:
            time.sleep(random.uniform(0.5, 1.5) * self.pause)
        return answer

    def write(self, write: Write) -> Write:
        with self.lock:
            self.writes.append(write)
        return write


def token(recorder: Recorder, host: str, username: str, password: str) -> str:
    answer = recorder.request("login (token)", "POST", host, "/api/v1/auth/token/",
                              body={"username": username, "password": password}, pause=False)
    if answer.status != 200:
        raise SystemExit(f"{username}@{host}: token refused ({answer.status}) {answer.body[:200]!r}")
    return answer.json()["token"]


def session_cookie(recorder: Recorder, host: str, username: str, password: str) -> str:
    """Sign in through the login form, as a browser does; returns `sessionid=…; csrftoken=…`."""
    page = recorder.request("login (page)", "GET", host, "/login/", pause=False)
    csrf = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", "")).group(1)
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body.decode()).group(1)
    connection = http.client.HTTPConnection("127.0.0.1", recorder.port, timeout=60)
    connection.request("POST", "/login/", body=urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": form_token}),
        headers={"Host": host, "Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded",
                 "Referer": f"http://{host}/login/"})
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    connection.close()
    if response.status != 302 or not session:
        raise SystemExit(f"signing in as {username} on {host} failed ({response.status})")
    return f"sessionid={session.group(1)}"


def listed(answer: Answer) -> list[dict]:
    data = answer.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


@dataclass
class School:
    slug: str
    host: str
    tokens: dict[str, str]
    cookie: str
    congress: int
    branches: list[int]
    # work waiting for its next step, each item owned by one thread at a time (taken under the lock)
    submitted: list = field(default_factory=list)  # proposals waiting for seconds: (id, write, author, seconders)
    seconded: list = field(default_factory=list)  # proposals waiting for 初审/立案
    suggestions: list = field(default_factory=list)  # (id, write) waiting for 受理/答复
    ledger: list = field(default_factory=list)  # (id, write) waiting for approval
    activities: list = field(default_factory=list)  # (id, marker, set of usernames registered)
    ids: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # for detail reads


class Scenario:
    """The people's actions. Each returns after its requests; the recorder pauses between them."""

    def __init__(self, recorder: Recorder, schools: list[School], province: dict, run_id: str):
        self.r = recorder
        self.schools = schools
        self.province = province
        self.run_id = run_id
        self.seq = 0
        self.lock = threading.Lock()
        self.today = datetime.date.today().isoformat()

    def marker(self) -> str:
        with self.lock:
            self.seq += 1
            return f"soak{self.run_id}x{self.seq:06d}"

    def take(self, items: list):
        with self.lock:
            if items:
                return items.pop(random.randrange(len(items)))
        return None

    def give(self, items: list, item) -> None:
        with self.lock:
            items.append(item)

    # -- reads
    SCHOOL_LISTS = ["members", "proposals", "suggestions", "notifications", "notices", "activities", "ledger",
                    "audit", "membership-applications", "care/visits", "workplan/tasks", "congresses",
                    "activities/registrations", "honours/nominations", "subsidies/applications"]
    MEMBER_LISTS = ["proposals", "suggestions", "notifications", "notices", "activities"]
    PROVINCE_LISTS = ["schools", "audit", "circulars", "summary", "honours/nominations", "subsidies/applications"]
    SCHOOL_PAGES = ["/", "/members/", "/proposals/", "/notices/"]
    PROVINCE_PAGES = ["/", "/dashboard/", "/schools/"]

    def read_list(self, school: School):
        if random.random() < 0.5:
            user = random.choice(MEMBERS)
            path = random.choice(self.MEMBER_LISTS)
        else:
            user = "admin"
            path = random.choice(self.SCHOOL_LISTS)
        self.r.request("read list", "GET", school.host, f"/api/v1/{path}/?page_size=20", token=school.tokens[user])
        if random.random() < 0.3:
            self.r.request("read me", "GET", school.host, "/api/v1/me/", token=school.tokens[user])

    def read_detail(self, school: School):
        kinds = [k for k, ids in school.ids.items() if ids]
        if not kinds:
            return self.read_list(school)
        kind = random.choice(kinds)
        pk = random.choice(school.ids[kind])
        self.r.request("read detail", "GET", school.host, f"/api/v1/{kind}/{pk}/", token=school.tokens["admin"])

    def page(self, school: School):
        if random.random() < 0.25:
            self.r.request("page", "GET", PROVINCE, random.choice(self.PROVINCE_PAGES), cookie=self.province["cookie"])
        else:
            self.r.request("page", "GET", school.host, random.choice(self.SCHOOL_PAGES), cookie=school.cookie)

    def province_read(self, school: School):
        path = random.choice(self.PROVINCE_LISTS)
        self.r.request("read province", "GET", PROVINCE, f"/api/v1/{path}/?page_size=20", token=self.province["token"])

    def export(self, school: School):
        host, path, auth = random.choice([
            (school.host, "/api/v1/members/export/", {"token": school.tokens["admin"]}),
            (school.host, f"/api/v1/congresses/{school.congress}/figures/export/", {"token": school.tokens["admin"]}),
            (school.host, "/api/v1/books/budgets/export/", {"token": school.tokens["admin"]}),
            (school.host, "/members/export/", {"cookie": school.cookie}),  # the page's download
            (PROVINCE, "/api/v1/stats/export/", {"token": self.province["token"]}),
        ])
        answer = self.r.request("export (.xlsx)", "GET", host, path, **auth)
        if answer.status == 200 and not answer.body.startswith(b"PK"):
            with self.r.lock:
                self.r.unexpected.append(f"GET {host}{path}: 200 but not an .xlsx file")

    def province_rollup(self, school: School):
        """立即重新统计: one Celery task per school through the broker (the worker's share of the soak)."""
        self.r.request("workflow roll-up (queues tasks)", "POST", PROVINCE, "/api/v1/stats/refresh/",
                       token=self.province["token"], body={}, expect=(202,))

    # -- writes and their workflow steps
    def member_create(self, school: School):
        marker = self.marker()
        body = {"name": f"压测{marker[-6:]}", "gender": random.choice(["male", "female"]),
                "employee_number": marker, "branch": random.choice(school.branches), "employment_type": "staff",
                "join_date": self.today}
        write = self.r.write(Write("member", school.slug, marker, "unknown"))
        answer = self.r.request("write member", "POST", school.host, "/api/v1/members/", token=school.tokens["admin"],
                                body=body)
        write.outcome = "ok" if answer.status == 201 else "refused"
        if answer.status == 201:
            self.give(school.ids["members"], answer.json()["id"])

    def refused_writes(self, school: School):
        """Writes the server must refuse (400/409) and must not store."""
        marker = self.marker()
        if random.random() < 0.5:
            write = self.r.write(Write("member", school.slug, marker, "unknown", expect_refused=True))
            answer = self.r.request("write (refused)", "POST", school.host, "/api/v1/members/",
                                    token=school.tokens["admin"], expect=(400,),
                                    body={"name": "缺字段", "employee_number": marker, "gender": "male"})
        else:
            write = self.r.write(Write("suggestion", school.slug, marker, "unknown", expect_refused=True))
            answer = self.r.request("write (refused)", "POST", school.host, "/api/v1/suggestions/",
                                    token=school.tokens[random.choice(MEMBERS)], expect=(400,),
                                    body={"title": f"空内容 {marker}", "content": "   "})
        write.outcome = "ok" if answer.status in (200, 201) else "refused"

    def suggestion_submit(self, school: School):
        marker = self.marker()
        write = self.r.write(Write("suggestion", school.slug, marker, "unknown"))
        answer = self.r.request("write suggestion", "POST", school.host, "/api/v1/suggestions/",
                                token=school.tokens[random.choice(MEMBERS)],
                                body={"title": f"关于食堂的建议 {marker}", "content": "希望增加晚餐窗口。"})
        if answer.status == 201:
            write.outcome, write.status = "ok", answer.json()["status"]
            self.give(school.suggestions, (answer.json()["id"], write))
            self.give(school.ids["suggestions"], answer.json()["id"])
        else:
            write.outcome = "refused"

    def suggestion_step(self, school: School):
        item = self.take(school.suggestions)
        if item is None:
            return self.suggestion_submit(school)
        pk, write = item
        if write.status == "submitted":
            answer = self.r.request("workflow suggestion", "POST", school.host,
                                    f"/api/v1/suggestions/{pk}/acknowledge/", token=school.tokens["admin"])
        else:
            answer = self.r.request("workflow suggestion", "POST", school.host, f"/api/v1/suggestions/{pk}/answer/",
                                    token=school.tokens["admin"], body={"answer": "已转后勤处办理。"})
        if answer.status == 200:
            write.status = answer.json()["status"]
            if write.status == "acknowledged":
                self.give(school.suggestions, item)

    def proposal_submit(self, school: School):
        author = random.choice(MEMBERS)
        marker = self.marker()
        write = self.r.write(Write("proposal", school.slug, marker, "unknown"))
        answer = self.r.request("write proposal", "POST", school.host, "/api/v1/proposals/",
                                token=school.tokens[author], body={"congress": school.congress, "title": f"关于改善办公条件的提案 {marker}",
                                      "reasons": "办公室设备老化。", "measures": "分批更新办公设备。"})
        if answer.status != 201:
            write.outcome = "refused"
            return
        write.outcome, write.status = "ok", answer.json()["status"]
        pk = answer.json()["id"]
        self.give(school.ids["proposals"], pk)
        answer = self.r.request("workflow proposal", "POST", school.host, f"/api/v1/proposals/{pk}/submit/",
                                token=school.tokens[author])
        if answer.status == 200:
            write.status = answer.json()["status"]
            target = school.seconded if write.status == "seconded" else school.submitted
            self.give(target, (pk, write, author, set()))

    def proposal_second(self, school: School):
        item = self.take(school.submitted)
        if item is None:
            return self.proposal_submit(school)
        pk, write, author, seconders = item
        seconder = random.choice([m for m in MEMBERS if m != author and m not in seconders])
        answer = self.r.request("workflow proposal", "POST", school.host, f"/api/v1/proposals/{pk}/second/",
                                token=school.tokens[seconder])
        if answer.status == 200:
            seconders.add(seconder)
            write.status = answer.json()["status"]
        self.give(school.seconded if write.status == "seconded" else school.submitted, item)

    def proposal_review(self, school: School):
        item = self.take(school.seconded)
        if item is None:
            return self.proposal_second(school)
        pk, write = item[0], item[1]
        step = "start-review" if write.status == "seconded" else "accept"
        answer = self.r.request("workflow proposal", "POST", school.host, f"/api/v1/proposals/{pk}/{step}/",
                                token=school.tokens["admin"], body={"note": "符合立案条件。"})
        if answer.status == 200:
            write.status = answer.json()["status"]
        if write.status in ("seconded", "under_review"):
            self.give(school.seconded, item)

    def ledger_record(self, school: School):
        marker = self.marker()
        write = self.r.write(Write("ledger", school.slug, marker, "unknown"))
        answer = self.r.request("write ledger", "POST", school.host, "/api/v1/ledger/", token=school.tokens["caiwu"],
                                body={"kind": "expense", "category": "activities",
                                      "amount": f"{random.randint(1, 9999)}.{random.randint(0, 99):02d}",
                                      "occurred_on": self.today, "description": f"购买活动用品 {marker}"})
        if answer.status == 201:
            write.outcome, write.status = "ok", answer.json()["status"]
            self.give(school.ledger, (answer.json()["id"], answer.json()["version"], write))
            self.give(school.ids["ledger"], answer.json()["id"])
        else:
            write.outcome = "refused"

    def ledger_approve(self, school: School):
        item = self.take(school.ledger)
        if item is None:
            return self.ledger_record(school)
        pk, version, write = item
        answer = self.r.request("workflow ledger", "POST", school.host, f"/api/v1/ledger/{pk}/approve/",
                                token=school.tokens["zhuxi"], body={"version": version})
        if answer.status == 200:
            write.status = answer.json()["status"]
        else:
            self.give(school.ledger, item)

    def activity_create(self, school: School):
        marker = self.marker()
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        day = datetime.timedelta(days=1)
        write = self.r.write(Write("activity", school.slug, marker, "unknown"))
        answer = self.r.request("write activity", "POST", school.host, "/api/v1/activities/",
                                token=school.tokens["admin"], body={"kind": "other", "title": f"读书分享会 {marker}",
                                      "place": "图书馆", "starts_at": (now + 20 * day).isoformat(),
                                      "ends_at": (now + 20 * day + datetime.timedelta(hours=2)).isoformat(),
                                      "registration_opens_at": (now - day).isoformat(),
                                      "registration_closes_at": (now + 10 * day).isoformat(),
                                      "cancel_deadline": (now + 9 * day).isoformat(), "capacity": 100})
        if answer.status != 201:
            write.outcome = "refused"
            return
        write.outcome, write.status = "ok", answer.json()["status"]
        pk = answer.json()["id"]
        self.give(school.ids["activities"], pk)
        answer = self.r.request("workflow activity", "POST", school.host, f"/api/v1/activities/{pk}/open/",
                                token=school.tokens["admin"])
        if answer.status == 200:
            write.status = answer.json()["status"]
            self.give(school.activities, (pk, marker, set()))

    def activity_register(self, school: School):
        item = self.take(school.activities)
        if item is None:
            return self.activity_create(school)
        pk, marker, registered = item
        duplicate = bool(registered) and random.random() < 0.15
        left = [m for m in MEMBERS if m not in registered]
        if not left and not duplicate:
            return  # everyone is in: the activity is done with (not given back)
        who = random.choice(sorted(registered)) if duplicate else random.choice(left)
        write = self.r.write(Write("registration", school.slug, f"{marker}/{who}", "unknown",
                                   expect_refused=duplicate))
        answer = self.r.request("write (refused)" if duplicate else "write registration", "POST", school.host,
                                f"/api/v1/activities/{pk}/register/", token=school.tokens[who], body={},
                                expect=(409,) if duplicate else (201,))
        if answer.status == 201:
            write.outcome, write.status = "ok", answer.json().get("status", "")
            registered.add(who)
        else:
            write.outcome = "refused"
        self.give(school.activities, item)

    ACTIONS = [  # (weight, method)
        (30, "read_list"), (10, "read_detail"), (8, "page"), (4, "province_read"), (3, "export"),
        (5, "member_create"), (2, "refused_writes"), (6, "suggestion_submit"), (5, "suggestion_step"),
        (4, "proposal_submit"), (7, "proposal_second"), (4, "proposal_review"), (5, "ledger_record"),
        (4, "ledger_approve"), (1, "activity_create"), (5, "activity_register"),
        (0.3, "province_rollup"),
    ]

    def one(self):
        school = random.choice(self.schools)
        name = random.choices([a for _, a in self.ACTIONS], weights=[w for w, _ in self.ACTIONS])[0]
        getattr(self, name)(school)


def set_up_people(recorder: Recorder, password: str) -> tuple[list[School], dict]:
    schools = []
    for slug in SCHOOLS:
        host = f"{slug}.localhost"
        users = ["admin", "caiwu", "zhuxi", *MEMBERS]
        with ThreadPoolExecutor(4) as pool:  # each login hashes a password: a few at a time
            tokens = dict(zip(users, pool.map(lambda user: token(recorder, host, user, password), users)))
        congresses = listed(recorder.request("setup", "GET", host, "/api/v1/congresses/?page_size=100",
                                             token=tokens["admin"], pause=False))
        congress = next(c["id"] for c in congresses if not c.get("branch") and c.get("status") == "in_session")
        branches = [b["id"] for b in listed(recorder.request("setup", "GET", host, "/api/v1/branches/?page_size=100",
                                                             token=tokens["admin"], pause=False))]
        school = School(slug, host, tokens, session_cookie(recorder, host, "admin", password), congress, branches)
        for kind in ("members", "proposals", "suggestions"):
            school.ids[kind] = [row["id"] for row in listed(recorder.request(
                "setup", "GET", host, f"/api/v1/{kind}/?page_size=20", token=tokens["admin"], pause=False))]
        schools.append(school)
    province = {"token": token(recorder, PROVINCE, "admin", password),
                "cookie": session_cookie(recorder, PROVINCE, "admin", password)}
    return schools, province


# ---- the check afterwards ----------------------------------------------------------------------

def stored(run_id: str) -> dict[tuple[str, str, str], tuple[int, str]]:
    """(kind, school, marker) → (rows in the database, state) for every row carrying this run's marker."""
    from django_tenants.utils import schema_context

    from tenants.activities.models import Activity, Registration
    from tenants.congress.models import Proposal, Suggestion
    from tenants.finance.models import LedgerEntry
    from tenants.members.models import Member
    from tenants.models import School as SchoolRow

    pattern = re.compile(rf"soak{run_id}x\d+")
    found: dict[tuple[str, str, str], tuple[int, str]] = {}

    def add(kind, slug, marker, state):
        count, _ = found.get((kind, slug, marker), (0, ""))
        found[(kind, slug, marker)] = (count + 1, state)

    for slug in SCHOOLS:
        with schema_context(SchoolRow.objects.get(slug=slug).schema_name):
            for number in Member.objects.filter(employee_number__contains=run_id).values_list("employee_number",
                                                                                             flat=True):
                add("member", slug, number, "")
            for model, kind, text in ((Suggestion, "suggestion", "title"), (Proposal, "proposal", "title"),
                                      (LedgerEntry, "ledger", "description"), (Activity, "activity", "title")):
                for value, state in model.objects.filter(**{f"{text}__contains": run_id}).values_list(text, "status"):
                    add(kind, slug, pattern.search(value).group(0), state)
            for title, username, state in Registration.objects.filter(activity__title__contains=run_id).values_list(
                    "activity__title", "member__user__username", "status"):
                add("registration", slug, f"{pattern.search(title).group(0)}/{username}", state)
    return found


def check_writes(writes: list[Write], found: dict) -> tuple[Counter, list[str]]:
    """Counts per kind and outcome, and every discrepancy between what the client saw and the rows."""
    counts, problems = Counter(), []
    seen = set()
    for w in writes:
        key = (w.kind, w.school, w.marker)
        seen.add(key)
        rows, state = found.get(key, (0, ""))
        counts[(w.kind, w.outcome)] += 1
        if w.outcome == "ok":
            if rows != 1:
                problems.append(f"{w.kind} {w.school} {w.marker}: the client saw it succeed, the database has "
                                f"{rows} row(s)")
            elif w.status and state and state != w.status:
                problems.append(f"{w.kind} {w.school} {w.marker}: last step seen {w.status!r}, database {state!r}")
        elif w.outcome == "refused":
            if w.kind == "registration" and w.expect_refused:
                if rows != 1:  # a refused duplicate: the first registration stays, alone
                    problems.append(f"registration {w.school} {w.marker}: {rows} row(s) after a refused duplicate")
            elif rows:
                problems.append(f"{w.kind} {w.school} {w.marker}: the client saw it refused, the database has "
                                f"{rows} row(s)")
        elif rows > 1:  # no answer: it may or may not have been stored, but never twice
            problems.append(f"{w.kind} {w.school} {w.marker}: no answer seen, the database has {rows} rows")
        if w.expect_refused and w.outcome == "ok":
            problems.append(f"{w.kind} {w.school} {w.marker}: a write that must be refused succeeded")
    for key, (rows, _) in found.items():
        if key not in seen:
            problems.append(f"{key[0]} {key[1]} {key[2]}: {rows} row(s) the client never wrote")
    return counts, problems


def outbox_pending(since: float, *, wait: float) -> int | None:
    """Task-outbox messages (tenants.outbox) written since `since` and not yet completed, after
    waiting up to `wait` seconds for the relay (beat) and the worker; None without an outbox."""
    try:
        from tenants.outbox.models import OutboxMessage
    except ImportError:
        return None
    from django.db import connection

    created_after = datetime.datetime.fromtimestamp(since, datetime.timezone.utc)
    deadline = time.monotonic() + wait
    while True:
        connection.set_schema_to_public()
        left = OutboxMessage.objects.filter(created_at__gte=created_after, completed_at__isnull=True).count()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(2)


def log_problems(logs: dict[str, Path]) -> dict[str, list[str]]:
    """Tracebacks and ERROR lines in the processes' logs (the access log lines aside)."""
    found = {}
    for name, path in logs.items():
        lines = path.read_text(errors="replace").splitlines()
        bad = [line for line in lines if "Traceback" in line or " ERROR" in line or "[ERROR]" in line
               or "CRITICAL" in line]
        if name == "gunicorn":  # a worker booted again after the start: one was killed or timed out
            booted = sum("Booting worker" in line for line in lines)
            workers = int(os.environ.get("WEB_WORKERS", "2"))
            if booted > workers:
                bad.append(f"{booted - workers} worker(s) booted after the start ('Booting worker' {booted}×)")
        found[name] = bad
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))  # nearest rank
    return ordered[index]


# ---- the run -----------------------------------------------------------------------------------

def summary(args, recorder: Recorder, samples: list[Sample], counts: Counter, problems: list[str],
            logs: dict[str, list[str]], verdicts, broker_left: int, outbox_left: int | None, started: float,
            traffic_seconds: float) -> tuple[str, bool]:
    loads = [s.load for s in samples]
    server_ok = not recorder.server_errors and not recorder.connection_errors
    memory_ok = all(v[5] is not False for v in verdicts)
    writes_ok = not problems
    passed = server_ok and memory_ok and writes_ok and not outbox_left
    lines = [f"`python bench/soak.py --minutes {args.minutes:g} --users {args.users}` — "
             f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}; make run's stack (gunicorn "
             f"{os.environ.get('WEB_WORKERS', '2')} workers × {web_threads()} thread(s), Celery worker --concurrency "
             f"{os.environ.get('WORKER_CONCURRENCY', '2')}, beat, embedded PostgreSQL, filesystem broker), demo data, "
             f"schools {', '.join(SCHOOLS)} and the province; {args.users} client threads on 127.0.0.1, "
             f"~{args.pause:g} s pause between requests; {traffic_seconds / 60:.1f} min of traffic; "
             f"load average (1 min) during the run: median {statistics.median(loads) if loads else 0:.2f}, "
             f"max {max(loads) if loads else 0:.2f} on {os.cpu_count()} cores (other work shared the machine).",
             "", f"**{'PASSED' if passed else 'FAILED'}** — {recorder.requests} requests "
             f"({recorder.requests / max(traffic_seconds, 1):.1f}/s); "
             f"server errors (5xx): {len(recorder.server_errors)}; "
             f"connection errors: {len(recorder.connection_errors)}; "
             f"unexpected 4xx: {len(recorder.unexpected)}; write discrepancies: {len(problems)}; "
             f"memory flat: {'yes' if memory_ok else 'NO'}; broker messages left: {broker_left}; "
             f"task-outbox messages of the run not completed: {'—' if outbox_left is None else outbox_left}.", "",
             "Answers by status: " + ", ".join(f"{code}: {n}" for code, n in sorted(recorder.statuses.items())), "",
             "| kind | requests | p50 ms | p95 ms | p99 ms | max ms |", "|---|---|---|---|---|---|"]
    for kind, values in sorted(recorder.latencies.items()):
        lines.append(f"| {kind} | {len(values)} | {percentile(values, 50) * 1000:.0f} | "
                     f"{percentile(values, 95) * 1000:.0f} | {percentile(values, 99) * 1000:.0f} | "
                     f"{max(values) * 1000:.0f} |")
    lines += ["", "Writes (the client's view; each checked against the database by its marker afterwards):", "",
              "| kind | succeeded | refused (as expected or not) | no answer |", "|---|---|---|---|"]
    for kind in ("member", "suggestion", "proposal", "ledger", "activity", "registration"):
        lines.append(f"| {kind} | {counts[(kind, 'ok')]} | {counts[(kind, 'refused')]} | {counts[(kind, 'unknown')]} |")
    lines += ["", f"Memory after warm-up ({args.warmup_minutes:g} min) → end of private memory (RssAnon; "
              f"backends per backend); flat = growth ≤ max({args.flat_mib:g} MiB, {args.flat_percent:g} %). "
              "RSS beside it for reference (it also counts file-backed pages the kernel may drop):", "",
              "| process | private after warm-up MiB | private end MiB | growth MiB | trend MiB/h | flat "
              "| RSS after warm-up → end MiB |", "|---|---|---|---|---|---|---|"]
    for role, start, end, growth, slope, flat, rss_start, rss_end in verdicts:
        if start is None:
            lines.append(f"| {role} | — | — | — | — | too few samples | — |")
            continue
        lines.append(f"| {role} | {start / MiB:.1f} | {end / MiB:.1f} | {growth / MiB:+.1f} | {slope:+.1f} | "
                     f"{'yes' if flat else 'NO'} | {rss_start / MiB:.1f} → {rss_end / MiB:.1f} |")
    backends = [s.memory.get("postgres backends (sum)", (0, 0, 0))[2] for s in samples]
    lines += ["", f"{len(samples)} memory samples every ~{args.sample_seconds:g} s; PostgreSQL backends open: "
              f"{min(backends, default=0)}–{max(backends, default=0)}."]
    if recorder.server_errors or recorder.connection_errors or recorder.unexpected or problems:
        lines += ["", "First problems:", ""]
        for title, items in (("5xx", recorder.server_errors), ("connection", recorder.connection_errors),
                             ("unexpected 4xx", recorder.unexpected), ("writes", problems)):
            lines += [f"- {title}: `{item}`" for item in items[:10]]
    bad_logs = {name: lines_ for name, lines_ in logs.items() if lines_}
    lines += ["", "Log lines with ERROR/Traceback: " + (", ".join(f"{name} {len(v)}" for name, v in bad_logs.items())
                                                        if bad_logs else "none.")]
    for name, items in bad_logs.items():
        lines += [f"- {name}: `{item[:300]}`" for item in items[:5]]
    return "\n".join(lines) + "\n", passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30, help="minutes of traffic (default 30)")
    parser.add_argument("--users", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--pause", type=float, default=0.5,
                        help="mean seconds between one thread's requests (default 0.5; each pause 0.5–1.5×)")
    parser.add_argument("--warmup-minutes", type=float, default=None,
                        help="memory is judged from here on (default 5, or a third of a shorter run)")
    parser.add_argument("--sample-seconds", type=float, default=30, help="memory sampling period (default 30)")
    parser.add_argument("--flat-mib", type=float, default=10, help="growth always allowed, MiB (default 10)")
    parser.add_argument("--flat-percent", type=float, default=5, help="growth allowed, %% of the value (default 5)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SOAK_PORT", "8766")))
    parser.add_argument("--fresh", action="store_true", help="drop the soak database and seed the demo again")
    parser.add_argument("--keep-database", action="store_true", help="leave the embedded PostgreSQL running")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the summary as Markdown to FILE")
    args = parser.parse_args()
    if args.warmup_minutes is None:
        args.warmup_minutes = min(5.0, args.minutes / 3)
    random.seed(args.seed)

    started = time.time()
    env, own, pgdata = environment(args.port, args.fresh)
    print("Preparing the soak database (the demo is seeded once, then reused):", flush=True)
    prepare_data(env)
    os.environ.update(env)
    import django

    django.setup()
    from tenants.demo import demo_password

    for stale in (own / "broker" / "queue").iterdir():  # a previous run's leftovers are not this run's
        stale.unlink()
    stack = start_stack(env, own, args.port)
    recorder = Recorder(args.port, args.pause)
    samples: list[Sample] = []
    stop = threading.Event()
    run_id = secrets.token_hex(3)
    try:
        schools, province = set_up_people(recorder, demo_password())
        recorder.latencies.clear()  # the set-up's logins are not the traffic's
        recorder.statuses.clear()
        recorder.requests = 0
        scenario = Scenario(recorder, schools, province, run_id)
        traffic_started, traffic_wall_start = time.monotonic(), time.time()
        deadline = traffic_started + args.minutes * 60

        def client():
            while time.monotonic() < deadline and not stop.is_set():
                try:
                    scenario.one()
                except ConnectionFailed:
                    time.sleep(1)
                except Exception:  # a bug of this script: recorded, the thread goes on
                    recorder.unexpected.append("client: " + traceback.format_exc(limit=3).replace("\n", " | "))
                    time.sleep(1)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(args.users)]
        for thread in threads:
            thread.start()
        print(f"Traffic for {args.minutes:g} min from {args.users} threads (run marker soak{run_id}) …", flush=True)
        next_sample = time.monotonic()
        while any(thread.is_alive() for thread in threads):
            if time.monotonic() >= next_sample:
                samples.append(sample(stack, pgdata, traffic_started))
                next_sample += args.sample_seconds
                s = samples[-1]
                print(f"  {s.at / 60:5.1f} min: {recorder.requests} requests, 5xx {len(recorder.server_errors)}, "
                      f"connection errors {len(recorder.connection_errors)}, load {s.load:.2f}", flush=True)
            for process in stack.all():
                if process.poll() is not None:
                    stop.set()
                    recorder.unexpected.append(f"process {process.args[0]} exited with {process.returncode}")
            time.sleep(0.5)
        traffic_seconds = time.monotonic() - traffic_started
        samples.append(sample(stack, pgdata, traffic_started))
        # let the relay and the worker finish what the traffic queued before anything is counted
        outbox_left = outbox_pending(traffic_wall_start, wait=150)
        deadline = time.monotonic() + 60
        queue = own / "broker" / "queue"
        while any(queue.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.5)
        broker_left = len(list(queue.iterdir()))
    finally:
        stop.set()
        stop_stack(stack)
    found = stored(run_id)
    (own / "writes.json").write_text(json.dumps([w.__dict__ for w in recorder.writes], ensure_ascii=False, indent=0))
    counts, problems = check_writes(recorder.writes, found)
    verdicts = memory_verdicts(samples, args.warmup_minutes * 60, args.flat_mib, args.flat_percent)
    text, passed = summary(args, recorder, samples, counts, problems, log_problems(stack.logs), verdicts,
                           broker_left, outbox_left, started, traffic_seconds)
    from django.db import connections

    connections.close_all()
    if not args.keep_database:
        from config import embedded_db

        embedded_db.stop(pgdata)
    print()
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
        print(f"Markdown summary written to {args.markdown}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
