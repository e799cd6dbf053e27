"""Schemathesis drives every documented operation of both hosts with generated requests.

No answer may be a 5xx, and every answer must match what the schema documents (status code,
content type, body shape: enums, date-times, required fields). The WSGI app runs in-process,
authenticated as the host's admin role; a few derandomized examples per operation, no shrinking,
so the run is repeatable and bounded (about a minute for both hosts).
"""
from __future__ import annotations

import contextlib
import os

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from tenants.accounts.roles import Role
from tests.conftest import anonymous_client, host_of

# A deeper run when hunting: FUZZ_EXAMPLES=50 pytest tests/api/test_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# Revoking the token the run authenticates with would turn the rest of the run into 401s.
SKIPPED = {("POST", "/api/v1/auth/token/revoke/")}
WANTED_CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                 "response_schema_conformance", "response_headers_conformance")


@contextlib.contextmanager
def connection_kept_open():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction; Django's own test client detaches the same signal for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def near_real_records(case):
    """Generated ids are mostly huge numbers (404s); folding them onto the first few ids reaches
    the demo records, so edits and workflow steps run against real rows too."""
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and not isinstance(value, bool):
            case.path_parameters[name] = abs(value) % 6 + 1
    return case


def strategy(operation):
    modes = [operation.as_strategy(GenerationMode.POSITIVE).map(near_real_records)]
    try:
        modes.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # nothing to make invalid in this operation (no parameters, no body)
        pass
    return st.one_of(modes)


def checks():
    by_name = {check.__name__: check for check in CHECKS.get_all()}
    return [by_name[name] for name in WANTED_CHECKS]


def test_no_generated_request_gets_a_5xx_or_an_undocumented_answer(province, guilin, host_client, demo_region):
    """On the demo region (tests/conftest.py demo_region, seeded once for every test that wants it):
    the provincial layer and every school's demo records, which the generated ids reach."""
    failures = fuzz(province, host_client(province, [Role.PROVINCE_ADMIN]))
    failures += fuzz(guilin, host_client(guilin, [Role.UNION_ADMIN]))
    assert not failures, "\n\n".join(failures)


def fuzz(school, client) -> list[str]:
    host = host_of(school)
    token = client._credentials["HTTP_AUTHORIZATION"]
    document = anonymous_client(school).get("/api/schema/", {"format": "json"}).json()
    schema = schemathesis.openapi.from_dict(document)
    app = get_wsgi_application()
    failures = []

    with connection_kept_open():
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SKIPPED:
                continue

            @settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=strategy(operation))
            def run(case):
                response = case.call(app=app, base_url=f"http://{host}", headers={"Authorization": token})
                case.validate_response(response, checks=checks())

            try:
                run()
            except BaseException as failure:  # collected so one run reports every operation that fails
                if isinstance(failure, (KeyboardInterrupt, SystemExit)):
                    raise
                failures.append(f"{host} {operation.method.upper()} {operation.path}: {failure}"[:2000])

    return failures
