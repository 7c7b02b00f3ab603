"""The security-controls vocabulary (risk rules stage), what any provider's switches mean for who gets in: access
brokers bypassed, objects shared with anyone who has the link, any address let in, open sign-up, requests no
longer signed, pages that stop asking for a sign-in, short passwords, data masking off.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.addressing import internal_address
from tfreview.pipeline.rules.code import OPENED
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.crossings import JOINED
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.protection import PROTECTION
from tfreview.pipeline.rules.recipients import NOBODY
from tfreview.pipeline.rules.retention import BACKUP, LOGGING
from tfreview.pipeline.rules.strengths import absent, count, flag, inverted, ladder, off_word, present
from tfreview.pipeline.rules.supplychain import SUPPLY
from tfreview.pipeline.rules.tenants import admin_value
from tfreview.pipeline.rules.traffic import MTLS
from tfreview.pipeline.rules.units import duration
from tfreview.pipeline.rules.values import number
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, PUBLIC, TLS
from tfreview.pipeline.rules.workloads import WIDE

_SPLIT = lazy_compile(r"[^a-z0-9]+")
SHORT_PASSWORD = 8  # below this many characters a password falls to guessing (NIST SP 800-63B's minimum)
IDENTITY_PROVIDERS = frozenset({"aad", "azuread", "entra", "entraid", "oidc", "saml", "openid"})

# Sinks that keep nothing: a route or pipeline sent there delivers its records nowhere.
NOWHERE = frozenset({"null", "nil", "none", "discard", "blackhole", "devnull", "dev_null", "drop", "nop", "noop",
                     "debug", "logging"})


def delivers(value: Any) -> float | None:
    """1 while a destination (or every one of a list) names a real sink, 0 once it names only a null one (`dst_null`,
    `discard`, an OTel `debug` exporter); None for anything else."""
    items = value if isinstance(value, list) else [value]
    words = [set(_SPLIT.split(str(item).strip().lower())) - {"", "dst", "sink", "exporter", "output", "dest"}
             for item in items if isinstance(item, str) and item.strip()]
    if not words:
        return None
    return 0 if all(w and w <= NOWHERE for w in words) else 1


# Words of a value returned masked, and of one returned whole (`last4` → `full_pan`, `masked` → `clear`).
MASKED_FORMS = frozenset({"last4", "lastfour", "last", "four", "first6", "masked", "mask", "partial", "partially",
                          "redacted", "truncated", "tokenized", "tokenised", "token", "hashed", "hash", "obfuscated",
                          # a redaction burned into the image or flattened: the text under it is gone
                          "burned", "burnt", "burn", "in", "flattened", "flatten", "permanent"})
WHOLE_FORMS = frozenset({"full", "clear", "cleartext", "plain", "plaintext", "unmasked", "raw", "decrypted",
                         "pan", "whole", "original", "none",
                         # a redaction laid over the text as a removable layer: the text is still under it
                         "overlay", "annotation", "annotated", "highlight", "removable", "reversible"})


def reveals(value: Any) -> float | None:
    """1 while a value names a masked form (`last4`, `REDACTED`), 0 once it names the whole value (`full_pan`,
    `cleartext`); None for anything else."""
    if not isinstance(value, str) or not value.strip():
        return None
    words = set(_SPLIT.split(value.strip().lower())) - {""}
    if words and words <= MASKED_FORMS:
        return 1
    return 0 if words and words <= WHOLE_FORMS else None


def idp_only(value: Any) -> float | None:
    """1 while every sign-in method of a list is an identity provider's, 0 once another (a certificate, RADIUS)
    sits beside it; None for anything else."""
    items = [str(v).strip().lower() for v in value] if isinstance(value, list) else None
    if not items:
        return None
    return 1 if all(item in IDENTITY_PROVIDERS for item in items) else 0



def password_length(value: Any) -> float | None:
    """1 for a minimum password length of at least eight characters, 0 below it; None for anything else."""
    found = number(value)
    return None if found is None or isinstance(value, bool) else float(found >= SHORT_PASSWORD)


def default_role(value: Any) -> float | None:
    """0 for a role every user who signs in gets that is an admin role (`Admin`), 1 for any other role name."""
    if not isinstance(value, str) or not value.strip():
        return None
    name = value.strip()
    if any(c in name for c in "()[]&|=?:,'\"` "):
        return 1  # an expression: who gets what depends on each user's claims
    return 0 if admin_value(name) else 1


def mapped_role(value: Any) -> float | None:
    """0 when a role mapping (a JMESPath over the user's claims) is a quoted constant naming an admin role
    (`'Admin'`): every user gets it; 1 for a claim lookup (`role`) or a mapping by condition
    (`contains(groups[*], 'ops') && 'Admin' || 'Viewer'`)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    quoted = len(text) > 1 and text[0] == text[-1] and text[0] in "'`\""
    return default_role(text[1:-1]) if quoted else 1


# A switch that shares an object with anyone who has its link (`share_publicly`, `public_sharing`,
# `anyone_with_link`): on, the data is public; notable on a new object too, sharing is a deliberate act.
control(PUBLIC, r"(?!\w*(?:disabled|blocked|prevent\w*|restrict\w*|deny|denied)$)"
        r"(?:(?:\w+_)?(?:share|shared|sharing|link)_?(?:publicly|public|with_anyone|anyone|everyone)(?:_\w+)?"
        r"|(?:\w+_)?(?:public|publicly|anyone|everyone)_(?:share|shared|sharing|link|links)(?:_\w+)?"
        r"|anyone_with_(?:the_)?link"
        r"|allow_public_sharing)", inverted, "shared with anyone who has the link", create=Severity.HIGH)
# A restriction on what a share's readers may take out (Analytics Hub's `restricted_export_config`, any provider's
# `restrict_download`, `prevent_copy`, `disable_export`): off, they copy the data into places of their own, and
# revoking their access no longer takes it back.
control(AUTH, r"\w*(?:restrict|prevent|block|deny|disable)\w*_(?:export|copy|download|egress|exfiltration)s?"
        r"(?:_\w+)?(?:\.(?:enabled|enable|is_enabled))?", flag,
        "readers may now copy or export the data out, beyond the reach of revoking their access")
# A bearer link (a pre-authenticated request, a presigned or SAS link): whoever holds the URL gets in, with no
# identity. Scoped to one object it is a hand-off; reaching any object of the bucket it is the bucket opened, and
# with write, anyone holding it can plant or overwrite data.
control(PUBLIC, r"access_type|access_level|link_access",
        ladder(("objectread", "objectwrite", "objectreadwrite"), ("anyobjectread",),
               ("anyobjectwrite", "anyobjectreadwrite")),
        "a bearer link reaches every object of the bucket", create=Severity.HIGH, create_below=2,
        types=r"preauth|presign|pre_authenticated|(?:^|_)sas(?:_|$)|bearer|share_link|signed_url")
# A switch that lets any address connect, or stops enforcing the source allow-list it had.
control(PUBLIC, r"allow_(?:all|any)_(?:ips?|sources?|addresses|networks|cidrs)", inverted, "any address may connect")
control(PUBLIC, r"enforce_\w*(?:ip|network|source)_?(?:allow_?list|whitelist|restrictions?)\w*"
        r"|\w*(?:ip|network)_(?:allow_?list|whitelist|restrictions?)_enforce(?:d|ment)?", flag,
        "the source allow-list is no longer enforced")
# When traffic skips the access broker or proxy in front of an application (`bypass_type` NEVER → ALWAYS): it then
# reaches the application with no identity or policy check. Bypassing on a trusted network only is a usual setup.
control(AUTH, r"\w*bypass_(?:type|mode|policy)",
        ladder(("never", "none", "off", "disabled", "on_net", "on_network", "trusted_network", "conditional"),
               ("always", "all", "any", "everyone")),
        "traffic now bypasses the access check", create=Severity.HIGH, create_below=2)
# A share link of any product (a camera's live stream, a folder, a dashboard) that asks no sign-in: created so or
# switched so, whoever holds the URL reads what it shares. Read before the page-and-site line below, which judges
# a switch only.
control(AUTH, r"require_(?:login|sign_?in|password|auth\w*)|(?:login|sign_?in|password|auth)_required", flag,
        "anyone holding the link reads what it shares, without signing in",
        types=r"share_link|shared_link|guest_link|public_link|share_url|(?:^|_)share$", create=Severity.HIGH)
# Who may read a review or submission's authors or reviewers (a journal's `blind_mode`, any anonymity setting):
# double-blind → single → open, or identities never revealed → revealed.
control(PUBLIC, r"\w*blind(?:_mode|_review|ing)?|\w*anonymi[sz](?:ation|ity)_(?:mode|level)",
        ladder(("double", "double_blind", "triple", "triple_blind"), ("single", "single_blind"),
               ("open", "none", "off", "disabled")),
        "who wrote or reviewed is no longer kept from the other side")
control(PUBLIC, r"reveal_\w*identit(?:y|ies)|\w*identit(?:y|ies)_disclosure|disclose_\w*identit(?:y|ies)",
        ladder(("never", "none", "off", "disabled", "false", "hidden"),
               ("on_report_submission", "on_decision", "on_acceptance", "on_publication", "always", "immediately",
                "on_request")),
        "identities kept hidden are now revealed")
# A page, site or share that asked for a sign-in or a password before showing anything (`require_login`,
# `password_protected`): off, anyone who finds it reads it.
control(AUTH, r"require_(?:login|sign_?in|password)|(?:login|sign_?in|password)_required"
        r"|password_protect(?:ed|ion)(?:_enabled)?", flag, "a sign-in or password is no longer asked for")
# Who may get an account or a seat: open sign-up, self-registration, members approved without anyone looking.
control(AUTH, r"(?:allow|enable|open|public|self)_?(?:sign_?ups?|registrations?|self_registration)"
        r"(?:_enabled|_allowed)?|(?:sign_?up|registration)s?_(?:enabled|allowed|open)"
        r"|auto_(?:approve|accept)_\w*(?:members?|users?|joins?|requests?|invites?)", inverted,
        "anyone may now create an account or join")
control(AUTH, r"disable_sign_?ups?|disable_self_?(?:service_)?(?:registration|sign_?up)", flag,
        "anyone may now sign up for an account")
control(AUTH, r"invite_only|invitation_only|(?:sign_?up|registration)s?_(?:require|requires)_\w*(?:approval|invite)",
        flag, "joining no longer needs an invitation or approval")
# A receiver that checked each request's signature (a webhook's HMAC): off, anyone who finds the URL is believed.
control(AUTH, r"\w*verify_\w*signatures?|\w*signature_verification(?:_enabled)?|validate_\w*signatures?"
        r"|\w*verify_(?:webhook|payload|hmac)\w*", flag, "request signatures are no longer checked")
# Code or artefacts a deployer pulls only once their signature verifies (Flux's `spec.verify`, a source's
# `verify_commits`): the verification removed, whatever the source publishes is deployed unsigned.
control(SUPPLY, r"verify\.(?:mode|provider|secret_?ref\.name)|verify_(?:commits?|tags?)",
        present, "signature verification of what is deployed removed (unsigned code is accepted)",
        types=r"manifest|source|git|repository|image_?policy|oci|helm")
# Fetched code or artefacts checked against a digest before they run (`verify_integrity`, a checksum check): the
# check switched off or the pinned digest removed, whatever the source serves today runs.
control(SUPPLY, r"verify_integrity|\w*integrity_(?:check\w*|verification\w*)|verify_(?:checksum|digest|hash)\w*"
        r"|\w*checksum_(?:verification|validation|check)\w*", flag,
        "fetched code or artefacts are no longer checked against their digest")
control(SUPPLY, r"sha256|sha512|\w*source_sha256|expected_(?:sha256|digest|checksum)|integrity|content_hash",
        present, "the digest that pinned fetched code is removed: whatever the source serves today runs")
EXACT_VERSION = lazy_compile(r"=?v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?|[0-9a-f]{40}|sha256:[0-9a-f]{64}")


def exact_version(value: Any) -> float | None:
    """1 for an exact version, commit or digest (`9.0.2`, a 40-hex commit), 0 for one that floats (`latest`, `*`,
    `^9.0.0`, a branch, an empty text), None for anything else (a dependency removed has no version to float)."""
    if value == "":
        return 0
    if not isinstance(value, str) or not known(value):
        return None
    return 1 if EXACT_VERSION.fullmatch(value.strip()) else 0


# A dependency of code that runs (a login action's npm packages, a function's libraries) moved from an exact version
# to one that floats: the next publish of that name, or of a look-alike name, runs unreviewed.
control(SUPPLY, r"\w*dependenc(?:y|ies)\.version|packages?\.version|requirements?\.version|libraries\.version"
        r"|plugins?\.version", exact_version,
        "a dependency of code that runs now floats (latest or a range): whatever is published next runs")
# Which kind of registry a service pulls its image from, where the platform names it (DigitalOcean App Platform's
# `image.registry_type` DOCR → DOCKER_HUB): from the account's own registry to a public one, whoever publishes under
# that namespace decides what runs (publishers.py reads image references written out in full).
control(SUPPLY, r"\w*registry_type",
        ladder(("docr", "ecr", "acr", "gcr", "gar", "artifact_registry", "private", "internal", "own"),
               ("docker_hub", "dockerhub", "docker", "ghcr", "github", "quay", "public")),
        "the image now comes from a public registry: whoever publishes there decides what runs")
# A CI or deploy server that ran only the pipelines its admins wrote now lets each repository bring its own
# (Atlantis `allow_custom_workflows`, any runner's `allow_custom_pipelines`): whoever can open a pull request runs
# any command with the server's credentials.
control(SUPPLY, r"allow_custom_(?:workflows?|pipelines?|commands?|steps?|scripts?)|allow_repo_(?:workflows?|config)",
        inverted, "repositories may now run their own commands with the server's credentials")
# Where a project's CI definition is read from (GitLab `ci_config_path`, a build's spec file): moved from a file of
# the repository to a URL, the pipeline that holds the project's deploy credentials runs whatever that host serves.
def repository_file(value: Any) -> float | None:
    """1 for a path in the repository (`.gitlab-ci.yml`, `ci/build.yml`), 0 for a URL; None for anything else (an
    inline definition: its text is read by what it runs, bootscript.py)."""
    if value is None or value == "":
        return 1  # unset: the repository's own default file
    if not isinstance(value, str) or not known(value) or any(c.isspace() for c in value.strip()):
        return None
    return 0 if "://" in value else 1


control(SUPPLY, r"ci_config_path|\w*(?:pipeline|build|ci)_(?:config|definition|spec)_(?:path|file|url)|buildspec",
        repository_file, "the CI definition is now fetched from a URL: the pipeline runs whatever that host serves")
# What a deployer, scheduler or registry admits only once signed (`require_signature`, `signed_images_only`,
# `enforce_signed_commits`, `signatures_required`): off, unsigned images or code roll out.
control(SUPPLY, r"require_(?:\w+_)?signatures?|require_signed_\w+|signatures?_required|signed_\w+_(?:only|required)"
        r"|enforce_(?:\w+_)?signatures?|enforce_signed_\w+", flag, "unsigned images or code are now accepted")
# How far a source, deployer or admission point trusts what it is handed (`trust_mode`, `verification_mode`,
# `signature_policy`): from verified or signed-only to any or none, unsigned artefacts from anywhere are admitted.
control(SUPPLY, r"\w*(?:trust|verification|verify|signature|signing)_(?:mode|policy|level)",
        ladder(("verified", "signed", "signed_only", "strict", "enforce", "enforced", "required"),
               ("audit", "warn", "permissive", "optional"), ("any", "none", "off", "disabled", "unverified", "all")),
        "what it admits no longer has to be signed or verified")
# A registry's tags kept for good (`image_tag_mutability = "IMMUTABLE"`, any registry's tag immutability): made
# mutable, whoever may push swaps what a released tag runs on its next pull (mutabletags.py also weighs who pushes).
control(SUPPLY, r"\w*tag_mutability", ladder(("immutable",), ("immutable_with_exclusion",),
                                              ("mutable", "mutable_with_exclusion")),
        "released tags can now be overwritten (whoever can push swaps what a deployed tag runs)",
        outside_production=Severity.MEDIUM)
# Who a gallery, image or template is shared with (Azure's `sharing.permission`: Private → Groups → Community):
# Community publishes it to every tenant, the agents, trust stores and bootstrap settings baked into it included.
control(PUBLIC, r"sharing\.permission|sharing_permission|share_permission", ladder(("private",), ("groups",),
                                                                                    ("community", "public")),
        "shared with every tenant (community or public sharing)", create=Severity.HIGH, create_below=2)
# A window or schedule that patches the fleet (an SSM maintenance window, a patch or update schedule of any
# provider): switched off, hosts stop receiving security updates and nothing says so.
control(PROTECTION, r"enabled|enable|is_enabled|state|status", flag,
        "host patching is switched off (the fleet stops receiving security updates)",
        types=r"maintenance_window$|patch|update_(?:management|configuration|schedule)|auto_?update")
# Content served only with a signed URL or cookie (a CDN behaviour's `trusted_key_groups`, `trusted_signers`):
# removed, anyone with the link fetches it.
control(AUTH, r"\w*trusted_key_groups|trusted_signers", present,
        "signed URLs or cookies are no longer required (anyone with the link fetches it)")
# Mutual TLS: a domain's or listener's trust store of client CAs (`mutual_tls_authentication.truststore_uri`, any
# provider's mtls block): removed, callers are no longer asked for a certificate.
control(MTLS, r"\w*(?:mutual_tls|mtls)\w*\.(?:trust_?store_uri|ca_?cert\w*|client_ca\w*)", present,
        "callers are no longer asked for a client certificate (mutual TLS removed)")
# The far end's identity pinned by a client (an SFTP or SSH remote's host-key `fingerprints`, `known_hosts`,
# `trusted_host_keys`, a pinned certificate): removed, any host key is accepted, and whoever intercepts the
# connection can pose as the partner to feed or capture the files.
control(TLS, r"fingerprints|known_hosts|trusted_host_keys?|\w*host_key_fingerprints?|\w*(?:pinned|pin)_(?:certs?"
        r"|certificates?|public_keys?|keys?|hashes)", present,
        "the remote's pinned identity is removed (any host key or certificate is accepted)")
# The sign-in an ingress controller puts in front of an app (`nginx.ingress.kubernetes.io/auth-url`,
# `auth-signin`, an ALB's `auth-type`): removed, the app answers anyone who reaches it.
control(AUTH, r"auth-url|auth-signin|auth-type|auth-tls-secret", present,
        "the sign-in in front of it is removed (it answers anyone who reaches it)")
# An authentication plugin's anonymous fallback (Kong's `anonymous`: the consumer a failed check runs as): set, a
# request with no or a bad credential goes through as that consumer instead of a 401.
control(AUTH, r"(?:config(?:_json)?\.)?anonymous", absent,
        "a failed or missing credential now falls through as an anonymous consumer instead of being refused",
        types=r"plugin|auth|jwt|key_auth|oauth|openid|basic")
# Routing settings that join segments: a transit gateway's default route-table association or propagation (every
# attachment lands in one flat table), a route table's gateway route propagation (learned routes beat the one to the
# firewall). A peering exporting its routes is crossings.py's (a cloud's own service producers are its exception).
control(JOINED, r"default_route_table_(?:association|propagation)", ladder(("disable",), ("enable",)),
        "attachments land in one default route table and reach each other (segments joined)")
control(JOINED, r"disable_bgp_route_propagation", flag,
        "gateway-learned routes now propagate into it and can take traffic around the firewall route")
control(JOINED, r"bgp_route_propagation_enabled|propagate_gateway_routes", inverted,
        "gateway-learned routes now propagate into it and can take traffic around the firewall route")
# How remote users sign in to a VPN: beside the identity provider, a certificate or RADIUS method lets anyone with
# a client certificate from that root in, with no MFA or conditional access.
control(AUTH, r"\w*vpn_auth_types|vpn_authentication_types", idp_only,
        "a sign-in method outside the identity provider is added (certificates or RADIUS: no MFA, no conditional "
        "access)")
# A connector resource's port policy (Twingate's `protocols.tcp.policy`, any zero-trust resource's): restricted to
# listed ports → every port.
control(WIDE, r"(?:protocols?\.)?(?:tcp|udp)\.policy|port_policy", ladder(("restricted", "deny_all"), ("allow_all",)),
        "every port is now allowed, not the listed ones")
# Where a log route or telemetry pipeline delivers (a router's `destination_id`, an OTel pipeline's `exporters`):
# sent to a null sink, the records it carried (an audit stream) reach no one.
control(LOGGING, r"destination\w*|\w*_destination\w*|exporters|outputs?|sinks?|targets?", delivers,
        "its records now go to a sink that keeps nothing", types=r"log|route|pipeline|otel|collector|config_map|audit",
        diagnostic=Severity.MEDIUM)
# An on-call rotation slot handed to nobody (Opsgenie's participant `type = "none"`): those weeks page no one.
control(NOBODY, r"participants?\.type", ladder(("user", "team", "escalation", "schedule"), ("none",)),
        "a rotation slot now belongs to nobody (that shift pages no one)")
# Something only named people may change or use (a release channel's, an environment's or a registry's
# `restricted`): off, anyone with access to the project may.
control(AUTH, r"restricted|is_restricted|access_restricted", flag,
        "it is no longer restricted to named people (anyone with access to the project may change or use it)")
# A function's or app's code-signing configuration detached (Lambda's `code_signing_config_arn`, any provider's
# signing profile or policy reference): the next package is deployed whoever signed it.
control(SUPPLY, r"code_signing_config\w*|code_signing_(?:profile|policy)\w*|signing_profile_(?:arn|name|version_arn)",
        present, "the code-signing configuration is detached (unsigned code is accepted)")
control(AUTH, r"\w*min(?:imum)?_password_length|password_min(?:imum)?_length|\w*password_length_min(?:imum)?"
        r"|password_policy\.\w*min\w*length", password_length, "passwords may now be shorter than eight characters",
        create=Severity.MEDIUM)
control(AUTH, r"\w*lockout_threshold|max_(?:failed_)?login_attempts_before_lockout", count,
        "failed sign-ins no longer lock the account")
# Checks on each request: forged cross-site requests, guessing at speed.
control(AUTH, r"\w*csrf\w*(?:_enabled|_protection|_check)?|enable_csrf\w*|\w*rate_?limit(?:ing)?_enabled"
        r"|enable_rate_?limit\w*", flag, "a check against forged or rapid-fire requests is turned off")
# An app or resource that only admitted the users and groups assigned to it (`app_role_assignment_required`,
# `assignment_required`, `require_user_assignment`): off, every account of the tenant, guests included, signs in.
control(AUTH, r"(?:\w+_)?(?:user_|role_|group_)?assignments?_required|requires?_(?:\w+_)?assignments?", flag,
        "any account of the tenant may now sign in (assignment no longer required)")
# A single sign-on's role mapping that gives everyone admin (Grafana's `role_attribute_path = "'Admin'"`, a default
# role of Admin), or lets the identity provider hand out the server-wide admin role.
control(PRIVILEGED, r"\w*role_attribute_path", mapped_role, "every user who signs in is mapped to an admin role")
control(PRIVILEGED, r"auto_assign_org_role", default_role, "every user who signs in is mapped to an admin role")
control(PRIVILEGED, r"default_(?:org_|user_)?role", default_role, "every user who signs in is mapped to an admin role",
        types=r"sso|saml|oauth|oidc|ldap|identity_provider|idp|sign_?in")
control(PRIVILEGED, r"allow_assign_\w*admin", inverted,
        "the identity provider may now make users server admins", severity=Severity.MEDIUM)
control(AUTH, r"enable_(?:sso|saml|mfa|2fa|two_factor)", flag, "a sign-in requirement turned off")
control("iam-privileged-role", r"allow_\w*impersonat\w*|impersonation_enabled|enable_impersonation", inverted,
        "a principal may now act as any user")
# Masking or redaction of sensitive data (PII, secrets) in a warehouse, log pipeline or API of any provider.
control(OPENED, r"(?:enable_)?(?:data_masking|masking|redaction|pii_redaction|dlp|tokeni[sz]ation|log_redaction)"
        r"(?:_enabled|_enforced)?|mask_(?:secrets|pii|sensitive\w*)|redact_(?:secrets|pii|sensitive\w*)", flag,
        "sensitive data is no longer masked or redacted")
# A watermark stamped on what a service hands out (a stock-photo preview, a document viewer): off, the files it
# serves are the clean originals anyone may take.
control(OPENED, r"enabled|is_enabled|\w*watermark\w*_enabled|watermark(?:ing)?|apply_watermark", flag,
        "what it serves is no longer watermarked", types=r"watermark")
# How a service redacts or de-identifies what it stores (a virtual agent's `redaction_strategy`, its DLP inspect and
# de-identify templates) removed: conversations and card numbers are stored as they were said.
control(OPENED, r"\w*redaction_(?:strategy|scope|policy|rules?|config\w*)|\w*de_?identify_(?:template|config\w*)",
        present, "sensitive data is no longer masked or redacted")
# What a detokenization or lookup returns (a card vault's `return_format`, a masking mode): a masked form (last four,
# redacted, a token) moved to the whole value hands cardholder data or PII to everyone the policy admits.
control(OPENED, r"\w*(?:return|reveal|display|response|mask(?:ing)?|output|redaction)_(?:format|mode|style|level)",
        reveals, "the value is now returned whole instead of masked")
# A token's, key's or invitation's end date removed: the credential now works until someone revokes it.
control(AUTH, r"expires_at|expires_on|expiry|expiry_date|expiration|expiration_date|expires|valid_until|not_after",
        present, "the credential no longer expires", types=r"token|api_key|access_key|_key$|credential|password"
        r"|secret|invitation|invite|share_link|service_account_key")
# A mail sender's suppression of bounces and complaints (SES `suppressed_reasons`, any provider's suppression list)
# emptied: mail keeps going to addresses that bounce or complain, and the provider pauses the sender it rates.
control(PROTECTION, r"\w*suppressed_reasons|\w*suppression_(?:list|reasons)(?:_enabled)?", present,
        "bounces and complaints are no longer suppressed (the sender's reputation and sending are at stake)")
# Data held write-once (object lock, immutability, WORM): off, it can be altered or deleted again.
control(PROTECTION, r"\w*object_lock_enabled|\w*object_lock\.enabled|immutab\w*_enabled|is_immutable|\w*worm_enabled",
        flag, "write-once protection turned off")

# A schema registry's compatibility rule of any provider (Glue's `compatibility`, Confluent's `compatibility_level`)
# moved from an enforced mode to NONE: the registry stops refusing schemas that drop required fields or retype them,
# and existing consumers fail to decode the next version. A move between enforced modes is not judged.
control(PROTECTION, r"\w*compatibility(?:_level|_mode|_type)?",
        ladder(("backward", "backward_all", "backward_transitive", "forward", "forward_all", "forward_transitive",
                "full", "full_all", "full_transitive"), ("none", "disabled")),
        "schema compatibility checks turned off: breaking schema versions are accepted")


def listed(value: Any) -> float | None:
    """1 for a non-empty list, 0 for an empty one or none; None for anything else (flags and modes are read
    elsewhere)."""
    if isinstance(value, list):
        return 1 if [v for v in value if v not in (None, "")] else 0
    return 0 if value is None else None


# The list of what a system enforces (a scheduler's `accounting_storage_enforce = [associations, limits, qos]`, any
# provider's `enforced_checks`): emptied, nothing is checked any more — jobs run beyond every limit, requests pass
# every check that list named.
control(PROTECTION, r"\w*enforce(?:d|ment|ments)?(?:_\w+)?|\w+_enforce(?:d|ment|ments)?", listed,
        "nothing is enforced any more (the list of what is enforced is emptied)")
# The list of policy types a catalog or taxonomy activates (Data Catalog's `activated_policy_types =
# [FINE_GRAINED_ACCESS_CONTROL]`, any provider's active or enabled policies): emptied, the column-level access
# control its tags carried stops, and every reader of the tables sees the tagged columns.
control(PROTECTION, r"(?:activated|active|enabled|enforced)_polic(?:y|ies)(?:_types?)?", listed,
        "no policy is activated any more (the list of activated policy types is emptied)")
# A legal or litigation hold on data (a dataset, a mailbox, an object): released, the data it kept past every
# retention rule may be purged.
control(PROTECTION, r"\w*(?:legal|litigation)_holds?(?:_enabled|_status|_state|\.enabled|\.status|\.state)?", flag,
        "the legal hold is released: what it kept may now be purged")
# What a verification, a safety system or a guard does when a check fails or a fault is found (an identity check's
# `on_fail`, an autonomous vehicle's `lidar_fault_action`, `obstacle_response`): stopped, rejected or sent to a person
# before → let through, carried on or only noted now: everything that fails it passes.
control(AUTH, r"on_fail(?:ure|ed)?(?:_action)?|fail(?:ure)?_action|when_failed|fallback_action"
        r"|\w*(?:fault|failure|obstacle|violation|anomaly|tamper)_(?:action|response|behaviou?r)",
        ladder(("deny", "reject", "block", "decline", "fail", "refuse", "stop", "quarantine", "manual_review", "review",
                "hold", "escalate", "safe_stop", "halt", "brake", "shutdown", "pause", "lockout"),
               ("approve", "allow", "accept", "pass", "permit", "continue", "ignore", "skip", "proceed", "advisory",
                "warn", "log", "log_only", "monitor", "notify")),
        "what fails the check is now let through")
# How a case or a screening is decided (`adjudication_mode`, any provider's review mode): by a person before, cleared
# automatically now: what a reviewer would have stopped passes.
control(AUTH, r"\w*adjudication(?:_mode|_method|_policy)?|\w*review_mode|\w*decision_mode",
        ladder(("manual", "manual_review", "human", "human_review", "review", "two_person"),
               ("auto", "automatic", "auto_clear", "auto_approve", "auto_accept", "none", "skip")),
        "what a person decided is now cleared automatically")
# A record kept write-once (a ledger's `immutability`, any store's WORM mode): made updatable, what was written can be
# changed after the fact.
control(PROTECTION, r"immutability(?:_mode|_policy)?|\w*ledger_mode|\w*write_mode",
        ladder(("write_once", "worm", "immutable", "locked", "append_only", "read_only"),
               ("append_update", "mutable", "updatable", "update", "editable", "read_write", "none", "disabled")),
        "records kept write-once can now be changed")
# The hash chain or tamper evidence over a log or ledger (`hash_chain.enabled`, `tamper_evidence`, log file
# validation): off, an edited record is no longer detected.
control(PROTECTION, r"\w*hash_chain(?:ing)?(?:_enabled|\.enabled)?|\w*tamper_(?:evidence|detection|proof)\w*"
        r"|\w*integrity_(?:check|checks|verification|validation)(?:_enabled|\.enabled)?", flag,
        "tampering with the records is no longer detected")
# One check of a verification's list of checks (`checks = [{type = "liveness", enabled = true}, …]`) switched off:
# what it caught (a photo held to the camera, a synthetic identity) now passes. Not a health check's switch.
control(AUTH, r"(?:checks|verifications|validations|screenings)\.(?:enabled|is_enabled|active)", flag,
        "a verification check is switched off: what it caught now passes")
# Isolation between the clients or tenants of one network (Wi-Fi client isolation, a guest VLAN kept apart, any
# provider's `tenant_isolation`, `client_isolation_enabled`): off, guests or tenants reach each other and whatever
# shares their segment (the point-of-sale on a store's LAN). Also the negated spelling.
control(JOINED, r"\w*isolat(?:ed|ion|e)(?:_enabled|_mode|_enforced)?|enable_\w*isolation|isolate_\w+", flag,
        "isolation between the clients or tenants of the network is switched off: they reach each other")
control(JOINED, r"disable_\w*isolation|\w*isolation_disabled", inverted,
        "isolation between the clients or tenants of the network is switched off: they reach each other")


def reauthenticated_within(value: Any) -> float | None:
    """How soon a sign-in must be made again, as a strength (a shorter window is stronger): minus the seconds of a
    duration text (`PT12H`, `12h`); None for bare numbers, whose unit the key alone may not say."""
    seconds = duration(value) if isinstance(value, str) else None
    return None if seconds is None or seconds <= 0 else -seconds


# How often a sign-in is asked for again (an Okta sign-on rule's `re_authentication_frequency`, any provider's
# re-authentication interval): shortened is stricter; lengthened keeps a stolen session alive longer, shown as
# medium (how long is too long is a policy call the plan cannot settle).
control(AUTH, r"re_?auth\w*_(?:frequency|interval|period|after)|reauthenticat\w*_(?:frequency|interval|every)",
        reauthenticated_within, "a sign-in is asked for again less often", severity=Severity.MEDIUM)


def kept_for(value: Any) -> float | None:
    """Seconds a duration text keeps data (`2557d`, `P7D`, `720h`); None for bare numbers and anything else."""
    seconds = duration(value) if isinstance(value, str) else None
    return None if seconds is None or seconds <= 0 else seconds


# The age at which an index lifecycle deletes its data (Elasticsearch/OpenSearch ILM/ISM `delete.min_age`, any
# provider's delete phase): cut to a fiftieth or less (seven years to a week), the history it kept is gone.
control(BACKUP, r"delete(?:\[\d+\])?\.min_age|delete_phase\.\w*age|(?:delete|expire)_after_age", kept_for,
        "the age at which its data is deleted is cut to a fiftieth or less", drop_factor=50)
# The age past which a garbage-collection policy deletes stored versions (Bigtable's `max_age`, any store's GC rule):
# cut to a fiftieth or less (five years to a day), the history it kept is collected.
control(BACKUP, r"max_age(?:\[\d+\])?\.duration|max_age|gc_\w*max_age\w*", kept_for,
        "the age past which its data is garbage-collected is cut to a fiftieth or less", drop_factor=50,
        types=r"(?:^|_)gc_polic(?:y|ies)$|garbage_collection")
# An API key's restrictions (Google's `restrictions` block: the apps, referrers, addresses and APIs it may be used
# from) removed: the key, shipped inside an app or a web page, is usable by anyone, against any API it reaches.
control(AUTH, r"restrictions(?:\.[\w.]+)?|allowed_(?:applications|referrers|ips|bundle_ids)(?:\.[\w.]+)?",
        present, "the key's restrictions are removed: anyone holding it may use it from anywhere",
        types=r"(?:^|_)(?:apikeys?_key|api_key|apikey)$")
# A CI runner pool's one-job machines (`ephemeral`) given up: a machine keeps what one job left (a poisoned cache, a
# planted binary, a token) for the next, which may be a trusted release build.
control(SUPPLY, r"ephemeral|single_use|one_job_per_runner|\w*ephemeral_runners?", flag,
        "runners are now reused across jobs: what one job leaves behind, the next one runs with",
        types=r"runner|build_agent|agent_pool|worker_pool|(?:^|_)ci_|build_pool")
# A data-loss scanner's or detector's minimum likelihood raised two steps or more (POSSIBLE → VERY_LIKELY): what it is
# less sure of (most card numbers in free text) goes unreported. One step is tuning.
LIKELIHOOD = {"very_unlikely": 16, "unlikely": 8, "possible": 4, "likely": 2, "very_likely": 1}


def likelihood_floor(value: Any) -> float | None:
    """How much a minimum likelihood lets through, halving with each step up; None for another value."""
    return LIKELIHOOD.get(value.strip().lower()) if isinstance(value, str) else None


control(DETECTION, r"min_likelihood|minimum_likelihood", likelihood_floor,
        "the scanner now reports only what it is surest of: likely findings go unreported", drop_factor=3)
# A one-way transfer (a cross-domain guard's or data diode's `direction` low_to_high) made two-way: the high side
# gains a path out.
control(JOINED, r"\w*direction|\w*flow_mode|\w*transfer_mode",
        ladder(("low_to_high", "high_to_low", "one_way", "oneway", "unidirectional", "simplex", "inbound_only",
                "outbound_only"), ("bidirectional", "two_way", "twoway", "duplex", "both")),
        "a one-way transfer made two-way: the protected side gains a path out")
# A screening of what leaves or arrives (export control, sanctions, malware) switched off, or a route made without it.
control(DETECTION, r"\w*screening(?:_enabled|_mode|_status|_state)?", off_word,
        "screening turned off: what it checked passes unchecked", create=Severity.HIGH)


def private_address(value: Any) -> float | None:
    """1 for an address in the organisation's own ranges (addressing.internal_address), 0 for any other address;
    None for anything that is no IP address."""
    internal = internal_address(value) if isinstance(value, str) else None
    return None if internal is None else float(internal)


# Where a data stream is delivered, moved from a private address to one on the internet (a ground station's
# demodulator endpoint, a forwarder's destination): the stream now leaves the network.
control(JOINED, r"\w*(?:end_?point|destination|target|sink|receiver)\w*\.ip_address|\w*(?:destination|target)_ip",
        private_address, "the stream's destination moves from a private address to one on the internet")
# A role's row or document filter (Elasticsearch's document-level security `indices.query`, a grant's row filter)
# removed: whoever holds the role reads every document of its indices, other customers' included.
control(OPENED, r"indices\.query|\w*row_(?:filter|level_security)\w*|\w*document_level_security\w*|dls_query",
        present, "the role's row filter is removed: every document it reaches is readable",
        types=r"role|grant|permission|polic")
# A role's own name that says it only reads.
READ_ONLY_ROLE = lazy_compile(r"read[_-]?only|readonly|reader|viewer|(?:^|[_-])ro$")


def role_level(value: Any) -> float | None:
    """1 for a role path or name whose last segment says read-only (`database/creds/warehouse-readonly`), 0 for one
    that says admin or owner; None for anything else."""
    if not isinstance(value, str) or not known(value) or not value.strip():
        return None
    last = value.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    return 1 if READ_ONLY_ROLE.search(last) else 0 if admin_value(last) else None


# Which role a broker hands out credentials of (Boundary's credential library `path`, a Vault database role, a
# brokered session's role): moved from a read-only role to an admin one, everyone who uses the broker holds admin.
control(PRIVILEGED, r"path|credential_path|role|role_name|db_role|\w*_role_name",
        role_level, "credentials are now brokered from an admin role instead of a read-only one",
        types=r"credential_(?:library|source|store)|secret_backend_role|brokered|dynamic_secret")
# What a consent platform assumes before a person answers (a purpose's `default_state` opt_in → granted), and the
# legal basis it records (consent → legitimate interest): personal data is processed without anyone being asked.
control(OPENED, r"\w*default_(?:state|consent|status|choice)",
        ladder(("opt_in", "optin", "denied", "not_granted", "ask", "prompt", "required", "off"),
               ("granted", "opt_out", "optout", "implied", "accepted", "on")),
        "personal data is now processed before anyone consents", types=r"consent|purpose|privacy|cookie|cmp")
control(OPENED, r"\w*legal_basis",
        ladder(("consent", "explicit_consent"), ("legitimate_interest", "legitimate_interests")),
        "personal data is now processed without asking consent", types=r"consent|purpose|privacy|cookie|cmp")
