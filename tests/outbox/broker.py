"""The filesystem broker `make run` uses, in a folder of the test's own, for the test process."""
from contextlib import contextmanager
from pathlib import Path

from celery import current_app


def transport_options(folder: Path) -> dict:
    return {"data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"), "store_processed": False,
            "control_folder": str(folder / "control")}


@contextmanager
def filesystem_broker(folder: Path):
    """Tasks published by this process go to ``folder`` (queue/) instead of running in place; the
    suite's eager memory:// setting is restored afterwards."""
    (folder / "queue").mkdir(parents=True, exist_ok=True)
    (folder / "processed").mkdir(exist_ok=True)
    conf = current_app.conf
    saved = {"broker_url": conf.broker_url, "broker_transport_options": conf.broker_transport_options,
             "task_always_eager": conf.task_always_eager}
    conf.update(broker_url="filesystem://", broker_transport_options=transport_options(folder),
                task_always_eager=False)
    try:
        yield folder
    finally:
        conf.update(saved)
