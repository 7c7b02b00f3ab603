"""Code and query text inside attributes: credentials newly logged, policy bodies that stop restricting, SQL that
makes a generated database user superuser-like; each with a benign look-alike that stays quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.code import leaks, open_body

PROXY = ("export default { async fetch(req, env) {\n  const url = new URL(req.url);\n  %s\n"
         "  return fetch(url, req);\n}};\n")


@pytest.mark.parametrize(("line", "fires"), [
    ("console.log(JSON.stringify({p: url.pathname, a: req.headers.get('Authorization')}));", True),
    ("console.info('req ' + JSON.stringify(req.headers));", True),
    ("console.debug('sig', env.SIGNING_SECRET, req.headers.get('cookie'));", True),
    ("logger.info(\"auth %s\", bearer);", True),
    ("print(f'token={api_token}')", True),
    ("console.log(JSON.stringify({path: url.pathname, status: 'proxied'}));", False),
    ("console.log('token refreshed for tenant', url.pathname);", False),
    ("console.log(req.headers.get('x-request-id'));", False),
    ("console.log('auth', redact(req.headers.get('Authorization')));", False),
    ("req.headers.delete('Authorization');", False),
])
def test_code_that_newly_logs_credentials(tmp_path: Path, line: str, fires: bool) -> None:
    found = judge(tmp_path, [resource("quuxedge_function.proxy", {"name": "proxy", "script": PROXY % line},
                                      {"name": "proxy", "script": PROXY % "// nothing logged"})])
    assert ("credential-logged" in found) is fires
    if fires:
        assert found["credential-logged"] is Severity.HIGH


def test_a_credential_log_line_already_there_is_not_new(tmp_path: Path) -> None:
    line = "console.log(req.headers.get('Authorization'));"
    found = judge(tmp_path, [resource("quuxedge_function.proxy", {"name": "proxy", "script": PROXY % line, "v": 2},
                                      {"name": "proxy", "script": PROXY % line, "v": 1})])
    assert "credential-logged" not in found


@pytest.mark.parametrize(("before", "after", "fires"), [
    ('%h %t "%r" %>s %b', '%h %t "%r" %>s %b "%{req.http.Authorization}i" "%{req.http.Cookie}i"', True),
    ("$remote_addr $status", "$remote_addr $status $http_authorization", True),
    ("$remote_addr $status", "$remote_addr $status $cookie_session", True),
    ('%h %>s "%{req.http.Cookie}i"', '%h %>s "%{resp.http.X-Debug-Path}o"', False),
    ("%h %>s %b", "%h %>s %b %{time.elapsed.msec}V %{req.http.User-Agent}i", False),
])
def test_log_formats_that_newly_carry_credential_headers(tmp_path: Path, before: str, after: str,
                                                         fires: bool) -> None:
    found = judge(tmp_path, [resource("quuxcdn_service.www", {"name": "www", "logging": [{"format": after}]},
                                      {"name": "www", "logging": [{"format": before}]})])
    assert ("credential-logged" in found) is fires


@pytest.mark.parametrize(("body", "opened"), [
    ("TRUE", True), ("val", True), ("(1 = 1)", True), ("CASE WHEN TRUE THEN VAL ELSE '***' END", True),
    ("IFF(1=1, val, '***')", True),
    ("CASE WHEN CURRENT_ROLE() IN ('PII_READER', 'SUPPORT') THEN VAL ELSE '***' END", False),
    ("FALSE", False), ("EXISTS (SELECT 1 FROM m WHERE m.role = CURRENT_ROLE())", False),
])
def test_policy_bodies_that_restrict_nothing(body: str, opened: bool) -> None:
    assert open_body(body) is opened


@pytest.mark.parametrize(("after", "fires"), [
    ("TRUE", True), ("CASE WHEN TRUE THEN VAL ELSE '***MASKED***' END", True),
    ("CASE WHEN CURRENT_ROLE() IN ('PII_READER', 'SUPPORT_EU') THEN VAL ELSE '***MASKED***' END", False),
    ("CASE WHEN CURRENT_ROLE() IN ('PII_READER') THEN REGEXP_REPLACE(VAL, '.+@', '*@') ELSE '***' END", False),
])
def test_data_policy_bodies_opened_on_any_provider(tmp_path: Path, after: str, fires: bool) -> None:
    before = "CASE WHEN CURRENT_ROLE() IN ('PII_READER') THEN VAL ELSE '***MASKED***' END"
    found = judge(tmp_path, [resource("lakebox_column_masking_policy.email", {"name": "email", "body": after},
                                      {"name": "email", "body": before})])
    assert ("data-policy-opened" in found) is fires
    if fires:
        assert found["data-policy-opened"] is Severity.HIGH


CREATE = "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'"


@pytest.mark.parametrize(("statements", "fires"), [
    ([CREATE + " SUPERUSER;"], True),
    ([CREATE + ";", "ALTER ROLE \"{{name}}\" CREATEROLE;"], True),
    ([CREATE + ";", "GRANT ALL PRIVILEGES ON DATABASE app TO \"{{name}}\";"], True),
    ([CREATE + ";", "GRANT SELECT ON ALL TABLES IN SCHEMA app TO \"{{name}}\" WITH GRANT OPTION;"], True),
    (["CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT ALL ON *.* TO '{{name}}'@'%';"], True),
    ([CREATE + " NOSUPERUSER NOCREATEROLE;", "GRANT USAGE ON SCHEMA app TO \"{{name}}\";"], False),
    ([CREATE + ";", "GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO \"{{name}}\";"], False),
])
def test_sql_that_makes_a_generated_user_superuser_like(tmp_path: Path, statements: list[str], fires: bool) -> None:
    prior = [CREATE + ";", "GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO \"{{name}}\";"]
    found = judge(tmp_path, [resource("dbvault_dynamic_role.analyst", {"name": "analyst",
                                                                       "creation_statements": statements},
                                      {"name": "analyst", "creation_statements": prior})])
    assert ("iam-privileged-role" in found) is fires


def test_leaks_names_what_is_logged() -> None:
    assert leaks("'x', request.headers.get('Authorization')") == "Authorization"
    assert leaks("'request handled', url.pathname") is None


@pytest.mark.parametrize(("line", "fires"), [
    ('echo "$API_TOKEN"', True),
    ('echo "starting the worker"', False),
])
def test_a_statement_at_the_start_of_a_line_is_read(tmp_path: Path, line: str, fires: bool) -> None:
    """Serialised, a line-start statement reads `\\necho "…"`: the first check must not lose it to a word boundary."""
    script = "#!/bin/sh\nset -e\n%s\nexec /srv/worker\n"
    found = judge(tmp_path, [resource("quuxhost_startup_script.worker", {"name": "worker", "content": script % line},
                                      {"name": "worker", "content": script % ": nothing logged"})])
    assert ("credential-logged" in found) is fires
