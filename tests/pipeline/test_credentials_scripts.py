"""A password given as a literal inside a script body of any type: SQL that sets an account's password, and a UI
script typing into a password field; a reference to a secure store or the environment is no literal."""

from __future__ import annotations

import copy
from pathlib import Path

import orjson
import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_credentials import plan
from tfreview.pipeline.credential_mask import CredentialHit
from tfreview.pipeline.credentials import probe
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.mask import mask_document

LITERAL = {
    "mysql-identified-by": ("#!/bin/bash\nmysql -uroot -e \"ALTER USER 'root'@'localhost' IDENTIFIED BY "
                            "'Qz8!kLm2#pW';\"\n", "Qz8!kLm2#pW"),
    "mysql-identified-with-plugin": ("CREATE USER 'app'@'%' IDENTIFIED WITH caching_sha2_password BY 'Tr4p-dOor77';",
                                     "Tr4p-dOor77"),
    "postgres-with-login-password": ("psql -c \"CREATE ROLE app WITH LOGIN PASSWORD 'Pg9-xYz!0k';\"", "Pg9-xYz!0k"),
    "webdriver-send-keys": ("await $webDriver.findElement($selenium.By.id('pass')).sendKeys('W3b!Drv-99');",
                            "W3b!Drv-99"),
    "playwright-fill": ("await page.fill('#password', 'Pl4y-wr1ght');", "Pl4y-wr1ght"),
    "cypress-type": ("cy.get('input[name=password]').type('Cy9press!x')", "Cy9press!x"),
}
REFERENCED = [
    "mysql -e \"ALTER USER 'root'@'localhost' IDENTIFIED BY '${MYSQL_ROOT_PASSWORD}';\"",
    "ALTER USER app IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9';",
    "CREATE ROLE app WITH LOGIN PASSWORD NULL;",
    "await $webDriver.findElement($selenium.By.id('pass')).sendKeys($secure.ADMIN_PASSWORD);",
    "await page.fill('#password', process.env.ADMIN_PASSWORD);",
    "cy.get('#user').type('ops-admin'); cy.get('#password').type(Cypress.env('PW'))",
    "el.sendKeys('hello world'); check('password')",
]


@pytest.mark.parametrize("case", list(LITERAL))
def test_a_literal_password_in_a_script_is_found_and_masked(case: str) -> None:
    text, secret = LITERAL[case]
    document = plan({"script": text}, "linode_stackscript.db", "linode_stackscript")
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    report = mask_document(document)
    assert secret not in orjson.dumps(document).decode()
    assert report.credentials == [CredentialHit("password", "linode_stackscript.db", "script")]


@pytest.mark.parametrize("text", REFERENCED)
def test_a_reference_a_hash_or_an_unrelated_literal_is_left_alone(text: str) -> None:
    document = plan({"script": text}, "newrelic_synthetics_script_monitor.login",
                    "newrelic_synthetics_script_monitor")
    before = copy.deepcopy(document)
    report = mask_document(document)
    assert (report.credentials, document) == ([], before)


def test_a_monitor_typing_a_literal_password_needs_close_review_and_secure_does_not(tmp_path: Path) -> None:
    literal = plan({"script": LITERAL["webdriver-send-keys"][0]}, "newrelic_synthetics_script_monitor.login",
                   "newrelic_synthetics_script_monitor")
    assert worst_by_rule(review_rules_alone(tmp_path, literal["resource_changes"])).get("credential-in-plan") \
        == Severity.HIGH
    secure = plan({"script": REFERENCED[3]}, "newrelic_synthetics_script_monitor.login",
                  "newrelic_synthetics_script_monitor")
    assert "credential-in-plan" not in worst_by_rule(review_rules_alone(tmp_path, secure["resource_changes"]))


@pytest.mark.parametrize(("text", "secret"), [("export SMTP_PASS=Qz8kLm2pW\n", "Qz8kLm2pW"),
                                              ("MYSQL_PWD=Hx7pQ2mZ9 mysql -uroot app", "Hx7pQ2mZ9"),
                                              ("const adminPass = 'Qz8kLm2pW';", "Qz8kLm2pW")])
def test_a_short_password_name_assigned_a_literal_is_found(text: str, secret: str) -> None:
    document = plan({"script": text}, "linode_stackscript.db", "linode_stackscript")
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    assert mask_document(document).credentials == [CredentialHit("password", "linode_stackscript.db", "script")]
    assert secret not in orjson.dumps(document).decode()


@pytest.mark.parametrize(("key", "value"), [("admin_pwd", "Zx9abcdef1"), ("smtpPass", "Zx9abcdef1")])
def test_a_short_password_name_as_a_key_is_found(key: str, value: str) -> None:
    document = plan({key: value}, "pagoda_lantern.smtp", "pagoda_lantern")
    assert mask_document(document).credentials == [CredentialHit("password", "pagoda_lantern.smtp", key)]


@pytest.mark.parametrize("after", [{"bypass": "Zx9abcdef1"}, {"compass": "Zx9abcdef1"}, {"pass": "transit"},
                                   {"script": "bypass=Zx9abcdef1; cd $PWD"}, {"script": "PWD=/home/app"}])
def test_words_that_only_contain_pass_are_left_alone(after: dict[str, str]) -> None:
    document = plan(after, "pagoda_lantern.smtp", "pagoda_lantern")
    before = copy.deepcopy(document)
    assert (mask_document(document).credentials, document) == ([], before)
