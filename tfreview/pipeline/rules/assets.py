"""Risk rules, context grading: a bucket made public-read that its own name says serves a site's static assets.

A bucket's own canned ACL turned to public read only (`public-read`, not `public-read-write`) when the bucket's own
name says it holds what a site serves to every visitor (`acme-web-assets`, `static-cdn`, `www-media`) is how such
a bucket is served: medium. It stays high when any word of the bucket's name, or the labels of that bucket in the
plan, says it holds data (pii, kyc, backups, exports, uploads, invoices…), or when the ACL also lets anyone write.
An object's own ACL is not the bucket's and stays as graded."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import label_pairs

PUBLIC_ACCESS = "public-access"
READ_ONLY_ACLS = frozenset({"public-read"})
_WORD = lazy_compile(r"[a-z]+")
# Words of a bucket's name that say it holds what a website serves to every visitor.
SERVED = frozenset({"assets", "asset", "static", "cdn", "www", "website", "media", "images", "img", "css", "fonts",
                    "favicons", "logos"})
# The bucket's own ACL (a bucket, or its ACL object): an object made public-read is judged on its own.
BUCKET_TYPES = lazy_compile(r"(?:^|_)bucket(?:_acl)?$")
# Words of a bucket's name or labels that say it holds data someone owns: these stay an exposure.
HELD = frozenset({"private", "internal", "pii", "kyc", "phi", "gdpr", "confidential", "secret", "secrets", "backup",
                  "backups", "dump", "dumps", "export", "exports", "uploads", "upload", "user", "users", "customer",
                  "customers", "invoice", "invoices", "billing", "payroll", "finance", "hr", "legal", "medical",
                  "health", "logs", "audit", "data", "db", "database", "archive", "archives", "reports", "records",
                  "statements", "contracts", "identity", "passports", "scans", "sensitive", "restricted", "tfstate",
                  "state"})


@grader
def asset_bucket_read(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Public-read ACL findings on a bucket its own name says serves a site's assets: medium."""
    if not any(f.rule == PUBLIC_ACCESS and f.severity is Severity.HIGH for f in findings):
        return findings
    changes = {c.address: c for c in review_input.changeset.changes if c.mode == "managed"}
    graded: list[Finding] = []
    for found in findings:
        change = changes.get(found.address or "")
        if found.rule == PUBLIC_ACCESS and found.severity is Severity.HIGH and change is not None \
                and (bucket := _served_bucket(change, changes.values())) is not None:
            found = graded_medium(found, f"public read is how bucket {bucket}, named for a site's static assets, "
                                         "is served")
        graded.append(found)
    return graded


def _served_bucket(change: Change, every: Any) -> str | None:
    """The bucket a read-only public ACL opens, when its name says it serves a site's assets and nothing says it
    holds data; else None."""
    _, after = sides(change)
    acl = after.get("acl")
    bucket = after.get("bucket") or after.get("name")
    if change.action is Action.DELETE or not BUCKET_TYPES.search(change.type) or not isinstance(acl, str) \
            or acl.lower() not in READ_ONLY_ACLS or not isinstance(bucket, str):
        return None
    words = set(_WORD.findall(bucket.lower()))
    labels = {w for other in every if _names_bucket(other, bucket)
              for key, value in label_pairs(sides(other)[1]) for w in _WORD.findall(f"{key} {value}".lower())}
    if not words & SERVED or (words | labels) & HELD:
        return None
    return bucket


def _names_bucket(change: Change, bucket: str) -> bool:
    """Whether a change is about the bucket named BUCKET (the bucket itself, or another of its settings)."""
    _, after = sides(change)
    return bucket in (after.get("bucket"), after.get("name"))
