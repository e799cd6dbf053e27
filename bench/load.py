"""The load generator for bench/api.py: wrk (Debian package `wrk`) with a Lua script whose done()
prints the figures on one line, so nothing is parsed out of wrk's human-readable summary."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format("WRK-RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), errors))
end
"""


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # sockets that failed and answers other than 2xx/3xx

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian/Ubuntu) / 未安装 wrk。")
    return found


_script = None


def _script_path() -> str:
    global _script
    if _script is None:
        handle = tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-api-", delete=False)
        handle.write(REPORT)
        handle.close()
        _script = handle.name
    return _script


def run(url: str, headers: dict[str, str], *, seconds: float, connections: int = 16, threads: int = 2) -> Load:
    """Load ``url`` for ``seconds`` with ``connections`` keep-alive connections."""
    command = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", _script_path()]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next((line for line in out.splitlines() if line.startswith("WRK-RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result for {url}:\n{out}")
    requests, duration_us, p50, p95, p99, errors = (int(v) for v in line.split()[1:])
    return Load(requests, duration_us / 1e6, p50 / 1000, p95 / 1000, p99 / 1000, errors)


def cleanup() -> None:
    if _script:
        Path(_script).unlink(missing_ok=True)
