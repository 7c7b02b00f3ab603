"""Who may send as a domain and who receives its mail (risk rules stage; reported by edge.py under
`mail-policy-weakened`).

Every `include:` of an SPF record hands the domain's name to whatever servers the included domain lists: mail they
send passes SPF, and so DMARC, as the domain. An include a change adds to a record that already named its senders
is expected when it names a known mail service (Google, Microsoft, SES, SendGrid, Mailgun, a help desk or marketing
sender) or a domain the rest of the plan shows (the domain itself, a sending domain another resource sets up), and
a special-use name (`.example`) resolves nowhere; one that names none of these is an unknown relay passing as the
domain, on any DNS provider. A new domain's first record sets its senders up from nothing and is not judged here.

Its MX records say who receives the domain's mail: moved to a host that is no known mail service or filtering
gateway, not the domain's own, and named by nothing outside the DNS records, every message sent to the domain
reaches a stranger first (an SPF include of the same relay does not vouch for it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, finding, managed
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.domains import registrable, special_use

SPF = lazy_compile(r"\bv=spf1\b", re.IGNORECASE)
INCLUDE = lazy_compile(r"(?:^|\s)[+~?-]?(?:include|redirect)[:=]([a-z0-9._-]+\.[a-z]{2,})", re.IGNORECASE)
# Mail services whose SPF includes a domain adds when it starts sending through them (registrable domains).
MAIL_SERVICES = frozenset({
    "google.com", "googlemail.com", "outlook.com", "office365.com", "microsoft.com", "amazonses.com",
    "amazonaws.com", "sendgrid.net", "mailgun.org", "mailgun.com", "mandrillapp.com", "mcsv.net", "rsgsv.net",
    "mailchimp.com", "zendesk.com", "salesforce.com", "exacttarget.com", "sparkpostmail.com", "sparkpost.com",
    "mtasv.net", "postmarkapp.com", "mailjet.com", "sendinblue.com", "brevo.com", "hubspotemail.net",
    "hubspot.com", "zoho.com", "zoho.eu", "zohomail.com", "freshdesk.com", "freshemail.io", "atlassian.net",
    "intercom.io", "helpscoutemail.com", "messagelabs.com", "mimecast.com", "pphosted.com", "secureserver.net",
    "service-now.com", "smtp2go.com", "elasticemail.com", "constantcontact.com", "customeriomail.com",
    "mailersend.net", "socketlabs.com", "mktomail.com", "pardot.com", "docusign.net", "icloud.com",
    "mailchannels.net", "resend.com", "postmarkapp.net", "emailsrvr.com", "protonmail.ch", "fastmail.com",
    "messagingengine.com", "azurecomm.net", "sendpulse.com", "klaviyomail.com", "braze.com", "iterable.com",
    "cmail19.com", "cmail20.com", "createsend.com", "qualtrics.com", "workday.com", "greenhouse.io",
})


def unknown_senders(ri: ReviewInput, rule_id: str) -> Iterator[Finding]:
    """SPF includes a change adds that name no known mail service and nothing else the plan shows."""
    spf = [c for c in managed(ri.changeset, Action.UPDATE, Action.REPLACE) if _added_includes(c)]
    if not spf:
        return
    shown = _shown(ri.changeset.changes)
    for change in spf:
        unknown = sorted(d for d in _added_includes(change)
                         if registrable(d) not in MAIL_SERVICES | shown and not special_use(d))
        if unknown:
            yield finding(rule_id, change.address,
                          f"{change.address}: its SPF record now includes {unknown[0]}, which is no known mail "
                          "service and nothing else in this plan shows: every server it lists may send mail that "
                          "passes SPF and DMARC as the domain")


def _includes(value: object) -> set[str]:
    return {m.lower() for text in string_leaves(value) if SPF.search(text) for m in INCLUDE.findall(text)}


def _added_includes(change: Change) -> set[str]:
    """Includes an update adds to an SPF record that already named its senders: a record written for a new domain
    sets up its senders from nothing, and names no relay slipped in beside the known ones."""
    before, after = sides(change)
    held = _includes(before)
    return _includes(after) - held if held else set()


def _shown(changes: list[Change]) -> set[str]:
    """Registrable domains the plan's values name outside SPF records (the zone, a sending domain, a host)."""
    shown: set[str] = set()
    for change in changes:
        for text in string_leaves([change.before, change.after]):
            if "." in text and not SPF.search(text) and len(text) < 300:
                shown.update(registrable(h) for h in HOSTS.findall(text.lower()))
    return shown


HOSTS = lazy_compile(r"(?<![\w.-])((?:[a-z0-9-]+\.)+[a-z]{2,})\.?(?![\w-])")


# Services that take a domain's inbound mail (its MX hosts), as registrable domains, beyond the senders above:
# mail hosts, filtering gateways and forwarding services a domain points its MX records at.
MAIL_RECEIVERS = MAIL_SERVICES | frozenset({
    "barracudanetworks.com", "iphmx.com", "ppe-hosted.com", "mailcontrol.com", "trendmicro.com", "trendmicro.eu",
    "sophos.com", "hornetsecurity.com", "antispamcloud.com", "spamexperts.com", "arsmtp.com", "cloudflare.net",
    "improvmx.com", "forwardemail.net", "yandex.net", "mail.ru", "gmx.net", "ionos.com", "ovh.net", "one.com",
    "mailbox.org", "registrar-servers.com", "hostinger.com", "mxrouting.net", "dmarcian.com", "proofpoint.com",
    "forcepoint.com", "symantec.com", "cisco.com", "microsoftonline.com", "office.com", "googlemail.com",
})
# The domains reserved for documentation (RFC 2606): an MX host under them is a placeholder, no relay anyone runs.
DOCUMENTATION_DOMAINS = frozenset({"example.com", "example.net", "example.org"})
MX_TYPE = lazy_compile(r"(?:^|_)mx(?:_record)?s?$")
MX_HOST = lazy_compile(r"^(?:\d+\s+)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})\.?$")
MX_FIELDS = ("content", "value", "records", "rrdatas", "data", "exchange", "mail_exchange", "server", "target")
NAME_FIELDS = ("name", "zone_name", "domain", "zone", "fqdn", "hostname")
DNS_OBJECTS = lazy_compile(r"record|dns|zone|domain")


def unknown_receivers(ri: ReviewInput, rule_id: str) -> Iterator[Finding]:
    """MX hosts the plan moves a domain's inbound mail to that are no known mail service, not the domain's own
    and named by nothing else in the plan: every message sent to the domain reaches that host first. A domain's
    first MX records set its mail up from nothing and are not judged here."""
    changes = list(managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE))
    held = {h for c in changes for h in _mx_hosts(c, sides(c)[0])}
    if not held:
        return
    shown = _shown([c for c in ri.changeset.changes if not DNS_OBJECTS.search(c.type)])
    for change in changes:
        after = sides(change)[1]
        own = {registrable(t) for key in NAME_FIELDS for t in string_leaves(after.get(key)) if "." in t}
        for host in sorted(_mx_hosts(change, after) - held):
            domain = registrable(host)
            if domain not in MAIL_RECEIVERS | own | shown | DOCUMENTATION_DOMAINS and not special_use(host):
                yield finding(rule_id, change.address,
                              f"{change.address}: the domain's mail now goes to {host}, which is no known mail "
                              "service, not the domain's own host and named by nothing else in this plan: every "
                              "message sent to the domain reaches it first")
                break


def _mx_hosts(change: Change, values: dict[str, object]) -> set[str]:
    """The mail hosts an MX record's values name (`10 mx1.example.net.`, an exchange, a content host)."""
    if str(values.get("type", "")).upper() != "MX" and not MX_TYPE.search(change.type):
        return set()
    return {m.group(1) for key in MX_FIELDS for text in string_leaves(values.get(key))
            if (m := MX_HOST.match(text.strip().lower()))}
