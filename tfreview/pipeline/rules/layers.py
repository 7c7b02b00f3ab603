"""Risk rules, software supply chain (supply-chain-opened): code from another account added to a function — a layer
(or extension) whose ARN names an account that is neither the function's own (its ARN, its role) nor the
publisher of a layer it already had runs inside the function with its role and its data. Any provider's `layers`
list of ARNs is read. A publisher the rest of the plan already uses (another function's layer, any object the plan
keeps naming that account) is known to the team: medium. So is a function created with a vendor's layer (a
monitoring agent, an AWS-published extension): a new integration chosen in the open, shown rather than held; an
existing function that starts running another account's code is the supply-chain change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, grader, on_change
from tfreview.pipeline.rules.common import as_dict, as_list, string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.supplychain import SUPPLY

LAYER_KEYS = lazy_compile(r"^(?:layers?|layer_arns?|extensions?)$")
# arn:partition:service:region:ACCOUNT:… — the account is the fifth field.
_ARN_ACCOUNT = lazy_compile(r"arn:[\w-]+:[\w-]+:[\w-]*:(\d{12}):")
MARK = "runs code published by account "
# Accounts AWS itself publishes its Lambda layers from (AWS documentation): AWS already runs the function, so its
# own extension adds no new party — shown, not held.
# The Parameters and Secrets and the AppConfig extensions are published from one account per region (their
# documented layer ARNs, as aws-cdk-lib's region facts list them).
PARAMETERS_AND_SECRETS = ("317013901791 768336418462 133490724326 738900069198 176022468876 044395824272 665172237481 "
                          "490737872127 200266452380 187925254637 427196147048 325218067255 015030872274 133256977650 "
                          "780235371811 832021897121 933737806257 177933569100 590474943231 997803712105 345057560386")
APPCONFIG = ("574348263942 630222743974 980059726660 826293736237 706869817123 554480029851 489524808438 421114256042 "
             "080788657173 418787028745 039592058896 066940009817 758369105281 646970417810 203683718741 586093569114 "
             "434848589818 282860088358 493207061005 662846165436 559955524753 000010852771 027255383542 728743619870 "
             "958113053741 359756378197 615057806174 615084187847 946561847325 946746059096")
AWS_PUBLISHERS = {"580247275435": "Lambda Insights", "901920570463": "AWS Distro for OpenTelemetry",
                  "017000801446": "Powertools for AWS Lambda",
                  **dict.fromkeys(PARAMETERS_AND_SECRETS.split(), "Parameters and Secrets extension"),
                  **dict.fromkeys(APPCONFIG.split(), "AppConfig extension")}
# Monitoring vendors' documented extension publishers (their install guides name these accounts): a third party's
# code, but the agent the team chose by its documented ARN; shown, not held.
VENDOR_PUBLISHERS = {"464622532012": "Datadog", "451483290750": "New Relic", "943013980633": "Sentry",
                     "114300393969": "Lumigo"}


def _layers(values: Any) -> list[str]:
    return [v for k, item in as_dict(values).items() if LAYER_KEYS.match(k)
            for v in as_list(item) if isinstance(v, str)]


def _accounts(texts: Any) -> set[str]:
    return {m for text in texts for m in _ARN_ACCOUNT.findall(text)}


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"layer", b"extension"))
def _foreign_layer(change: Change) -> Iterator[Finding]:
    added = [arn for arn in _layers(change.after) if arn not in _layers(change.before)]
    if not added:
        return
    own_values = {k: v for k, v in as_dict(change.after).items() if not LAYER_KEYS.match(k)}
    own = _accounts(string_leaves(own_values)) | _accounts(_layers(change.before))
    if not own and change.action is Action.CREATE:
        return  # a new function whose own account is not known: nothing to compare with
    # An existing function that starts running another account's code is the supply-chain change; with its own
    # account not shown (a plan trimmed of its role), the grader below still lowers it when the plan names the account.
    severity = Severity.MEDIUM if change.action is Action.CREATE else Severity.HIGH
    for arn in added:
        for account in sorted(_accounts([arn]) - own):
            if account in AWS_PUBLISHERS:
                yield finding(SUPPLY, change.address, f"{change.address} adds layer {arn}: AWS's own "
                              f"{AWS_PUBLISHERS[account]}, published by AWS (account {account})", Severity.MEDIUM)
                continue
            if account in VENDOR_PUBLISHERS:
                yield finding(SUPPLY, change.address, f"{change.address} adds layer {arn}: "
                              f"{VENDOR_PUBLISHERS[account]}'s documented extension (account {account}), a vendor's "
                              "code running with the function's role: confirm the vendor is one the team uses",
                              Severity.MEDIUM)
                continue
            yield finding(SUPPLY, change.address,
                          f"{change.address} adds layer {arn}: the function {MARK}{account}, which is not its own "
                          "account nor the publisher of a layer it had — code from outside the organisation runs "
                          "with its role and data", severity)


def _named_elsewhere(view: PlanView) -> dict[str, set[str]]:
    """Per plan: each account any object names (its layers before, any value outside an added layer), to the
    addresses that name it."""
    found: dict[str, set[str]] = {}
    for change in view.changes:
        added = set(_layers(change.after)) - set(_layers(change.before))
        for side in (change.before, change.after):
            for text in string_leaves(side):
                if text not in added:
                    for account in _accounts([text]):
                        found.setdefault(account, set()).add(change.address)
    return found


@grader
def known_publisher(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A foreign layer whose publisher another object of the plan already names: medium."""
    if not any(f.rule == SUPPLY and MARK in f.message for f in findings):
        return findings
    named = plan_view(review_input).derived("accounts named outside added layers", _named_elsewhere)
    graded: list[Finding] = []
    for found in findings:
        if found.rule == SUPPLY and MARK in found.message and found.severity is Severity.HIGH:
            account = found.message.split(MARK, 1)[1][:12]
            if named.get(account, set()) - {found.address}:
                found = found.model_copy(update={"severity": Severity.MEDIUM,
                                                 "message": f"{found.message} (another object of the plan already "
                                                            "names that account)"})
        graded.append(found)
    return graded
