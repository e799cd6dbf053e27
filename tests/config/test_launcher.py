"""`make run`'s launcher: a setup step gets one SIGINT, never two."""
import signal
import sys
import textwrap
import threading
import time

import pytest

from config import launcher

# Stands in for `python manage.py <step>`: says it is ready, records every SIGINT it gets, and
# ends by itself shortly after (as a step finishing its KeyboardInterrupt handling would).
STEP = textwrap.dedent("""
    import pathlib, signal, sys, time
    out = pathlib.Path(sys.argv[1])
    signal.signal(signal.SIGINT, lambda *_: out.write_text(out.read_text() + "SIGINT\\n"))
    out.write_text("ready\\n")
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        time.sleep(0.05)
""")


@pytest.mark.parametrize("stop_signal, forwarded", [(signal.SIGINT, False), (signal.SIGTERM, True)])
def test_a_step_gets_a_sigint_only_when_the_stop_was_a_sigterm(tmp_path, monkeypatch, stop_signal, forwarded):
    fake = tmp_path / "python"
    fake.write_text(f"#!/bin/sh\nshift\nexec {sys.executable} {tmp_path / 'step.py'} {tmp_path / 'out'} \"$@\"\n")
    fake.chmod(0o755)
    (tmp_path / "step.py").write_text(STEP)
    monkeypatch.setattr(launcher, "PYTHON", str(fake))
    monkeypatch.setattr(launcher, "STEP_SIGNAL_GRACE", 0.2)
    monkeypatch.setattr(launcher, "_stop_requested", [])
    monkeypatch.setattr(launcher, "_stop_signal", [])

    def stop_once_ready():  # the launcher's request_stop, once the step runs
        deadline = time.monotonic() + 10
        while not (tmp_path / "out").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        launcher._stop_signal.append(stop_signal)
        launcher._stop_requested.append(time.monotonic())

    threading.Thread(target=stop_once_ready, daemon=True).start()
    with pytest.raises(launcher.Stopped):
        launcher.manage("migrate")
    assert (tmp_path / "out").read_text().count("SIGINT") == (1 if forwarded else 0)
