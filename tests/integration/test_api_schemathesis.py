"""Property-based testing of the HTTP API from its own OpenAPI document (schemathesis): no
generated request, valid or not, gets a 5xx, and every response matches the documented status
codes, content types and schemas. The app runs in production mode, and the admin endpoints
are called with the admin token, so their validation is what is tested, not the 401; every
GET is sent again as HEAD (issue 27).

schemathesis's pytest plugin (lazy fixtures) does not run on pytest 9, so its Hypothesis
strategies are driven from a plain test, one operation and generation mode at a time.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.bridge import BridgeThread, settings_for, wait_until
from tests.support.servers import ADMIN_TOKEN

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_no_generated_request_gets_a_server_error(make_app, conn, database_url, redis_url):
    conn.execute("select * from lb.seed(50, 250, 0.4)")
    app = make_app()
    with BridgeThread(settings_for(database_url, redis_url)):  # so /health is 200, not 503
        wait_until(
            lambda: app.test_client().get("/health").status_code == 200, message="a healthy system"
        )
        fuzz(app)


def fuzz(app):
    # the event streams never end on their own; they have their own tests
    schema = (
        schemathesis.openapi.from_wsgi("/api/openapi.json", app)
        .exclude(path="/api/leaderboard/stream")
        .exclude(path="/api/boards/{board}/stream")
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        takes_input = any(
            (operation.path_parameters, operation.query, operation.headers, operation.body)
        )
        # with no inputs there is nothing invalid to send
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if takes_input else [])
        for mode in modes:
            # a valid seed writes up to 10,000 players: a few are enough
            seeding = operation.path.endswith("/seed") and mode == GenerationMode.POSITIVE
            run(operation, mode, examples=3 if seeding else 30)


def run(operation, mode, examples: int) -> None:
    head = operation.method.upper() == "GET"

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode))
    def check(case):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {ADMIN_TOKEN}"}
        case.call_and_validate(checks=CHECKS)
        if head:
            case.method = "HEAD"
            response = case.call()
            assert response.status_code < 500, (case.path, response.status_code)
            assert not response.content  # a HEAD answer has no body

    check()
