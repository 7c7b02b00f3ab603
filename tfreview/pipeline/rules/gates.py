"""The security-controls vocabulary, gates (risk rules stage): what stands between a service and anyone who can
reach it, in any provider's words — access lists switched off or turned into block lists, password-free modes,
network types and service endpoints made public, public-named switches, anonymous access flags, backups opted
out of, transparent data encryption and DDoS protection off, deletion protection blocks.

controls.py applies these like vocabulary.py's lines; they run after it and modes.py, so a line there that reads
both values decides first.
"""

from __future__ import annotations

from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.protection import ENCRYPTION, PROTECTION
from tfreview.pipeline.rules.retention import BACKUP
from tfreview.pipeline.rules.strengths import exposure_word, flag, inverted, ladder, switch
from tfreview.pipeline.rules.vocabulary import AUTH, DETECTION, PUBLIC

# An allow-list in front of a service (an ACL, IP whitelist, IP filter) switched off: any address may connect.
control(PUBLIC, r"\w*(?:acl|whitelist|allowlist|allow_list|ip_filter|ip_restriction|access_control|source_ip_check)"
        r"\w*_?(?:status|state|enabled?|switch)", switch,
        "the access list in front of it is switched off: any address may connect")
# An access list turned from the addresses allowed into the addresses blocked: everyone else gets in.
control(PUBLIC, r"\w*acl_type|\w*(?:access_)?list_type|\w*filter_type|\w*acl_mode",
        ladder(("white", "whitelist", "allow", "allowlist", "accept"),
               ("black", "blacklist", "deny", "denylist", "blocklist", "block")),
        "the access list now names who is blocked, not who is allowed: everyone else gets in")
# A network type, address type or service endpoint moved from internal to public (`network_type` INTERNAL → OPEN).
# (Not a NAT gateway, route or VPN: there an internet network type is the way out, not a way in.)
control(PUBLIC, r"\w*network_type|\w*service_endpoints?|\w*endpoint_mode|\w*net_type", exposure_word,
        "reachable from the internet", types=r"^(?!.*(?:(?:^|_)nat(?:_|$)|route|vpn|egress))")
# A switch named public (`api_server_public`, `public_network` Disabled → Enabled) turned on.
# (Not one that disables, blocks or restricts public access: its true is the strong side.)
NOT_PUBLIC = r"(?!\w*(?:disable|block|restrict|deny|prevent|no_public))"
control(PUBLIC, rf"{NOT_PUBLIC}(?:\w*_public|\w*public_network\w*|\w*public_endpoint\w*)", inverted, "made public")
# Flags of an anonymous-access block (`anonymous_access_flags.read`): anyone may read, list or write.
control(PUBLIC, rf"\w*anonymous\w*\.{NOT_PUBLIC}\w+", inverted, "anonymous access allowed")
control(PUBLIC, r"\w*anonymous_?(?:pull|read|list|download|get|browse|write|push|upload)\w*", inverted,
        "anonymous access allowed")
# A service that needs no password (`no_auth`, `password_free`); not passwordless sign-in, which needs a factor.
control(AUTH, r"\w*no_?auth\w*|\w*(?:password|auth)_?free\w*|\w*without_password\w*", inverted,
        "no password or sign-in required")

control(BACKUP, r"backups?|enable_backups?|\w*auto_?backups?", flag, "backups turned off")
control(BACKUP, r"disable_\w*backups?\w*|\w*backups?_disabled|skip_\w*backups?", inverted, "backups turned off")
control(ENCRYPTION, r"(?:\w*_)?tde(?:_\w*)?|transparent_data_encryption\w*", flag,
        "transparent data encryption turned off")
control(DETECTION, r"\w*ddos\w*", flag, "DDoS protection turned off")
control(PROTECTION, r"\w*protection\w*\.\w*(?:delete|deletion|destroy|rebuild|terminat)\w*", flag,
        "deletion protection turned off")
