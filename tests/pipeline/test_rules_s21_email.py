"""Session 21, email and communications: mail-specific weakenings read by meaning for any provider (a DKIM key size
spelt with its family, an MTA's TLS level, an MTA-STS mode, a DMARC subdomain policy) and mail newly delivered to a
personal mailbox (forwarded, copied, journaled, replied to, DMARC reports), each with a benign look-alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def _change(kind: str, before: Any, after: Any, name: str = "this") -> dict[str, Any]:
    action = "create" if before is None else "update"
    return {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.terraform.io/acme/{kind.split('_')[0]}",
            "change": {"actions": [action], "before": before, "after": after, "after_unknown": {},
                       "before_sensitive": {}, "after_sensitive": {}}}


def _verdict(tmp_path: Path, change: dict[str, Any]) -> tuple[str, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [change])
    return result.label.value, worst_by_rule(result)


# --- a signing key's size spelt with its family -------------------------------------------------------------------

def _dkim(next_size: str, current: str = "RSA_2048_BIT") -> dict[str, Any]:
    return {"domain": "mail.example.org", "dkim": [{"current_signing_key_length": current,
                                                     "next_signing_key_length": next_size, "status": "SUCCESS"}]}


def test_a_dkim_key_cut_to_rsa_1024_is_weak(tmp_path: Path) -> None:
    label, worst = _verdict(tmp_path, _change("oci_email_dkim", _dkim("RSA_2048_BIT"), _dkim("rsa-1024")))
    assert worst.get("weak-key") is Severity.HIGH and label == "needs_close_review"


def test_a_dkim_key_raised_from_1024_is_not_weak(tmp_path: Path) -> None:
    change = _change("oci_email_dkim", _dkim("RSA_1024_BIT", "RSA_1024_BIT"), _dkim("RSA_2048_BIT", "RSA_1024_BIT"))
    label, worst = _verdict(tmp_path, change)
    assert "weak-key" not in worst and label == "likely_safe"


# --- an MTA's TLS level and an MTA-STS mode -----------------------------------------------------------------------

def _mta(level: str) -> dict[str, Any]:
    return {"name": "relay", "values": [f"exim:\n  outbound:\n    smtp_tls_level: {level}\n  replicas: 2\n"]}


def test_mail_tls_made_opportunistic_is_a_downgrade(tmp_path: Path) -> None:
    label, worst = _verdict(tmp_path, _change("helm_release", _mta("verify"), _mta("may")))
    assert worst.get("tls-downgrade") is Severity.HIGH and label == "needs_close_review"


def test_mail_tls_made_mandatory_is_not_a_downgrade(tmp_path: Path) -> None:
    label, worst = _verdict(tmp_path, _change("helm_release", _mta("may"), _mta("encrypt")))
    assert "tls-downgrade" not in worst and label == "likely_safe"


def _sts(mode: str, max_age: int = 604800) -> dict[str, Any]:
    return {"bucket": "policy", "key": ".well-known/mta-sts.txt",
            "content": f"version: STSv1\nmode: {mode}\nmx: mx1.example.org\nmax_age: {max_age}\n"}


def test_mta_sts_enforce_to_testing_is_relaxed(tmp_path: Path) -> None:
    label, worst = _verdict(tmp_path, _change("google_storage_bucket_object", _sts("enforce"), _sts("testing")))
    assert worst.get("auth-weakened") is Severity.HIGH and label == "needs_close_review"


def test_mta_sts_testing_to_enforce_is_not_relaxed(tmp_path: Path) -> None:
    label, worst = _verdict(tmp_path, _change("google_storage_bucket_object", _sts("testing"),
                                              _sts("enforce", 1209600)))
    assert "auth-weakened" not in worst and label == "likely_safe"


# --- DMARC's subdomain policy -------------------------------------------------------------------------------------

def _txt(value: str) -> dict[str, Any]:
    return {"name": "_dmarc.example.org", "type": "TXT", "content": value}


def test_a_dmarc_subdomain_policy_cut_to_none_weakens_it(tmp_path: Path) -> None:
    change = _change("cloudflare_record", _txt("v=DMARC1; p=quarantine; rua=mailto:d@example.org"),
                     _txt("v=DMARC1; p=quarantine; sp=none; rua=mailto:d@example.org"))
    label, worst = _verdict(tmp_path, change)
    assert worst.get("mail-policy-weakened") is Severity.HIGH and label == "needs_close_review"


def test_a_dmarc_subdomain_policy_tightened_is_not_weakened(tmp_path: Path) -> None:
    change = _change("cloudflare_record", _txt("v=DMARC1; p=reject; sp=none"), _txt("v=DMARC1; p=reject; sp=reject"))
    label, worst = _verdict(tmp_path, change)
    assert "mail-policy-weakened" not in worst and label == "likely_safe"


# --- mail newly delivered to a personal mailbox -------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "before", "after"), [
    ("mailgun_route", {"actions": ["stop()"]},
     {"actions": ["stop()"], "rule": [{"action": "forward", "destination_address": "copies.fin@yahoo.com"}]}),
    ("m365_mailbox_settings", {"forwardingSmtpAddress": None}, {"forwardingSmtpAddress": "ops.backup@hotmail.com"}),
    ("fastmail_identity", {"replyTo": ""}, {"replyTo": "ceo.office@proton.me"}),
    ("route53_record", {"records": ["v=DMARC1; p=reject; ruf=mailto:dmarc@example.org"]},
     {"records": ["v=DMARC1; p=reject; ruf=mailto:dmarc.forensics@gmail.com"]}),
    ("exchange_journal_rule", None, {"name": "all", "journal_email_address": "archive.all@icloud.com"}),
], ids=["route-forward-block", "mailbox-forwarding", "reply-to", "dmarc-ruf", "journal-created"])
def test_mail_to_a_personal_mailbox_leaves_the_organisation(tmp_path: Path, kind: str, before: Any,
                                                             after: Any) -> None:
    label, worst = _verdict(tmp_path, _change(kind, before, after))
    assert worst.get("foreign-data-share") is Severity.HIGH and label == "needs_close_review"


@pytest.mark.parametrize(("kind", "before", "after"), [
    ("mailgun_route", {"actions": ["stop()"]},
     {"actions": ["stop()"], "rule": [{"action": "forward", "destination_address": "ap@northwind.example"}]}),
    ("gmail_send_as", {"reply_to": "", "display_name": "CEO"},
     {"reply_to": "", "display_name": "CEO", "description": "set up by a.smith@gmail.com"}),
    ("sendgrid_sender", None, {"from_email": "newsletter@gmail.com", "nickname": "news"}),
    ("mailgun_route", {"priority": 1, "forward_to": "legacy.inbox@gmail.com"},
     {"priority": 2, "forward_to": "legacy.inbox@gmail.com"}),
], ids=["forward-to-own-domain", "described-not-delivered", "sender-not-receiver", "unchanged-forward"])
def test_mail_kept_inside_or_not_delivered_stays_safe(tmp_path: Path, kind: str, before: Any, after: Any) -> None:
    label, worst = _verdict(tmp_path, _change(kind, before, after))
    assert "foreign-data-share" not in worst and label == "likely_safe"


# --- a drift that hands the resource's data to another account ----------------------------------------------------

TOPIC = "arn:aws:sns:eu-west-1:111122223333:mail-events"


def _notification(queue_account: str | None) -> dict[str, Any]:
    queues = [] if queue_account is None else [
        {"queue_arn": f"arn:aws:sqs:eu-west-1:{queue_account}:parser", "events": ["s3:ObjectCreated:*"]}]
    return {"bucket": "inbound-mail", "topic": [{"topic_arn": TOPIC, "events": ["s3:ObjectCreated:*"]}],
            "queue": queues}


def _drifted(after_account: str | None, planned: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The bucket notification a console edit pointed at AFTER_ACCOUNT's queue, and the plan's change: a no-op
    (PLANNED None) or an update to PLANNED's queue."""
    drift = _change("aws_s3_bucket_notification", _notification(None), _notification(after_account))
    if planned is None:
        change = _change("aws_s3_bucket_notification", _notification(after_account), _notification(after_account))
        change["change"]["actions"] = ["no-op"]
    else:
        change = _change("aws_s3_bucket_notification", _notification(after_account), _notification(None))
    return change, [drift]


def test_a_drift_to_another_account_kept_by_the_plan_is_adopted(tmp_path: Path) -> None:
    change, drift = _drifted("444455556666", None)
    result = review_rules_alone(tmp_path, [change], resource_drift=drift)
    assert worst_by_rule(result).get("drift-kept") is Severity.HIGH and result.label.value == "needs_close_review"


def test_a_drift_to_another_account_reverted_by_the_plan_is_closed(tmp_path: Path) -> None:
    change, drift = _drifted("444455556666", "revert")
    result = review_rules_alone(tmp_path, [change], resource_drift=drift)
    assert worst_by_rule(result).get("drift-on-changed") is Severity.MEDIUM and result.label.value == "likely_safe"


def test_a_drift_within_the_own_account_kept_is_not_a_hand_off(tmp_path: Path) -> None:
    change, drift = _drifted("111122223333", None)
    result = review_rules_alone(tmp_path, [change], resource_drift=drift)
    assert "drift-kept" not in worst_by_rule(result) and result.label.value == "likely_safe"


# --- mail moved to a domain that imitates its own; an MTA's next hop moved outside --------------------------------

def test_journal_moved_to_a_look_alike_domain_leaves_the_organisation(tmp_path: Path) -> None:
    change = _change("google_workspace_compliance_rule", {"archive_copy_to": ["vault@records.acme-corp.com"]},
                     {"archive_copy_to": ["vault@records.acme-corp.net"]})
    label, worst = _verdict(tmp_path, change)
    assert worst.get("foreign-data-share") is Severity.HIGH and label == "needs_close_review"


def test_journal_moved_within_the_own_domain_stays_safe(tmp_path: Path) -> None:
    change = _change("google_workspace_compliance_rule", {"archive_copy_to": ["vault@records.acme-corp.com"]},
                     {"archive_copy_to": ["vault@archive.acme-corp.com"]})
    label, worst = _verdict(tmp_path, change)
    assert "foreign-data-share" not in worst and label == "likely_safe"


@pytest.mark.parametrize(("relay", "risky"), [("[185.199.10.20]:2525", True), ("[10.20.0.5]:25", False)],
                         ids=["public-ip", "private-ip"])
def test_an_mta_relayhost_moved_to_an_unknown_public_host(tmp_path: Path, relay: str, risky: bool) -> None:
    change = _change("mailcow_relayhost", {"hostname": "[smtp.sendgrid.net]:587", "active": True},
                     {"hostname": "[smtp.sendgrid.net]:587", "relayhost": relay, "active": True})
    label, worst = _verdict(tmp_path, change)
    assert (worst.get("egress-outside") is Severity.HIGH) is risky
    assert label == ("needs_close_review" if risky else "likely_safe")


# --- SPF includes a change adds -----------------------------------------------------------------------------------

def _spf(*includes: str) -> dict[str, Any]:
    return {"zone": "northwind.example", "name": "@", "type": "TXT",
            "txt": [f"v=spf1 {' '.join('include:' + i for i in includes)} -all"]}


def test_an_spf_include_of_an_unknown_relay_lets_it_send_as_the_domain(tmp_path: Path) -> None:
    change = _change("dnsimple_zone_record", _spf("spf.protection.outlook.com"),
                     _spf("spf.protection.outlook.com", "spf.bulk-mailer-hub.io"))
    label, worst = _verdict(tmp_path, change)
    assert worst.get("mail-policy-weakened") is Severity.HIGH and label == "needs_close_review"


def test_an_spf_include_of_a_known_service_or_a_shown_domain_is_expected(tmp_path: Path) -> None:
    spf = _change("dnsimple_zone_record", _spf("spf.protection.outlook.com"),
                  _spf("spf.protection.outlook.com", "spf.mandrillapp.com", "_spf.bounce.northwind-mail.example"))
    sender = _change("dnsimple_zone_record", None, {"zone": "northwind-mail.example", "name": "bounce", "type": "MX",
                                                    "content": "feedback.northwind-mail.example"}, "bounce")
    result = review_rules_alone(tmp_path, [spf, sender])
    assert "mail-policy-weakened" not in worst_by_rule(result) and result.label.value == "likely_safe"


# --- an import whose only change tightens the mail policy ---------------------------------------------------------

def _imported(before: str, after: str) -> dict[str, Any]:
    change = _change("dnsimple_zone_record", {"name": "_dmarc", "type": "TXT", "content": before,
                                              "updated_at": "2024-01-02"},
                     {"name": "_dmarc", "type": "TXT", "content": after, "updated_at": None})
    change["change"]["importing"] = {"id": "rec-123"}
    change["change"]["after_unknown"] = {"updated_at": True}
    return change


def test_an_import_that_tightens_dmarc_is_not_high(tmp_path: Path) -> None:
    label, worst = _verdict(tmp_path, _imported("v=DMARC1; p=none", "v=DMARC1; p=reject; pct=50"))
    assert worst.get("import-with-changes") is Severity.MEDIUM and label == "likely_safe"


def test_an_import_that_loosens_dmarc_stays_high(tmp_path: Path) -> None:
    label, worst = _verdict(tmp_path, _imported("v=DMARC1; p=reject", "v=DMARC1; p=quarantine"))
    assert worst.get("import-with-changes") is Severity.HIGH and label == "needs_close_review"


# --- a domain-ownership token is published in DNS -----------------------------------------------------------------

TOKEN = "Zr4kP8wN2vQ6tY1mB5cE9gH3jK7sD0fA4zU8iO2eT6x="


@pytest.mark.parametrize(("kind", "attribute", "severity"), [
    ("sendgrid_domain_authentication", "ownership_verification_token", Severity.LOW),
    ("zoom_app", "verification_token", Severity.HIGH),
    ("mailgun_domain", "smtp_api_token", Severity.HIGH),
], ids=["domain-ownership-token", "app-request-token", "domain-object-api-token"])
def test_only_a_domain_ownership_token_is_public_by_design(tmp_path: Path, kind: str, attribute: str,
                                                           severity: Severity) -> None:
    label, worst = _verdict(tmp_path, _change(kind, None, {"domain": "mail.example.org", attribute: TOKEN}))
    assert worst.get("credential-in-plan") is severity
    assert label == ("likely_safe" if severity is Severity.LOW else "needs_close_review")


# --- a delivery re-made on the same parent with the same events ---------------------------------------------------

def _delivery(name: str, parent: str, events: list[str], receiver: str) -> dict[str, Any]:
    return {"configuration_set_name": parent, "name": name, "enabled": True, "event_types": events,
            "destination_arn": receiver}


def _swap(new_parent: str, new_events: list[str]) -> list[dict[str, Any]]:
    """A delivery to a Firehose deleted, and one to an event bus created on NEW_PARENT with NEW_EVENTS."""
    old = _change("sparkpost_event_destination", _delivery("to-siem", "transactional", ["send", "bounce"],
                                                           "arn:aws:firehose:eu-west-1:111122223333:deliverystream/x"),
                  None, "siem")
    old["change"]["actions"] = ["delete"]
    new = _change("sparkpost_event_destination", None,
                  _delivery("to-bus", new_parent, new_events, "arn:aws:events:eu-west-1:111122223333:event-bus/b"),
                  "bus")
    return [old, new]


def test_a_delivery_remade_with_the_same_events_goes_on(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _swap("transactional", ["send", "bounce", "complaint"]))
    assert worst_by_rule(result).get("resource-delete") is Severity.MEDIUM and result.label.value == "likely_safe"


@pytest.mark.parametrize(("parent", "events"), [("marketing-mail", ["send", "bounce"]),
                                                ("transactional", ["send"])], ids=["other-parent", "fewer-events"])
def test_a_delivery_remade_elsewhere_or_with_fewer_events_is_lost(tmp_path: Path, parent: str,
                                                                  events: list[str]) -> None:
    result = review_rules_alone(tmp_path, _swap(parent, events))
    assert worst_by_rule(result).get("resource-delete") is Severity.HIGH


def test_a_new_domains_first_spf_record_sets_up_its_senders(tmp_path: Path) -> None:
    change = _change("dnsimple_zone_record", None, _spf("_spf.mailrelay-hub.net"))
    label, worst = _verdict(tmp_path, change)
    assert "mail-policy-weakened" not in worst and label == "likely_safe"
