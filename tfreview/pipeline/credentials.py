"""Mask stage: find credentials inside the text of values nobody marked sensitive, by their shapes (keys, tokens,
connection strings) and by assignments (`password=…`, `--token x`, YAML name/value pairs); and the probes that say,
in a few C passes over a whole serialised plan, whether any can be there. Whether a value is plausibly a credential
and what a key or flag names it are judged in credential_names.py.

Why regexes and not detect-secrets: its plugins (measured, detect-secrets 1.5.0) take 0.26 s to import,
about 2 s per 1.8 MB of plan text, and its KeywordDetector misses unquoted shell assignments such as
`export DB_PASSWORD=hunter2` in user_data; its entropy plugins flag AMI ids and digests. The shapes below
follow its AWS, private-key, GitHub, GitLab, Slack, JWT, basic-auth and keyword plugins, and every shape
has a literal-led probe (see scan.py) so a 50,000-change plan is searched in a few C passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.credential_names import (
    KEYWORDS,
    MIN_LENGTH,
    SHORT_KEY,
    TOOL_FLAGS,
    WORDS,
    keyed_kind,
    plausible,
)

LABELS = {
    "aws-access-key": "an AWS access key", "aws-secret-key": "an AWS secret access key",
    "seed-phrase": "a wallet's recovery (seed) phrase",
    "private-key": "a private key", "github-token": "a GitHub token", "gitlab-token": "a GitLab token",
    "slack-token": "a Slack token", "slack-webhook": "a Slack webhook URL", "jwt": "a JSON web token",
    "url-password": "a password in a connection string", "password": "a password", "secret": "a secret",
    "token": "a token", "api-key": "an API key", "credential": "a credential",
    "stripe-key": "a Stripe secret key", "gcp-service-account-key": "a GCP service-account key",
    "azure-storage-key": "an Azure storage or shared access key", "argument": "a credential passed as an argument",
    "pin": "a PIN or recovery code", "ml-platform-key": "an AI or ML platform API key",
    "service-token": "a package registry or service API token",
    "auth-header": "a credential in an HTTP Authorization header",
    "registry-auth": "a container registry login (a Docker config's base64 user:password)",
}

_ASSIGN = r"[\"']?\s*(?:[:=]|=>)\s*[\"']?"


@dataclass(frozen=True)
class Shape:
    """A credential format: its kind, and the pattern that finds it inside one string."""

    kind: str
    pattern: re.Pattern[str]


SHAPES = (
    Shape("aws-access-key", lazy_compile(r"(?<![A-Z0-9])A(?:KIA|SIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    Shape("private-key", lazy_compile(
        r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|.*)",
        re.DOTALL)),
    # An age identity (SOPS's and age's private key): `AGE-SECRET-KEY-1` and its Bech32 body (any upper-case
    # alphanumerics: a key copied wrong is masked all the same).
    Shape("private-key", lazy_compile(r"AGE-SECRET-KEY-1[0-9A-Z]{50,}")),
    Shape("github-token", lazy_compile(
        r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})(?![A-Za-z0-9_])")),
    Shape("gitlab-token", lazy_compile(
        r"(?<![A-Za-z0-9_-])gl(?:pat|ptt|dt|rt|cbt|soat|ft|imt|agent|oas)-[A-Za-z0-9_-]{20,}")),
    Shape("slack-token", lazy_compile(r"(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,}")),
    Shape("slack-webhook", lazy_compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}")),
    Shape("jwt", lazy_compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    Shape("url-password", lazy_compile(
        r"[A-Za-z][A-Za-z0-9+.-]{0,20}://[^\s\x00-\x1f:/@\"'\\]*:(?P<secret>[^\s\x00-\x1f/@\"'\\]+)@")),
    Shape("stripe-key", lazy_compile(r"(?<![A-Za-z0-9_])[rs]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    # A service-account key file, base64-encoded as google_service_account_key.private_key and provider
    # `credentials` carry it: '{\n  "type": "service_account",' encodes to this prefix.
    Shape("gcp-service-account-key", lazy_compile(r"ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs[A-Za-z0-9+/=]*")),
    # Connection strings of Azure Storage, Service Bus, Event Hubs: AccountKey=…; SharedAccessKey=…
    Shape("azure-storage-key", lazy_compile(r"(?i:AccountKey|SharedAccessKey)=(?P<secret>[A-Za-z0-9+/]{20,}={0,2})")),
    # AI and ML platforms' keys, by their documented prefixes: Hugging Face (hf_, api_org_), Replicate (r8_),
    # OpenAI (sk-proj-, sk-svcacct-, sk-admin-, and legacy keys carrying "T3BlbkFJ"), Anthropic (sk-ant-),
    # Groq (gsk_), Pinecone (pcsk_), Google AI Studio / Gemini API keys (AIza).
    Shape("ml-platform-key", lazy_compile(
        r"(?<![A-Za-z0-9_-])(?:hf_[A-Za-z0-9]{30,40}|api_org_[A-Za-z0-9]{30,40}|r8_[A-Za-z0-9]{30,40}"
        r"|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"
        r"|sk-ant-[a-z0-9]+-[A-Za-z0-9_-]{32,}|(?:g|pc)sk_[A-Za-z0-9_]{40,}|AIza[0-9A-Za-z_-]{35})"
        r"(?![A-Za-z0-9_-])")),
    # Package registries' and services' tokens, by their documented prefixes: npm (npm_), PyPI (pypi-AgEIcHlwaS5vcmc,
    # "pypi.org" in its macaroon), Docker Hub (dckr_pat_), HCP Terraform / TFE (…atlasv1…), Pulumi (pul-), Vault
    # (hvs./hvb.), DigitalOcean (dop_v1_, doo_v1_, dor_v1_), SendGrid (SG.), Shopify (shpat_, shpca_, shppa_, shpss_),
    # New Relic (NRAK-), Postman (PMAK-), Linear (lin_api_), Grafana (glsa_, glc_), Databricks (dapi), Doppler
    # (dp.st.…), Tailscale (tskey-auth-…, tskey-api-…: joins a machine to the tailnet or drives its API).
    # Each grants publishing, deploying or reading a whole account: a token written in a plan is a leaked one.
    Shape("service-token", lazy_compile(
        r"(?<![A-Za-z0-9_.-])(?:npm_[A-Za-z0-9]{36,}|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}|dckr_pat_[A-Za-z0-9_-]{27,}"
        r"|[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,}|pul-[a-f0-9]{40}|hv[sb]\.[A-Za-z0-9_-]{24,}"
        r"|do[opr]_v1_[a-f0-9]{64}|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"
        r"|NRAK-[A-Z0-9]{27}|PMAK-[a-f0-9]{24}-[a-f0-9]{34}|lin_api_[A-Za-z0-9]{40}|glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}"
        r"|glc_[A-Za-z0-9+/]{32,}={0,2}|dapi[a-f0-9]{32}(?:-\d)?|dp\.(?:st|pt|sa|ct|scim|audit)\.[A-Za-z0-9_.-]{40,}"
        r"|tskey-(?:auth|api|client|webhook|scim)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{16,})"
        r"(?![A-Za-z0-9_-])")),
    # An npm or Yarn registry login written into an .npmrc (`//registry.npmjs.org/:_authToken=…`, `:_auth=`,
    # `:_password=`): the registry's key sits after a colon, where ASSIGNMENT reads a path and no key.
    Shape("service-token", lazy_compile(
        r"//[^\s:]+/:_(?:authToken|auth|password)[ \t]*=[ \t]*(?P<secret>[^\s\"'$]{8,})")),
    # An HTTP Authorization header's credential written out (webhook and check headers, any provider): after the
    # Basic or Bearer scheme anywhere, or after an `Authorization:` key with any scheme word. A reference
    # (`Bearer ${var.token}`) or a masked value stops at its first character and is left alone.
    Shape("auth-header", lazy_compile(
        r"(?:(?<![A-Za-z0-9])(?i:basic|bearer)[ \t]+"
        r"|(?<![A-Za-z0-9-])(?i:authorization)[\"']?[ \t]*[:=][ \t]*[\"']?(?:[A-Za-z-]{2,20}[ \t]+)?)"
        r"(?P<secret>[A-Za-z0-9._~+/-]{12,}={0,2})(?![A-Za-z0-9._~+/=$-])")),
    # A Docker config's registry login (`{"auths": {"host": {"auth": "<base64 of user:password>"}}}`), the document
    # a pull secret holds, written into any attribute (a ConfigMap, a variable, a task definition).
    Shape("registry-auth", lazy_compile(
        r'"auths"\s*:\s*\{.{0,2000}?"auth"\s*:\s*"(?P<secret>[A-Za-z0-9+/]{16,}={0,2})"', re.DOTALL)),
    # A script writing a literal into a file named for a secret (`cat > /opt/zscaler/provision_key <<'KEY'`): the
    # here-document's body is the credential.
    Shape("secret", lazy_compile(
        r"\bcat[ \t]*>>?[ \t]*\S*(?i:key|token|secret|passw(?:or)?d|credentials?)[\w.-]*[ \t]*<<-?[ \t]*['\"]?"
        r"(?P<tag>[A-Za-z_]+)['\"]?[ \t]*\r?\n(?P<secret>[^\n]{8,}?)\r?\n(?:.*?\n)?[ \t]*(?P=tag)\b", re.DOTALL)),
    # SQL that sets an account's password to a literal, in any script body: MySQL/MariaDB `IDENTIFIED BY '...'`
    # (not `BY PASSWORD '*hash'`), PostgreSQL `WITH [ENCRYPTED] PASSWORD '...'` (`PASSWORD = '...'` is an ASSIGNMENT).
    Shape("password", lazy_compile(
        r"(?i:\bidentified[ \t]+(?:with[ \t]+\w+[ \t]+)?by[ \t]+"
        r"|\b(?:with|encrypted|unencrypted)[ \t]+(?:[a-z]+[ \t]+){0,4}?password[ \t]+)"
        r"\\?['\"](?P<secret>[^'\"\s\\]{4,})\\?['\"]")),
    # A literal typed into a password field by a browser or UI script (Selenium/WebDriver, Playwright, Cypress,
    # synthetic monitors): the field named pass/password/pwd, then `.sendKeys('...')`, `.type('...')`, or
    # `fill('#password', '...')`. A secure-store reference (`$secure.PASSWORD`, `process.env.X`) is no literal.
    Shape("password", lazy_compile(
        r"(?i:['\"][#.]?[\w.\[\]=-]*(?:pass(?:word|wd|phrase)?|pwd)(?![a-z])[\w.\[\]=-]*['\"]\s*\)*[^\n;'\"]{0,40}?"
        r"\.\s*(?:send_?keys|type|fill|set_?value)\s*\(\s*|\b(?:send_?keys|type|fill|set_?value)\s*\(\s*"
        r"['\"][#.]?[\w.\[\]=-]*(?:pass(?:word|wd|phrase)?|pwd)(?![a-z])[\w.\[\]=-]*['\"]\s*,\s*)"
        r"['\"](?P<secret>[^'\"\n]{4,})['\"]")),
    # An account and its password side by side in prose (a runbook in an alert's message or a description: `sign in
    # as bg-02@corp.example / Kestrel-Ferry-4410-Glacier!`): after an address and a slash, a password a person chose
    # (PASSWORD_SHAPE's mix: upper and lower case, two digits, a mark).
    Shape("password", lazy_compile(
        r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+[ \t]+/[ \t]+(?P<secret>(?=\S*[A-Z])(?=\S*[a-z])"
        r"(?=(?:\S*?\d){2})(?=\S*[!%^&*?~])[A-Za-z0-9!#$%^&*?~@_.+=-]{10,64})(?![A-Za-z0-9!#$%^&*?~@_.+=-])")),
)
# A whole value shaped like a password a person chose, wherever it sits (an attribute no rule names, an invented
# provider's): upper and lower case, two digits and a punctuation mark (not `#` before a number: `ticket#123`),
# 10-64 characters, no blank, slash or colon.
# Names, ids, ARNs, URLs, digests, base64 and expressions never mix all four (measured: over the 6,031 labelled plans
# of fixtures/fresh and the held-out sets, every unmarked value of this shape was a credential).
_PASSWORD_CHARS = r"[A-Za-z0-9!#$%^&*?~@_.+=-]"
PASSWORD_SHAPE = lazy_compile(rf"(?=.*[A-Z])(?=.*[a-z])(?=(?:.*\d){{2}})(?=.*[\w.+=@$-](?:[!%^&*?~]|#(?!\d)))"
                              rf"{_PASSWORD_CHARS}{{10,64}}")
EMAIL = lazy_compile(r"[^@]+@[\w-]+(?:\.[\w-]+)+")
# A wildcard DNS name as one segment of an id (Route 53's `ZONEID_*.example.app_CNAME`): its `*` is a label.
WILDCARD_NAME = lazy_compile(r"(?:^|[_:/])\*\.(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[_:/]|$)")
_FLAG_VALUE = rf"(?P<secret>[^\s\"'`;|&<>]{{{MIN_LENGTH},}})"
_TOOLS = "|".join(re.escape(t) for t in TOOL_FLAGS)
FLAG_IN_TEXT = lazy_compile(rf"(?<![\w-])(?P<flag>--?[a-z0-9_-]*(?:{KEYWORDS}))[ \t]+(?!-){_FLAG_VALUE}",
                            re.IGNORECASE)
TOOL_IN_TEXT = lazy_compile(rf"(?<![\w-])(?P<tool>{_TOOLS})(?![\w-])[^\n;|&]*?[ \t](?P<flag>-[pa])(?:[ \t]+(?!-))?"
                            + _FLAG_VALUE)
ASSIGNMENT = lazy_compile(
    # Not after ':' or '/': `:secret:name` inside an ARN or `/token/x` in a path names a secret, holds none. The
    # key is a whole word (not after `_`, `.`, `-`): `42:PROD_DB_PASSWORD:production`, a composite id that names a
    # variable, does not read as `DB_PASSWORD: production`.
    rf"(?<![a-z0-9_.:/-])(?P<key>[a-z0-9_.-]*?(?:{KEYWORDS})){_ASSIGN}(?P<secret>[^\s\"'`]{{{MIN_LENGTH},}})",
    re.IGNORECASE,
)
SHORT_ASSIGNMENT = lazy_compile(rf"(?<![A-Za-z0-9_.:/-])(?P<key>{SHORT_KEY}){_ASSIGN}"
                                rf"(?P<secret>[^\s\"'`;]{{{MIN_LENGTH},}})")
# A name/value pair written as YAML (a container's env list in Helm values or a manifest): `- name: HF_API_TOKEN`
# then `value: ...` on the next line; `valueFrom:` (a secret reference) is not a value.
YAML_PAIR = lazy_compile(rf"name:[ \t]*[\"']?(?P<key>[A-Za-z0-9_.-]*(?:{KEYWORDS}))[\"']?[ \t]*\r?\n[ \t]*value:[ \t]*"
                         rf"[\"']?(?P<secret>[^\s\"'`]{{{MIN_LENGTH},}})", re.IGNORECASE)

_WS = rb"(?:\s|\\[nrt])*"  # whitespace as it may look inside serialized JSON strings
# A quoted value must not start like an expression; an unquoted one not be a JSON null/true/false either.
_VALUE_START = rb"(?:\\?[\"'](?![$<({%*\[])|(?![\\\"'$<({%*\[]|(?:null|true|false)[,}\]]))"
_KEY_END = (rb"(?:\\?[\"'])?" + _WS + rb"(?:[:=]|=>|," + _WS + rb"\\?\"value\\?\"" + _WS + rb":|value:"
            # an ARM or Azure Policy parameter object: `"workspaceKey": {"value": "…"}`
            + rb"|:" + _WS + rb"\{" + _WS + rb"\\?\"value\\?\"" + _WS + rb":)"
            + _WS)  # `value:` opens the next line of a YAML name/value pair (YAML_PAIR)
# Probes run over the serialized plan; each starts with a literal so `re` scans at memchr speed. Every
# string a SHAPES pattern or ASSIGNMENT finds also matches a probe (tests hold this for each kind).
PROBES = (
    lazy_compile(rb"A(?:KIA|SIA)[A-Z0-9]{16}"),
    lazy_compile(rb"PRIVATE KEY(?: BLOCK)?-----"), lazy_compile(rb"AGE-SECRET-KEY-1"),
    lazy_compile(rb"g(?:h[pousr]_[A-Za-z0-9]{36}|ithub_pat_[A-Za-z0-9_]{22}|l(?:pat|ptt|dt|rt|cbt|soat|ft|imt|agent|oas)-)"),
    lazy_compile(rb"xox[abposre]-[A-Za-z0-9-]{10}"),
    lazy_compile(rb"hooks\.slack\.com/"),
    lazy_compile(rb"eyJ[A-Za-z0-9_-]{10,}\.eyJ"),
    lazy_compile(rb"://[^\x00-\x20:/@\"'\\]*:[^\x00-\x20/@\"'\\]+@"),
    lazy_compile(rb"k_(?:live|test)_"),
    lazy_compile(rb"ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs"),
    lazy_compile(rb"LS0tLS1CRUdJTi"),
    # A whole string shaped like a chosen password (PASSWORD_SHAPE): a character and a mark, then its characters to
    # the closing quote (not from the opening quote: twice as slow; not from the mark alone: `"s3:*"` would open
    # every policy for the walk). Found from the mark, the character checked behind it: a search stops only at
    # marks (4x faster than trying the next character after every character).
    lazy_compile(rb"[!#%^&*?~](?<=[A-Za-z0-9_.+=@$-].)" + _PASSWORD_CHARS.encode() + rb'{0,62}\\?"'),
    # AI and ML platform keys (ml-platform-key), one literal start each.
    lazy_compile(rb"hf_[A-Za-z0-9]{30}"), lazy_compile(rb"api_org_[A-Za-z0-9]{30}"),
    lazy_compile(rb"r8_[A-Za-z0-9]{30}"),
    lazy_compile(rb"sk-(?:proj-|svcacct-|admin-|ant-|[A-Za-z0-9]{20}T3BlbkFJ)"), lazy_compile(rb"sk_[A-Za-z0-9_]{40}"),
    # Package registry and service tokens (service-token), one literal start each.
    lazy_compile(rb"npm_[A-Za-z0-9]{36}"), lazy_compile(rb"pypi-AgEIcHlwaS5vcmc"), lazy_compile(rb"dckr_pat_"),
    lazy_compile(rb"\.atlasv1\."), lazy_compile(rb"pul-[a-f0-9]{40}"), lazy_compile(rb"hv[sb]\.[A-Za-z0-9_-]{24}"),
    lazy_compile(rb"_v1_[a-f0-9]{64}"), lazy_compile(rb"SG\.[A-Za-z0-9_-]{22}\."),
    lazy_compile(rb"shp(?:at|ca|pa|ss)_"),
    lazy_compile(rb"NRAK-"), lazy_compile(rb"PMAK-"), lazy_compile(rb"lin_api_"), lazy_compile(rb"gl(?:sa|c)_"),
    lazy_compile(rb"dapi[a-f0-9]{32}"), lazy_compile(rb"dp\.(?:st|pt|sa|ct|scim|audit)\."), lazy_compile(rb"tskey-"),
    lazy_compile(rb'auths\\?"' + _WS + rb":"),  # a Docker config's registry logins (registry-auth)
    lazy_compile(rb"AIza[0-9A-Za-z_-]{35}"),  # base64 of "-----BEGIN": a PEM block encoded whole (encoded.py)
    # A string that opens with 40+ base64 characters, not all hex (digests): it may decode to text holding a
    # credential (user_data, custom_data, *_base64). A `"` start is frequent but fails on the next byte.
    lazy_compile(rb'"(?=[A-Za-z0-9+/]{40})[0-9a-fA-F]*[G-Zg-z+/]'),
    # An upper-case variable name ending a string (`"variable_name":"AWS_SECRET_ACCESS_KEY"`): Terraform sorts
    # attributes, so the name of a name/value pair may come after its value, out of reach of LOWER_PROBES.
    lazy_compile(rb"(?:PASS(?:WORD|WD|PHRASE)|SECRET|TOKEN|KEY|CREDENTIALS?)\\?\""),
)
# One pass each over the lowered text; a longer literal start scans faster than a shared one-letter start. The
# separators follow KEYWORDS (credential_names.py), dotted property keys included.
_KEYWORD_PROBES = (rb"pass(?:word|wd|phrase)", rb"private[_.-]?key", rb"secret", rb"token", rb"api[_.-]?key",
                   rb"access[_.-]?key", rb"credentials?", rb"account[_.-]?key", rb"shared[_.-]?key",
                   rb"workspace[_.-]?key", rb"master[_.-]?key", rb"admin[_.-]?key", rb"signing[_.-]?key",
                   rb"otp[_.-]?seed", rb"mfa[_.-]?seed")
# A flag's value as the next list element ("--token","x") or after blanks in a command line (--token x).
_NEXT_ARG = rb"(?:\\?\"" + _WS + rb"," + _WS + rb"\\?\"|(?:[ \t]|\\t)+)(?!-)"
LOWER_PROBES = (
    *(lazy_compile(keyword + rb"(?:" + _KEY_END + _VALUE_START + rb"|" + _NEXT_ARG + rb")")
      for keyword in _KEYWORD_PROBES),
    # One probe per PIN key: an alternation with different first letters scans ~8x slower than a literal start.
    *(lazy_compile(key + _KEY_END + rb"\[?(?:\\?[\"'])?\d{4}")
      for key in (rb"pin(?:_code)?", rb"passcode", rb"recovery_codes?", rb"backup_codes?", rb"puk")),
    # An Authorization header's credential (auth-header): after its scheme, or after the header's name.
    lazy_compile(rb"b(?:asic|earer)(?:[ \t]|\\t)+[a-z0-9._~+/-]{12}"),
    lazy_compile(rb"authorization(?:\\?[\"'])?(?:[ \t]|\\t)*[:=]"),
    # SQL setting a password (IDENTIFIED BY '...'; `password '...'` meets the keyword probes) and a UI script typing
    # into a field: one literal each.
    lazy_compile(rb"p(?:ass|wd?)" + _KEY_END + _VALUE_START),  # SHORT_KEY: a password's short names
    lazy_compile(rb"identified(?:[ \t]|\\t)"), lazy_compile(rb"send_?keys"), lazy_compile(rb"fill(?:[ \t]|\\t)*\("),
    # a wallet's recovery phrase, under a key or beside a name ending in seed or mnemonic (seed-phrase): one each
    lazy_compile(rb"seed(?:[_.-]?phrase)?s?\\?\""), lazy_compile(rb"mnemonics?\\?\""),
    # an account and its password in prose (`user@corp.example / P4ss-w0rd!`): the slash after an address
    lazy_compile(rb"@[a-z0-9-]+(?:\.[a-z0-9-]+)+[ \t]+/[ \t]"),
    # a here-document into a file named for a secret (the `secret` heredoc shape): found from its `<<`, rare in
    # plans and a literal start (from the file's name, an alternation of five first letters, it scans ~30x slower)
    lazy_compile(rb"<<"),
    lazy_compile(rb"type(?:[ \t]|\\t)*\("), lazy_compile(rb"set_?value"),
    # The tools whose short flag carries a password (TOOL_FLAGS); one literal each, "-cli" for redis/keydb.
    *(lazy_compile(literal) for literal in (rb"mysql", rb"mariadb", rb"mongo", rb"sshpass", rb"-cli")),
)


def probe(text: bytes) -> bool:
    """Whether serialized plan TEXT may hold a credential (never False when it does)."""
    if any(p.search(text) for p in PROBES):
        return True
    lowered = text.lower()
    return any(p.search(lowered) for p in LOWER_PROBES)


Probes = tuple[tuple[re.Pattern[bytes], ...], tuple[re.Pattern[bytes], ...]]


def matching(text: bytes) -> Probes:
    """The PROBES and LOWER_PROBES that match serialized plan TEXT: only these can match any part of it."""
    lowered = text.lower()
    return tuple(p for p in PROBES if p.search(text)), tuple(p for p in LOWER_PROBES if p.search(lowered))


def find_in_text(text: str) -> list[tuple[str, str]]:
    """(kind, credential) for every credential shape inside one string."""
    found: list[tuple[str, str]] = []
    for shape in SHAPES:
        for match in shape.pattern.finditer(text):
            secret = match.group("secret") if "secret" in shape.pattern.groupindex else match.group(0)
            if shape.kind == "auth-header" and (not (plausible(secret) and re.search(r"[0-9=]", secret))
                                                or any(secret in s or s in secret for _, s in found)):
                continue  # prose ("Bearer authentication") holds no digit; a JWT is already found as one
            if shape.kind not in ("url-password", "password", "secret") or plausible(secret):
                found.append((shape.kind, secret))
    for match in _assignments(text):
        secret = match.group("secret").rstrip(",;&|)")
        if names_a_stored_secret(text, match, "key"):
            continue
        if plausible(secret, match.group("key")) and not any(secret in s or s in secret for _, s in found):
            found.append((keyed_kind(match.group("key"), secret), secret))
    for match in SHORT_ASSIGNMENT.finditer(text):
        secret = match.group("secret").rstrip(",;&|)")
        if plausible(secret, match.group("key")) and not WORDS.fullmatch(secret) \
                and not any(secret in s or s in secret for _, s in found):
            found.append(("password", secret))
    for match in YAML_PAIR.finditer(text):
        secret = match.group("secret")
        if plausible(secret, match.group("key")) and not any(secret in s or s in secret for _, s in found):
            found.append((keyed_kind(match.group("key"), secret), secret))
    if not found and PASSWORD_SHAPE.fullmatch(text) and not EMAIL.fullmatch(text) and not WILDCARD_NAME.search(text) \
            and plausible(text):
        found.append(("password", text))
    for pattern in (FLAG_IN_TEXT, TOOL_IN_TEXT):
        for match in pattern.finditer(text):
            secret = match.group("secret")
            # In prose ("the --password flag is ..."), a lower-case word follows the flag; a secret rarely is one.
            wordy = secret.isalpha() and secret.islower()
            if not wordy and not names_a_stored_secret(text, match, "flag") and plausible(secret, match.group("flag")) \
                    and not any(secret in s or s in secret for _, s in found):
                found.append(("argument", secret))
    return found


# A command that reads a secret store (`gcloud secrets versions access`, `aws secretsmanager get-secret-value`, `az
# keyvault secret show`, `vault kv get`, `kubectl get secret`): on its line, `--secret=NAME` names the secret to
# read, as a reference does; it holds no value.
SECRET_STORE_READ = lazy_compile(r"\b(?:gcloud(?:\s+(?:alpha|beta))?\s+secrets|aws\s+secretsmanager"
                                 r"|aws\s+ssm\s+get-parameters?|az\s+keyvault\s+secret|vault\s+(?:kv\s+get|read)"
                                 r"|kubectl\s+get\s+secrets?"
                                 r"|doppler\s+secrets|bws\s+secret\s+get|op\s+read)\b")
NAMING_KEYS = frozenset({"secret", "secretid", "secretname", "secretarn"})


def names_a_stored_secret(text: str, match: re.Match[str], group: str) -> bool:
    """Whether MATCH's key or flag names the secret a secret-store read on the same line fetches."""
    if match.group(group).lower().lstrip("-").replace("-", "").replace("_", "") not in NAMING_KEYS:
        return False
    start = text.rfind("\n", 0, match.start()) + 1
    return SECRET_STORE_READ.search(text, start, match.start()) is not None


def _assignments(text: str) -> Iterator[re.Match[str]]:
    """ASSIGNMENT's matches; a YAML key that opens a nested map (`credentials:` then `useSecret: false` on the next
    line) holds no value: the search goes on from the next line's key, which may hold one."""
    position = 0
    while (match := ASSIGNMENT.search(text, position)) is not None:
        if match.group("secret").endswith(":") and "\n" in text[match.end("key"):match.start("secret")]:
            position = match.start("secret")
            continue
        yield match
        position = match.end()
