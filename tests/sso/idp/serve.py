"""Run the test OIDC provider: migrate its sqlite, create the campus accounts and clients, serve on a
loopback port with a threaded WSGI server, print the port, serve until stdin closes.

Usage: python -m tests.sso.idp.serve  (env IDP_DATA_DIR, IDP_CLIENTS = JSON [[client_id, secret, [redirect…]], …])
"""
import json
import os
import sys
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso.idp.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

#: the campus accounts: username, password, 姓名, 工号
CAMPUS_PEOPLE = [("zhangsan", "campus-pass-1", "张三", "G1001"), ("lisi", "campus-pass-2", "李四", "G2002"),
                 ("wangwu", "campus-pass-3", "王五", "N3003"), ("stranger", "campus-pass-4", "陌生人", "X9999"),
                 # claims to be someone else: an admin's username, another person's name
                 ("admin", "campus-pass-5", "管理员", "A0001"), ("impostor", "campus-pass-6", "李四", "G2002")]


class ThreadedServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for username, password, name, number in CAMPUS_PEOPLE:
        User.objects.create_user(username=username, password=password, first_name=name, last_name=number)
    for client_id, secret, redirects in json.loads(os.environ["IDP_CLIENTS"]):
        Application.objects.create(
            name=client_id, client_id=client_id, client_secret=secret, redirect_uris=" ".join(redirects),
            client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            algorithm=Application.RS256_ALGORITHM, skip_authorization=True)
    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=ThreadedServer,
                         handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_port, flush=True)
    sys.stdin.read()  # until the test session closes our stdin
    server.shutdown()


if __name__ == "__main__":
    main()
