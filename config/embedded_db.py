"""The embedded PostgreSQL used when DATABASE_URL names no server.

pgserver ships PostgreSQL (and pg_dump/psql) inside its wheel, so a fresh machine with only
Python needs no database installed by hand. The data lives under .data/ beside manage.py.
"""
from __future__ import annotations

import os
import subprocess
import warnings
from pathlib import Path

# platformdirs warns when XDG_RUNTIME_DIR is unset (always, on a headless server): noise only.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EDUUNION_DATA_DIR", PROJECT_DIR / ".data"))


def pg_bin_dir() -> Path:
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def start(pgdata: Path | str, *, database: str = "eduunion", stop_on_exit: bool = True) -> str:
    """Start (or join) the embedded server in ``pgdata`` and return a URL for ``database``.

    With ``stop_on_exit`` the server stops when the last process that joined it exits
    (pgserver counts the processes); without it, the caller stops it with :func:`stop`.
    """
    import pgserver

    pgdata = Path(pgdata)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop" if stop_on_exit else None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(0 rows)" in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    # pgserver answers with a Unix-socket URI: postgresql://postgres:@/postgres?host=DIR
    return server.get_uri(database)


def stop(pgdata: Path | str) -> None:
    """Stop the server in ``pgdata`` (as the system user pgserver runs it under when root)."""
    from pgserver._commands import pg_ctl

    pgdata = Path(pgdata)
    if not (pgdata / "postmaster.pid").exists():
        return
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        pass  # already stopped
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        handles.unlink()


def database_url(default_dir: str, database: str) -> str:
    """DATABASE_URL if set, otherwise the embedded server's URL (starting it if needed)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return start(DATA_DIR / default_dir, database=database)
