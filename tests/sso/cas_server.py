"""A small CAS 2.0/3.0 server for the tests, on a loopback port (a real HTTP server, not a mock).

There is no maintained Python CAS server for Django 5.2, so this answers the protocol itself:
`/cas/login` (a login form; a successful POST issues a one-time service ticket bound to the service
URL and redirects there with `ticket=`), `/cas/serviceValidate` (CAS 2.0 XML) and
`/cas/p3/serviceValidate` (CAS 3.0 XML with attributes). A ticket validates once, and only for the
exact service URL it was issued for (otherwise INVALID_SERVICE / INVALID_TICKET, as the spec says).
"""
from __future__ import annotations

import secrets
import threading
from html import escape
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

NS = "http://www.yale.edu/tp/cas"


class _Threaded(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class CasServer:
    def __init__(self, people: dict[str, dict]):
        """people: username → {"password": …, "attributes": {…}}"""
        self.people = people
        self.tickets: dict[str, tuple[str, str]] = {}  # ticket → (service, username)
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self.app, server_class=_Threaded, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cas/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            query.update({k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()})
        if path == "/cas/login":
            return self.login(environ, query, start_response)
        if path in ("/cas/serviceValidate", "/cas/p3/serviceValidate"):
            body = self.validate(query, with_attributes=path.startswith("/cas/p3/"))
            start_response("200 OK", [("Content-Type", "application/xml; charset=utf-8")])
            return [body.encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def login(self, environ, query, start_response):
        service = query.get("service", "")
        if environ["REQUEST_METHOD"] != "POST":
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [f'<form method="post"><input name="username"><input name="password" type="password">'
                    f'<input type="hidden" name="service" value="{escape(service)}"></form>'.encode()]
        person = self.people.get(query.get("username", ""))
        if person is None or person["password"] != query.get("password"):
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"wrong password"]
        ticket = "ST-" + secrets.token_urlsafe(24)
        with self.lock:
            self.tickets[ticket] = (service, query["username"])
        sep = "&" if "?" in service else "?"
        start_response("302 Found", [("Location", f"{service}{sep}{urlencode({'ticket': ticket})}")])
        return [b""]

    def validate(self, query, *, with_attributes: bool) -> str:
        ticket, service = query.get("ticket", ""), query.get("service", "")
        with self.lock:
            issued = self.tickets.pop(ticket, None)  # one use, whatever the outcome
        if issued is None:
            return self.failure("INVALID_TICKET", f"Ticket {ticket} not recognized")
        if issued[0] != service:
            return self.failure("INVALID_SERVICE", f"Ticket {ticket} does not match supplied service")
        username = issued[1]
        attributes = ""
        if with_attributes:
            attributes = "<cas:attributes>" + "".join(
                f"<cas:{escape(k)}>{escape(v)}</cas:{escape(k)}>"
                for k, v in self.people[username]["attributes"].items()) + "</cas:attributes>"
        return (f'<cas:serviceResponse xmlns:cas="{NS}"><cas:authenticationSuccess>'
                f"<cas:user>{escape(username)}</cas:user>{attributes}"
                f"</cas:authenticationSuccess></cas:serviceResponse>")

    @staticmethod
    def failure(code: str, text: str) -> str:
        return (f'<cas:serviceResponse xmlns:cas="{NS}"><cas:authenticationFailure code="{code}">'
                f"{escape(text)}</cas:authenticationFailure></cas:serviceResponse>")
