import pytest

from tests.webhooks import receiver as receiver_module


@pytest.fixture(scope="session")
def _receiver_server():
    server = receiver_module.start()
    yield server
    server.server.shutdown()


@pytest.fixture
def receiver(_receiver_server, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    _receiver_server.reset()
    yield _receiver_server
    _receiver_server.reset()
