"""Mask stage: whether a value is a credential judged by the name it sits under — a key (`db_password`), a flag
(`--token`), a tool's short flag (`mysql -p`), a PIN's key — and whether it could be one at all rather than a
reference, an expression, a placeholder, a digest or the name of a secret kept elsewhere.

credentials.py finds credentials inside free text by their shapes and assignments and asks these judgments of
what it finds; credential_mask.py asks them of each key and value while it walks a plan.
"""

from __future__ import annotations

import itertools
import re

from tfreview.lazyregex import lazy_compile

# Values that stand for a credential without being one.
PLACEHOLDERS = {
    "password",
    "passwd",
    "pass",
    "secret",
    "token",
    "changeit",
    "changeme",
    "change_me",
    "redacted",
    "placeholder",
    "example",
    "null",
    "none",
    "true",
    "false",
    "required",
    "optional",
    "undefined",
    "xxxx",
    "xxxxxxxx",
    "stdin",
    "prompt",
    # a language's keyword that opens an expression (`const secret = await kvs.get(KEY)`, `token = new Token()`):
    # code computing the value, never the value
    "await",
    "async",
    "new",
    "yield",
    "typeof",
    "require",
    "lambda",
    "function",
}
REFERENCE_PREFIXES = (
    "arn:",
    "projects/",
    "/",
    "~",
    "./",
    "../",
    "data.",
    "var.",
    "local.",
    "module.",
    "vault:",
    "http://",
    "https://",
    "s3://",
    "gs://",
    "secret/",
    "ssm:",
    "sm:",
    "env:",
    "file:",
    # a secret backend's handle (Datadog's `ENC[k8s_secret@ns/name/key]`) or SOPS ciphertext (`ENC[AES256_GCM,…]`)
    "enc[",
)
# A reference to where a secret is kept, in any store's URI scheme (`keystone://prod/partners/token`,
# `op://vault/item/field`): a path, no user or password part.
STORE_URI = lazy_compile(r"[a-z][a-z0-9+.-]{1,30}://[^\s@:?#]+", re.IGNORECASE)
EXPRESSION_STARTS = ("$", "{", "<", "(", "%", "*", "[", "\\", "#", "@")
MIN_LENGTH = 4
# A value that only says which of an object's keys is meant (Azure's `storage_account_key = "key1"`).
KEY_SELECTOR = lazy_compile(r"(?:key|primary|secondary)[_-]?(?:\d|key)?", re.IGNORECASE)

# The words that make a key, a flag or an assignment name a credential; a dotted property key (Kafka Connect's
# `aws.secret.access.key`, any Java properties file) spells them with dots.
KEYWORDS = (
    r"password|passwd|passphrase|secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key|credentials?"
    r"|account[_.-]?key|shared[_.-]?access[_.-]?key|pre[_.-]?shared[_.-]?key"
    # keys named for what they unlock: a Log Analytics workspace's shared key, a master, admin or signing key
    r"|shared[_.-]?key|workspace[_.-]?key|master[_.-]?key|admin[_.-]?key|signing[_.-]?key"
    # the seed of a one-time-password generator: whoever holds it makes every second factor
    r"|t?otp[_.-]?seed|mfa[_.-]?seed"
)
# A flag whose next argument (or `=value`) is a credential: --db-password x, --token=x, -p x for these tools.
FLAG = lazy_compile(rf"--?[a-z0-9_-]*(?:{KEYWORDS})", re.IGNORECASE)
TOOL_FLAGS = {
    "mysql": "-p",
    "mysqldump": "-p",
    "mysqladmin": "-p",
    "mariadb": "-p",
    "mariadb-dump": "-p",
    "mongo": "-p",
    "mongosh": "-p",
    "mongodump": "-p",
    "mongorestore": "-p",
    "sshpass": "-p",
    "redis-cli": "-a",
    "keydb-cli": "-a",
}
NAME_LIKE = lazy_compile(r"[A-Z][A-Z0-9_]*")  # DB_PASSWORD: the name of a variable standing for the value
KEY_NAME = lazy_compile(rf"(?:{KEYWORDS})$", re.IGNORECASE)
# The short forms of a password's name, as a whole word of a key (`SMTP_PASS`, `MYSQL_PWD`, `admin-pass`,
# `adminPass`, a script's `const pw = '…'`): never inside a word (`bypass`, `compass`).
SHORT_KEY = r"(?:[A-Za-z0-9]+[_-])*(?:pass|PASS|pwd|PWD|pw|PW)|[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*(?:Pass|Pwd|Pw)"
SHORT_KEY_NAME = lazy_compile(rf"(?:^|(?<=[^A-Za-z0-9]))(?:{SHORT_KEY})$")
AWS_SECRET = lazy_compile(r"[A-Za-z0-9/+]{40}")
# A lower-case kebab or snake name ending in a credential word names a secret (`--secret=db-vault-token`,
# `secret_id = "prod-db-password"`, a store path `orders-db/password`): the value is looked up, not held. The bare
# word (`secret = "api-key"`) is a name too, like the placeholders `password` and `token`.
SECRET_NAME = lazy_compile(rf"(?:[a-z0-9]+(?:[-_./][a-z0-9]+)*[-_./])?(?:{KEYWORDS})s?")
# Plain words: the name of something (`creation_token = "shared-home"`) or a unit (`minutes`). Generated tokens
# carry digits or mixed case.
WORDS = lazy_compile(r"[a-z]+(?:[-_][a-z]+)*")
# A setting's enum value in capitals (`restrict_create_platform_apikey = "RESTRICTED"`, `NOT_SET`): a mode, never a
# generated key, which mixes case or carries digits.
ENUM_WORDS = lazy_compile(r"[A-Z]+(?:[-_][A-Z]+)*")
# Names of credentials a service generates (tokens, API and access keys): never plain words, unlike a password or
# secret a person chose. `4821:OPENAI_API_KEY:production` is an id whose last part is a scope, not a key.
GENERATED_NAME = lazy_compile(r"token|api[_.-]?key|access[_.-]?key", re.IGNORECASE)
CHOSEN_NAME = lazy_compile(r"pass|secret|private|credential", re.IGNORECASE)
# Words of a key that make it name a secret object kept elsewhere (`existingSecret`, `imagePullSecret`, a build's
# `pushSecret`, `tlsSecret`, `fromSecret`): under it, a name-shaped value (`redis-auth`) is that object's name.
REFERRING = {"existing", "external", "from", "pull", "push", "tls", "ref", "use", "mount", "source"}
# What a key names the Secret object of when it ends in `secret` (`PASSWORD_SECRET`, a connection string's
# `SFTP_CONN_SECRET`): a password or a connection string is no secret's name.
HELD_IN_SECRET = {"password", "passwd", "pwd", "credentials", "creds", "conn", "connection", "dsn"}
_KEY_WORDS = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+")
# A Kubernetes-style object name: lower-case segments; a long segment mixing letters and digits is generated.
OBJECT_NAME = lazy_compile(r"[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*")
GENERATED = lazy_compile(r"(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{7,}")
# A key holding a digest of a secret (Helm's `checksum/secret` pod annotation rolls pods when the secret changes):
# a one-way hash of it, hex, optionally after its algorithm (`sha256:`).
DIGEST_WORDS = {"checksum", "digest", "hash", "sha", "sha1", "sha256", "sha512", "md5", "fingerprint"}
HEX_DIGEST = lazy_compile(r"(?:(?:sha(?:1|256|384|512)|md5):)?[0-9a-f]{6,128}", re.IGNORECASE)
# Tokens that only order or page requests, not sign them: an optimistic-locking token a service hands back with
# each read (Network Firewall's `update_token`, WAF's `change_token`, WAFv2's `lock_token`), a paging cursor, an
# idempotency key. Anyone holding one can authenticate nothing.
REQUEST_TOKEN = lazy_compile(r"(?:^|[^A-Za-z0-9])(?:update|change|lock|next|continuation|pagination|idempotency"
                             r"|concurrency|sync)[_-]?token$", re.IGNORECASE)
# Numbers that are secrets by the name they sit under: PINs, recovery and backup codes.
PIN_KEY = lazy_compile(r"(?:^|[_-])(?:pin|pin_code|passcode|recovery_codes?|backup_codes?|puk)$", re.IGNORECASE)


def find_in_arguments(items: list[object]) -> list[tuple[int, str]]:
    """(index, credential) for each list element holding the value of a credential flag (an argv list)."""
    found: list[tuple[int, str]] = []
    words = [item if isinstance(item, str) else "" for item in items]
    short = {TOOL_FLAGS[t] for t in (w.rsplit("/", 1)[-1] for w in words) if t in TOOL_FLAGS}
    for index, (flag, value) in enumerate(itertools.pairwise(words), start=1):
        if (
            (FLAG.fullmatch(flag) or flag in short)
            and not value.startswith("-")
            and plausible(value, flag)
            and not any(c.isspace() for c in value)
        ):
            found.append((index, value))
    for index, word in enumerate(words):
        for flag in short:  # mysql -pSECRET, redis-cli -aSECRET
            if word.startswith(flag) and not word.startswith("--") and plausible(word[len(flag) :]):
                found.append((index, word[len(flag) :]))
    return found


# A dotted property name (Spark, Hadoop) may name its credential before the host it is for:
# `fs.azure.account.key.<account>.dfs.core.windows.net`. The host says nothing about the value.
PROPERTY_CREDENTIAL_WORDS = frozenset({"key", "secret", "password", "passwd", "token", "credential", "credentials"})
HOST_END = lazy_compile(r"[a-z]{2,6}")


def without_host(key: str) -> str:
    """KEY without the host a dotted property names after its last credential word (`…account.key.<host>`)."""
    parts = key.split(".")
    words = [i for i, part in enumerate(parts) if part.lower() in PROPERTY_CREDENTIAL_WORDS]
    if words and len(parts) - words[-1] > 2 and HOST_END.fullmatch(parts[-1]):
        return ".".join(parts[:words[-1] + 1])
    return key


# A wallet's recovery phrase (BIP-39: 12 to 24 lower-case words) under a name that says so: whoever reads it holds
# every key the wallet derives.
SEED_NAME = lazy_compile(r"(?:^|[^a-z])(?:seed|mnemonic|seed[_.-]?phrase|recovery[_.-]?(?:phrase|words))s?$",
                         re.IGNORECASE)
MNEMONIC = lazy_compile(r"[a-z]{3,8}(?: [a-z]{3,8}){11,23}")
MNEMONIC_LENGTHS = frozenset({12, 15, 18, 21, 24})


def seed_phrase(key: str, value: str) -> bool:
    """Whether VALUE is a wallet's recovery phrase under a key or name that says it is one."""
    words = " ".join(value.split())
    return bool(SEED_NAME.search(key)) and MNEMONIC.fullmatch(words) is not None \
        and len(words.split()) in MNEMONIC_LENGTHS


def find_by_key(key: str, value: str) -> str | None:
    """The kind of credential VALUE is when it sits under a key like `db_password`, or None."""
    if seed_phrase(key, value):
        return "seed-phrase"
    key = without_host(key) if "." in key else key
    short = not KEY_NAME.search(key) and SHORT_KEY_NAME.search(key) is not None
    if REQUEST_TOKEN.search(_KEY_WORDS.sub("_", key)):
        return None
    if (
        (KEY_NAME.search(key) or short)
        and plausible(value, key)
        and not (short and WORDS.fullmatch(value))
        and not any(c.isspace() for c in value)
        and not digest_of(key, value)
    ):
        return "password" if short else keyed_kind(key, value)
    return None


def digest_of(key: str, value: str) -> bool:
    """Whether VALUE is a hex digest under a key naming one (`checksum/secret`, `password_sha256`): not a secret."""
    words = {w.lower() for w in _KEY_WORDS.split(key) if w}
    return bool(words & DIGEST_WORDS) and HEX_DIGEST.fullmatch(value) is not None


def find_pin(key: str, value: object) -> bool:
    """Whether VALUE (a number, digits, or a list of them) is a PIN or recovery code by the key it sits under."""
    if isinstance(value, list):
        return bool(value) and all(find_pin(key, item) for item in value)
    digits = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return bool(PIN_KEY.search(key)) and isinstance(digits, str) and digits.isdigit() and len(digits) >= 4


def plausible(value: str, name: str = "") -> bool:
    """Whether a value could be a real credential rather than a reference, expression or placeholder.

    NAME is the key or flag it is assigned to: a value that only repeats it (DB_PASSWORD=DB_PASSWORD), or
    that is itself the name of a secret variable (password=DB_PASSWORD), is a placeholder.
    """
    if len(value) < MIN_LENGTH or value.startswith(EXPRESSION_STARTS) or value.lower() in PLACEHOLDERS \
            or KEY_SELECTOR.fullmatch(value):
        return False
    if name and value.lower() == name.lower().lstrip("-"):
        return False
    if (NAME_LIKE.fullmatch(value) or SECRET_NAME.fullmatch(value)) and KEY_NAME.search(value):
        return False
    if GENERATED_NAME.search(name) and not CHOSEN_NAME.search(name) and len(value) <= 40 \
            and (WORDS.fullmatch(value) or ENUM_WORDS.fullmatch(value)):
        return False
    if names_object(name, value):
        return False
    if value.isdigit() or value.lower().startswith(REFERENCE_PREFIXES) or STORE_URI.fullmatch(value) \
            or STAMP.fullmatch(value):
        return False
    return "${" not in value and "{{" not in value and "(" not in value


# A date, time or version written as one (`2026-11`, `2026-11-30T00:00:00Z`, `v1.4.2`): a rotation marker or a
# version, never a secret.
STAMP = lazy_compile(r"\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"
                     r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
                     r"|v?\d+(?:\.\d+){1,3}")


def names_object(key: str, value: str) -> bool:
    """Whether VALUE, under KEY, is the name of a secret kept elsewhere rather than the secret itself."""
    ordered = [w.lower() for w in _KEY_WORDS.split(key) if w]
    words = set(ordered)
    # `DB_PASSWORD_SECRET = "ledger-db"`: the Secret object that holds the password, named beside the key in it
    holder = len(ordered) >= 2 and ordered[-1] == "secret" and ordered[-2] in HELD_IN_SECRET
    return bool(words & REFERRING or holder) and object_name(value)


# A resource's full name: a GCP full resource name (`//iam.googleapis.com/projects/…`) or relative one
# (`projects/p/…`), an ARN, an Azure resource id. It names a resource; whoever reads it holds no credential.
RESOURCE_NAME = lazy_compile(r"^(?://[\w.-]+/|arn:aws[\w-]*:|(?:projects|organizations|folders)/|/subscriptions/)"
                             r"[\w./:@+=,-]*$")


def names_a_resource(value: object) -> bool:
    """Whether VALUE is a resource's full name (an ARN, a GCP or Azure resource path), not a secret."""
    return isinstance(value, str) and RESOURCE_NAME.match(value.strip()) is not None


def object_name(value: str) -> bool:
    """Whether VALUE is shaped like an object's name (`redis-auth`, or namespaced as Kubernetes writes a reference:
    `cert-manager/webhook-ca`), not a generated secret (`hunter2x9`)."""
    parts = value.split("/")
    return len(parts) <= 2 and all(_one_name(part) for part in parts)


def _one_name(value: str) -> bool:
    return (
        len(value) <= 63
        and OBJECT_NAME.fullmatch(value) is not None
        and not any(GENERATED.fullmatch(part) for part in re.split(r"[-_.]", value))
    )


def keyed_kind(key: str, value: str) -> str:
    """Name a credential found by the key it is assigned to."""
    key = key.lower()
    if "secret" in key and AWS_SECRET.fullmatch(value) and ("aws" in key or "access" in key):
        return "aws-secret-key"
    for word, kind in (
        ("pass", "password"),
        ("private", "private-key"),
        ("token", "token"),
        ("access", "api-key"),
        ("api", "api-key"),
        ("credential", "credential"),
    ):
        if word in key:
            return kind
    return "secret"
