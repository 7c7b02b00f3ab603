"""Risk rules, identity: what IAM actions mean — access level by verb, sensitive services, and the known
privilege-escalation catalogue (Rhino Security Labs' AWS methods and their later additions)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tfreview.lazyregex import lazy_compile

# Services whose wildcard hands over identity, keys, secrets, data or compute that can act as someone else.
SENSITIVE_SERVICES = frozenset({
    "iam", "sts", "organizations", "account", "sso", "sso-directory", "identitystore", "kms", "secretsmanager",
    "ssm", "s3", "ec2", "lambda", "rds", "dynamodb", "cloudtrail", "config", "guardduty", "securityhub",
    "cloudformation", "glue", "sagemaker", "codebuild", "codepipeline", "datapipeline", "ecs", "eks", "ecr",
    "backup", "route53", "route53domains", "elasticfilesystem", "redshift", "elasticache", "es", "kinesis",
    "autoscaling", "ec2-instance-connect", "ssm-guiconfig", "cognito-identity", "cognito-idp", "acm",
    "cloudhsm", "directconnect", "ram", "apigateway", "elasticloadbalancing", "cloudfront", "batch",
    "states", "athena", "rds-db", "rds-data", "ds", "workspaces", "access-analyzer", "inspector2",
    "macie2", "waf", "wafv2", "shield", "network-firewall", "fms", "lakeformation", "glacier", "kafka",
})
# Telemetry and agent plumbing that every workload writes to "*": not a grant worth a review.
ROUTINE = frozenset({
    "logs:createloggroup", "logs:createlogstream", "logs:putlogevents", "logs:describelogstreams",
    "logs:describeloggroups", "cloudwatch:putmetricdata", "xray:puttracesegments", "xray:puttelemetryrecords",
    "xray:getsamplingrules", "xray:getsamplingtargets", "ecr:getauthorizationtoken",
    "ssm:updateinstanceinformation", "ssmmessages:createcontrolchannel", "ssmmessages:createdatachannel",
    "ssmmessages:opencontrolchannel", "ssmmessages:opendatachannel", "ec2messages:acknowledgemessage",
    "ec2messages:deletemessage", "ec2messages:failmessage", "ec2messages:getendpoint",
    "ec2messages:getmessages", "ec2messages:sendreply", "ec2:createnetworkinterface",
    "ec2:deletenetworkinterface", "ec2:assignprivateipaddresses", "ec2:unassignprivateipaddresses",
    "ec2:createtags", "kms:decrypt", "kms:generatedatakey", "sts:getcalleridentity",
    "iam:createservicelinkedrole",
})
# Telemetry services whose own wildcard is a medium matter, never a high one.
TELEMETRY_SERVICES = frozenset({"logs", "cloudwatch", "xray", "ssmmessages", "ec2messages", "tag"})
READ_VERBS = ("describe", "list", "get", "batchget", "head", "lookup", "search", "query", "scan", "view",
              "select", "check", "validate", "estimate", "preview", "filter", "test", "detect", "verify", "simulate")
# Reports an account generates to be read (credential reports, last-accessed details, access reports).
REPORTS = lazy_compile(r"generate\w*(?:report|details)")
# Verbs that change who may do what (AWS access level "Permissions management").
PERMISSION_WORDS = ("policy", "permission", "grant", "bucketacl", "objectacl", "accesskey", "loginprofile",
                    "password", "usertogroup", "trust", "passrole", "samlprovider", "openidconnectprovider",
                    "resourceshare", "delegat", "roles")
# "…Policy" verbs that configure a resource rather than who may use it.
NOT_PERMISSION = ("scalingpolicy", "lifecyclepolicy", "retentionpolicy", "replicationpolicy", "backupplan",
                  "healthcheckpolicy", "loadbalancerpolicy", "cachepolicy", "originrequestpolicy",
                  "responseheaderspolicy", "configurationpolicy", "queuepolicy")
# Verbs that destroy or switch off, and the services where doing so to every resource loses data or evidence.
DESTRUCTIVE_VERBS = ("delete", "terminate", "purge", "destroy", "schedulekeydeletion", "disable", "stoplogging",
                     "deactivate", "deregister")
# Actions that rewrite what an identity may do: whatever resource they name, the holder can widen its own rights.
REWRITES_RIGHTS = frozenset({
    "iam:createpolicyversion", "iam:setdefaultpolicyversion", "iam:attachuserpolicy", "iam:attachgrouppolicy",
    "iam:attachrolepolicy", "iam:putuserpolicy", "iam:putgrouppolicy", "iam:putrolepolicy", "iam:addusertogroup",
    "iam:updateassumerolepolicy", "iam:deleterolepermissionsboundary", "iam:deleteuserpermissionsboundary",
    "sso:createaccountassignment", "sso:putinlinepolicytopermissionset", "sso:attachmanagedpolicytopermissionset",
})
# Role names that say the role is privileged: passing it to code you run makes you that role.
PRIVILEGED_ROLE = lazy_compile(r"admin|organizationaccountaccessrole|poweruser|root|fullaccess|owner|superuser",
                               re.IGNORECASE)
# Managed policies whose attachment makes a role privileged.
PRIVILEGED_POLICY = lazy_compile(r"policy/(?:AdministratorAccess|PowerUserAccess|IAMFullAccess)\b")
ROUTINE_WRITE_SERVICES = frozenset({"elasticloadbalancing", "autoscaling", "apigateway", "cloudfront", "waf",
                                    "wafv2", "shield", "network-firewall", "fms", "states", "athena", "batch",
                                    "acm", "ds", "workspaces", "ssm-guiconfig", "kafka"})


def service(action: str) -> str:
    """The service prefix of an action, lowercase ("" for "*")."""
    return action.partition(":")[0].lower() if ":" in action else ""


def verb(action: str) -> str:
    """The action's name after the service prefix, lowercase."""
    return action.partition(":")[2].lower()


def is_read(action: str) -> bool:
    """Whether an action (or action pattern) only reads: a read verb, or a report generated to be read
    (`iam:GenerateCredentialReport`, `GenerateServiceLastAccessedDetails`, AWS's access level "Read")."""
    name = verb(action)
    return bool(name) and (name.startswith(READ_VERBS) or REPORTS.fullmatch(name) is not None) \
        and not name.startswith("getsecretvalue")


# Verbs that hand over the data a resource holds (a queue's messages, a bucket's objects, a stream's records, a
# table's rows, a topic's deliveries), not its settings or metadata (GetQueueAttributes, GetBucketPolicy). Keys and
# secrets are judged by what their policies share (principals.KEY_USE).
DATA_VERBS = ("receivemessage", "deletemessage", "getobject", "getrecords", "getshard", "subscribe", "receive",
              "selectobjectcontent", "getitem", "batchgetitem", "query", "scan", "readobject", "download",
              "export", "consume", "pull", "restoreobject", "getparameter")


def _stem(pattern: str) -> str | None:
    """What a pattern's matches all start with (`get` of `get*`, `ecr:put` of `ecr:Put?mage`); None for no pattern."""
    if "*" not in pattern and "?" not in pattern:
        return None
    return pattern.split("*", 1)[0].split("?", 1)[0]


def takes_data(action: str) -> bool:
    """Whether an action (or action pattern, `s3:Get*`) can take the data a resource holds out of it."""
    name = verb(action)
    if (stem := _stem(name)) is not None:
        return any(v.startswith(stem) for v in DATA_VERBS)
    return name.startswith(DATA_VERBS)


# Actions that put in what others will run: an image pushed to a registry, a package published, code pushed or
# committed, a layer or function's code replaced. An outside account with one of them can swap what is deployed.
# Replication writes another registry's images in (`ecr:ReplicateImage`): a push by another name.
PUBLISHING = frozenset({"ecr:putimage", "ecr:completelayerupload", "ecr:uploadlayerpart", "ecr:initiatelayerupload",
                        "ecr:replicateimage", "ecr:batchimportupstreamimage",
                        "ecr-public:putimage", "ecr-public:completelayerupload", "codeartifact:publishpackageversion",
                        "codeartifact:putpackagemetadata", "codecommit:gitpush", "codecommit:putfile",
                        "codecommit:createcommit", "lambda:publishlayerversion", "lambda:updatefunctioncode"})


def publishes_code(action: str) -> bool:
    """Whether an action (or action pattern, `ecr:Put*`) can put in an artifact or code that others will run."""
    name = action.strip().lower()
    if (stem := _stem(name)) is not None:
        return ":" in stem and any(p.startswith(stem) for p in PUBLISHING)
    return name in PUBLISHING


def is_permission(action: str) -> bool:
    """Whether an action changes permissions (policies, roles, grants, credentials)."""
    name = verb(action)
    if is_read(action) or any(word in name for word in NOT_PERMISSION):
        return False
    return service(action) in {"iam", "sso", "identitystore", "organizations"} or any(
        word in name for word in PERMISSION_WORDS)


def is_destructive(action: str) -> bool:
    """Whether an action deletes or switches off what exists, in a service that holds data or evidence."""
    name = verb(action)
    return name.startswith(DESTRUCTIVE_VERBS) and "tag" not in name and service(action) in SENSITIVE_SERVICES - \
        ROUTINE_WRITE_SERVICES


@dataclass(frozen=True)
class Method:
    """One privilege-escalation method: every one of ACTIONS must be granted together."""

    name: str
    actions: tuple[str, ...]
    on_any_resource: bool = False  # the method only works with a broad Resource (not one named ARN)


def _passrole(service_action: str, *more: str) -> Method:
    name = " + ".join(("iam:PassRole", service_action, *more))
    return Method(name, ("iam:PassRole", service_action, *more))


ESCALATION = (
    Method("iam:CreatePolicyVersion (rewrite a managed policy)", ("iam:CreatePolicyVersion",)),
    Method("iam:SetDefaultPolicyVersion (switch to an older, wider version)", ("iam:SetDefaultPolicyVersion",)),
    Method("iam:CreateAccessKey (keys for other users)", ("iam:CreateAccessKey",), on_any_resource=True),
    Method("iam:CreateLoginProfile (console password for other users)", ("iam:CreateLoginProfile",),
           on_any_resource=True),
    Method("iam:UpdateLoginProfile (reset other users' passwords)", ("iam:UpdateLoginProfile",),
           on_any_resource=True),
    Method("iam:AttachUserPolicy", ("iam:AttachUserPolicy",)),
    Method("iam:AttachGroupPolicy", ("iam:AttachGroupPolicy",)),
    Method("iam:AttachRolePolicy", ("iam:AttachRolePolicy",)),
    Method("iam:PutUserPolicy", ("iam:PutUserPolicy",)),
    Method("iam:PutGroupPolicy", ("iam:PutGroupPolicy",)),
    Method("iam:PutRolePolicy", ("iam:PutRolePolicy",)),
    Method("iam:AddUserToGroup", ("iam:AddUserToGroup",)),
    Method("iam:UpdateAssumeRolePolicy (trust anyone into a role)", ("iam:UpdateAssumeRolePolicy",)),
    Method("iam:DeleteRolePermissionsBoundary (lift a role's boundary)", ("iam:DeleteRolePermissionsBoundary",)),
    Method("iam:DeleteUserPermissionsBoundary (lift a user's boundary)", ("iam:DeleteUserPermissionsBoundary",)),
    Method("iam:PassRole + iam:CreateRole", ("iam:PassRole", "iam:CreateRole")),
    Method("sts:AssumeRole on any role", ("sts:AssumeRole",), on_any_resource=True),
    _passrole("ec2:RunInstances"),
    _passrole("lambda:CreateFunction"),
    Method("lambda:UpdateFunctionCode (run code as a function's role)", ("lambda:UpdateFunctionCode",),
           on_any_resource=True),
    Method("lambda:UpdateFunctionConfiguration (layers run as a function's role)",
           ("lambda:UpdateFunctionConfiguration",), on_any_resource=True),
    _passrole("glue:CreateDevEndpoint"),
    Method("glue:UpdateDevEndpoint", ("glue:UpdateDevEndpoint",), on_any_resource=True),
    _passrole("glue:CreateJob"),
    _passrole("cloudformation:CreateStack"),
    _passrole("cloudformation:UpdateStack"),
    _passrole("datapipeline:CreatePipeline"),
    _passrole("codebuild:CreateProject"),
    _passrole("codestar:CreateProject"),
    _passrole("sagemaker:CreateNotebookInstance"),
    _passrole("sagemaker:CreateTrainingJob"),
    _passrole("sagemaker:CreateProcessingJob"),
    _passrole("ecs:RegisterTaskDefinition"),
    _passrole("ecs:RunTask"),
    _passrole("states:CreateStateMachine"),
    _passrole("autoscaling:CreateLaunchConfiguration"),
    _passrole("ec2:CreateLaunchTemplate"),
    _passrole("apprunner:CreateService"),
    Method("ssm:SendCommand (run commands on every instance)", ("ssm:SendCommand",), on_any_resource=True),
    Method("ssm:StartSession (a shell on every instance)", ("ssm:StartSession",), on_any_resource=True),
    Method("ec2-instance-connect:SendSSHPublicKey", ("ec2-instance-connect:SendSSHPublicKey",),
           on_any_resource=True),
    Method("sagemaker:CreatePresignedNotebookInstanceUrl", ("sagemaker:CreatePresignedNotebookInstanceUrl",),
           on_any_resource=True),
    Method("kms:PutKeyPolicy on any key", ("kms:PutKeyPolicy",), on_any_resource=True),
    Method("kms:CreateGrant on any key", ("kms:CreateGrant",), on_any_resource=True),
    Method("secretsmanager:PutResourcePolicy on any secret", ("secretsmanager:PutResourcePolicy",),
           on_any_resource=True),
    Method("s3:PutBucketPolicy on any bucket", ("s3:PutBucketPolicy",), on_any_resource=True),
    Method("sso:CreateAccountAssignment (any permission set to anyone)", ("sso:CreateAccountAssignment",)),
)


def privileged_role(resource: str, privileged_roles: frozenset[str]) -> bool:
    """Whether a PassRole resource is any role (`*`, a wildcard name) or one whose name or plan says it is admin."""
    if resource == "*":
        return True
    if ":role/" not in resource:
        return False
    name = resource.rsplit(":role/", 1)[1]
    return "*" in name or "?" in name or bool(PRIVILEGED_ROLE.search(name)) or name.rsplit("/", 1)[-1] in \
        privileged_roles
