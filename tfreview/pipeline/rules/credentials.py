"""Risk rules, credentials: found in values nobody marked sensitive (masked before any rule saw them)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule

# An access key id in the `id` of the resource that manages it is an identifier, and is there on every plan.
EXPECTED = {("aws_iam_access_key", "id", "aws-access-key")}


@rule("credential-in-plan", Severity.HIGH,
      "An unmarked value has the shape of a credential (cloud key, private key, token, password); it is masked.")
def _credentials(ri: ReviewInput) -> Iterator[Finding]:
    for hit in ri.masking.credentials:
        if (hit.resource_type, hit.attribute, hit.kind) in EXPECTED:
            continue
        attribute = f" {hit.attribute}" if hit.attribute else ""
        yield finding("credential-in-plan", hit.where if hit.addressed else None,
                      f"{hit.where}:{attribute} contains {hit.label} (masked)")
