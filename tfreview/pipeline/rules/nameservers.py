"""Risk rules, context grading (a grader over `network-open-ingress` and `public-service`): DNS, port 53 alone,
opened to the internet for an authoritative name server. An authoritative server exists to answer every resolver
on the internet; what makes port 53 dangerous is a recursive resolver open to all (amplification, cache poisoning,
a way to resolve internal names). Medium when the rule's or service's own names, tags, labels or selector say
authoritative (`authoritative-ns`, `knot-auth`, `pdns-auth`) and none says recursive or resolver; any other port in
the same finding, or a word of a resolver, keeps it high."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.environments import TOKEN
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.network import INGRESS
from tfreview.pipeline.rules.services import PUBLIC_SERVICE

DNS_ONLY = lazy_compile(r"\bport 53(?:/(?:tcp|udp))?\b")
OTHER_PORTS = lazy_compile(r"\bports\b|\ball ports\b")
DNS_WORDS = frozenset({"dns", "ns", "knot", "pdns", "powerdns", "nsd", "bind", "coredns", "nameserver", "zone"})
RESOLVER_WORDS = frozenset({"recursive", "recursion", "resolver", "resolvers", "recursor", "unbound", "forwarder",
                            "forwarding", "caching", "cache", "dnsmasq", "resolve"})
# Keys whose text is prose, not the object's identity.
PROSE = frozenset({"description", "comment", "comments", "notes"})


def _words(values: object) -> set[str]:
    """The words of an object's short strings, its top-level prose (a description) aside."""
    if not isinstance(values, dict):
        return set()
    return {word for key, value in values.items() if str(key).lower() not in PROSE
            for text in string_leaves(value) if len(text) <= 200 for word in TOKEN.findall(text.lower())}


def _authoritative(found: Finding, change: Change) -> str | None:
    if not DNS_ONLY.search(found.message) or OTHER_PORTS.search(found.message):
        return None
    words = _words(change.after)
    if words & RESOLVER_WORDS:
        return None
    if "authoritative" in words or ("auth" in words and words & DNS_WORDS):
        return "an authoritative name server: answering every resolver on the internet on port 53 is its job, and " \
            "nothing in its names says it resolves for others"
    return None


@grader
def authoritative_dns(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Port 53 opened to the internet for a server whose own names say authoritative: medium."""
    return high_graded_medium(review_input, findings, (INGRESS, PUBLIC_SERVICE), _authoritative,
                              (Action.CREATE, Action.UPDATE, Action.REPLACE), in_parentheses=True)
