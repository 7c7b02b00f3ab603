"""The security-controls vocabulary (risk rules stage), exposure: public access flags, visibility, network
defaults, load balancers.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.network import INGRESS
from tfreview.pipeline.rules.strengths import access_word, authenticated, everyone, flag, inverted, ladder, public_word
from tfreview.pipeline.rules.vocabulary.terms import PUBLIC

# --- exposure -------------------------------------------------------------------------------------
control(PUBLIC, r"\w*publicly_accessible|is_public|public|publicly_readable|allow_unauthenticated\w*",
        inverted, "reachable by anyone", create=Severity.HIGH)
# Anyone may write or read the data itself (`public_write`, `public_read` on a collection, bucket or index): a write
# is notable even on a new resource; a new public-read one is a published data set, worth a look.
control(PUBLIC, r"public(?:ly)?_(?:write|writes|writable|writeable|upload|uploads|edit|modify|push|delete)\w*",
        inverted, "anyone may write", create=Severity.HIGH)
control(PUBLIC, r"public(?:ly)?_(?:read|reads|readable|list|download|downloads|view|source|access)",
        inverted, "anyone may read", create=Severity.MEDIUM, published=True)
control(PUBLIC, r"public_network_access(?:_enabled)?|map_public_ip_on_launch|associate_public_ip_address"
        r"|(?!block_)\w*public_access(?:_enabled)?|allow_\w*public\w*|endpoint_public_access|enable_public\w*"
        r"|public_ip_enabled|\w*anonymous\w*(?:enabled|access|allowed)|allow_anonymous\w*"
        r"|public_\w*(?:_enabled|_allowed)|\w*link_sharing\w*", inverted,
        "public access allowed")
control(PUBLIC, r"block_public_\w*|ignore_public_acls|restrict_public_buckets|enable_private_\w*|private|is_private"
        r"|private_cluster_enabled|internal|is_internal|private_endpoint_enabled", flag, "no longer private")
control(PUBLIC, r"proxied", flag, "the origin's address is exposed (no longer behind the proxy)")
control(PUBLIC, r"\w*visibility\w*|\w*privacy\w*", ladder(("private",), ("internal",), ("public",)),
        "visibility made public",
        create=Severity.MEDIUM, create_below=2, published=True)
control(PUBLIC, r"acl|predefined_acl|canned_acl|default_acl|object_acl|container_access_type|predefined_default_"
        r"object_acl|acl_(?:mode|type|policy|setting)|access_control_mode", public_word, "public ACL",
        create=Severity.HIGH)
# How an object is shared, by mode (a dashboard's or report's `share = "public"`): anyone with the link sees it.
control(PUBLIC, r"share|share_type|share_mode|sharing_mode|sharing_type",
        ladder(("none", "disabled", "private", "restricted", "email", "invite", "invited", "team", "internal",
                "org", "organization", "organisation", "domain"), ("public", "anyone", "everyone", "anonymous")),
        "shared publicly", create=Severity.HIGH, create_below=2)
control(PUBLIC, r"group|groups|shared_accounts|restore_accounts|account_ids?|user_ids?|shared_with", everyone,
        "shared with everyone", types=r"permission|snapshot|_ami|image|share", create=Severity.HIGH)
# Authentication modes of any provider moving to none/anonymous/public/off: `authorization_type` AWS_IAM → NONE,
# `auth_mode` oidc → none, a route's `authorization.type` → ANONYMOUS, `vercel_authentication.deployment_type` → none.
control(PUBLIC, r"\w*auth(?:entication|orization)?_?(?:type|mode|method|scheme|level)|authentication|authorization"
        r"|\w*auth\w*\.\w*(?:type|mode|method|scheme)", authenticated, "the endpoint no longer requires auth")
# A service's one-word access mode of any platform (`access_policy` sso → public, `access_mode` private → anonymous).
control(PUBLIC, r"\w*access(?:_(?:policy|mode|level|control|setting))?|privacy|\w*_privacy", access_word,
        "anyone may now reach it")
# A default policy of any firewall or network ACL (`inbound_policy` DROP → ACCEPT), not an outbound one.
control(PUBLIC, r"(?!outbound|egress|outgoing|output)\w*default_(?:action|policy)"
        r"|\w*default_(?:inbound|ingress|incoming)_(?:action|policy)"
        r"|\w*(?:inbound|ingress|incoming|input)_(?:default_)?policy",
        ladder(("deny", "drop", "reject", "block", "denied"), ("allow", "accept", "permit", "allowed", "accepted")),
        "the network default now allows everyone",
        create=Severity.MEDIUM, create_below=2)
control(PUBLIC, r"object_ownership", ladder(("bucketownerenforced",), ("bucketownerpreferred", "objectwriter")),
        "object ACLs can grant access again")
control(PUBLIC, r"uniform_bucket_level_access|\w*uniform_access\w*|bucket_policy_only", flag,
        "per-object ACLs can grant access again")
control(PUBLIC, r"public_access_prevention", ladder(("enforced",), ("inherited", "unspecified")),
        "public access prevention lifted")
control(PUBLIC, r"ingress|ingress_settings", ladder(("ingress_traffic_internal_only", "allow_internal_only",
                                                    "internal-only", "internal"),
                                                   ("ingress_traffic_internal_load_balancer", "allow_internal_and_gclb",
                                                    "internal-and-cloud-load-balancing"),
                                                   ("ingress_traffic_all", "allow_all", "all")),
        "ingress opened to all traffic")
control(PUBLIC, r"load_balancing_scheme|scheme|\w*load-balancer-scheme|\w*load-balancer-type"
        r"|\w*(?:elb|lb|alb|nlb|load_balancer)_?scheme",
        ladder(("internal", "internal_managed", "internal_self_managed"),
               ("external", "external_managed", "internet-facing", "internet_facing", "public")),
        "made internet-facing")
# A switch port or port group that lets a machine read traffic not addressed to it or send as another machine
# (vSphere `allow_promiscuous`, `allow_forged_transmits`, `allow_mac_changes`; an invented switch's
# `promiscuous_mode`): every neighbour on the segment can sniff or spoof its traffic. True is the open side.
control(INGRESS, r"(?:allow_|permit_|accept_)?(?:promiscuous(?:_mode)?|forged_transmits?|mac_(?:address_)?changes"
        r"|spoofing|mac_spoofing|ip_spoofing)(?:_(?:allowed|enabled|accepted))?", inverted,
        "machines on the segment can sniff or spoof each other's traffic", create=Severity.HIGH)
