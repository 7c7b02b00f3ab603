"""Risk rules helper: what one cloud command line does when a script runs it (read by provisioners.py for exec
provisioners; any cloud's CLI, invented ones included, by its verbs and arguments rather than by its name).

A command that does outside Terraform what a resource would do in it is judged like that resource: granting an
admin role or policy (`aws iam attach-role-policy … AdministratorAccess`, `gcloud … add-iam-policy-binding --role
roles/owner`, `az role assignment create --role Owner`, `kubectl create clusterrolebinding --clusterrole
cluster-admin`), granting anything to everyone (`allUsers`, `public-read`), opening a firewall or security group to
the internet, or switching off a trail, detector, recorder, audit log or log sink. Lookups, waits, health checks
and echoes are not; a key minted and kept on the machine is minted.py's (only one sent away is high).
"""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.grants import AWS_ADMIN, AZURE_ADMIN, GOOGLE_ADMIN, K8S_ADMIN

# One command of a shell line: what `&&`, `||`, `;`, `|` and line breaks separate.
_SEGMENT = lazy_compile(r"&&|\|\||[;|\n]")
# A verb that grants, joined to what it grants (`attach-role-policy`, `add-iam-policy-binding`, `role assignment
# create`, `create clusterrolebinding`, `policy attach`, `grant-permissions`).
_GRANT = lazy_compile(
    r"\b(?:attach|add|put|grant|assign|bind|set|create|update)[-_ ](?:[\w]+[-_ ]){0,3}?(?:polic(?:y|ies)|roles?"
    r"|(?:cluster)?rolebindings?|bindings?|members?|permissions?|assignments?|acls?|privileges?|grants?)\b"
    r"|\b(?:polic(?:y|ies)|roles?|(?:cluster)?rolebindings?|bindings?|assignments?|permissions?|privileges?)"
    r"[-_ ](?:create|add|attach|grant|assign|set|update)\b"
    r"|\badd-user-to-group\b|\b(?:iam|acl)\s+ch\b", re.IGNORECASE)
_ADMIN_ROLES = frozenset(r.lower() for r in (*AWS_ADMIN, *AZURE_ADMIN, *K8S_ADMIN, "roles/owner", "roles/editor",
                                             *(r for r in GOOGLE_ADMIN if r.endswith("Admin"))))
# Tokens of an argument: a policy ARN's name, a role's path, a `--role=` value.
_TOKENS = lazy_compile(r"[\s=,'\"]+|(?<!roles)/")
_ADMIN_WORD = lazy_compile(r"^(?:[\w.-]*[-_.])?(?:admins?|administrators?|administratoraccess|owners?|superusers?"
                           r"|fullaccess|poweruser(?:access)?)$", re.IGNORECASE)
# The value of a flag that names what is granted: `--policy-arn …`, `--role=…`, `--group-name …`, `--clusterrole …`.
_ROLE_VALUE = lazy_compile(r"--[\w-]*(?:role|polic|group|permission|privilege)[\w-]*[\s=]+['\"]?([^\s'\"]+)",
                           re.IGNORECASE)
_EVERYONE = lazy_compile(r"\b(?:allusers|allauthenticatedusers|public-read(?:-write)?|authenticated-read"
                         r"|system:(?:anonymous|unauthenticated|authenticated))\b|--group-names?\s+all\b",
                         re.IGNORECASE)
_ADMIN_DOCUMENT = lazy_compile(r"\"Action\"\s*:\s*(?:\[\s*)?\"(?:\*|iam:\*|\*:\*)\"", re.IGNORECASE)
# Opening a network path: ingress / firewall / security-group / NSG rule verbs, and the internet as the source.
_OPEN = lazy_compile(r"\bauthorize-security-group-ingress\b|\bfirewall(?:-rules?|\s+rules?)?[-_ ]+(?:create|update)\b"
                     r"|\b(?:nsg|security-group|secgroup|acl)s?\s+rules?\s+(?:create|update|add)\b"
                     r"|\b(?:create|add|update)[-_](?:\w+[-_])?(?:ingress|firewall|inbound)[-_]?\w*", re.IGNORECASE)
_WORLD = lazy_compile(r"(?:^|[\s=,'\"])(?:0\.0\.0\.0/0|::/0)(?![\d.])"
                      r"|--[\w-]*(?:source|cidr|remote|from)[\w-]*[\s=]+['\"]?(?:\*|internet|any)(?=$|[\s,'\"])",
                      re.IGNORECASE)
# Switching off what watches: a stop/disable/delete verb on a trail, detector, recorder, audit log or log sink.
_BLIND = lazy_compile(
    r"\b(?:stop|disable|delete|remove|suspend|pause|deregister)[-_ ](?:\w+[-_ ]){0,2}?(?:logging|trails?"
    r"|detectors?|(?:configuration-)?recorders?|flow-logs?|audit\w*|security-hub|diagnostic[-\w]*|sinks?"
    r"|monitors?|alarms?|guardduty|defender)\b"
    r"|\b(?:trails?|detectors?|recorders?|flow-logs?|audit\w*|diagnostic[-\w]*|sinks?|log-profiles?|guardduty"
    r"|securityhub|security-hub)\s+(?:\w+\s+)?(?:delete|disable|stop|remove|suspend)\b"
    r"|\bupdate-detector\b[^\n]*--no-enable\b", re.IGNORECASE)
_QUOTED_ECHO = lazy_compile(r"^\s*(?:echo|printf|printf\s+--|logger|:)\b", re.IGNORECASE)


def cli_effect(command: str) -> str | None:
    """What one command line does to an account's access, network or watchers that is high risk, or None."""
    for segment in _SEGMENT.split(command):
        if not segment.strip() or _QUOTED_ECHO.match(segment):
            continue
        if _GRANT.search(segment):
            if (role := _admin(segment)) is not None:
                return f"grants {role} outside Terraform (an admin role, unreviewed and not in state)"
            if _EVERYONE.search(segment):
                return "grants access to everyone outside Terraform"
        if _OPEN.search(segment) and _WORLD.search(segment):
            return "opens a firewall or security group to the internet outside Terraform"
        if _BLIND.search(segment):
            return "switches off a trail, detector, recorder or log outside Terraform"
    return None


def _admin(segment: str) -> str | None:
    if _ADMIN_DOCUMENT.search(segment):
        return 'a policy allowing "*"'
    for token in _TOKENS.split(segment):
        clean = str(token).strip("'\"`")
        if clean.lower() in _ADMIN_ROLES:
            return clean
    for value in _ROLE_VALUE.findall(segment):  # a role, policy or group named for admin (`platform-admin`)
        name = str(value).rstrip("/").rsplit("/", 1)[-1]
        if _ADMIN_WORD.match(name):
            return name
    return None
