"""A real SMTP server (aiosmtpd) on 127.0.0.1, started once per session; `smtp` points the project's
mail settings at it and empties its inbox for the test."""
from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


class Received:
    def __init__(self, envelope):
        self.recipients = list(envelope.rcpt_tos)
        self.message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.subject = str(self.message["Subject"]).strip()  # the parser keeps the folding space
        self.body = self.message.get_content()


class SmtpServer:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox: list[Received] = []
        self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd's hook
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.inbox.append(Received(envelope))
        return "250 Message accepted for delivery"

    def start(self):
        if self.controller is None:
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Received]:
        return [m for m in self.inbox if address in m.recipients]


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.MAIL_ENABLED = True
    smtp_server.start()
    smtp_server.inbox.clear()
    yield smtp_server
    smtp_server.start()
