"""Risk rules, credentials: found in values nobody marked sensitive (masked before any rule saw them), and
secrets an output or a local file would carry out of the state (judged from the plan's configuration)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action
from tfreview.pipeline.configuration import Configuration, Module, config_address, configuration, module_of
from tfreview.pipeline.findings import ALTERING, Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.mask import MASK
from tfreview.pipeline.rules.common import as_dict, list_or_empty
from tfreview.pipeline.rules.switchedoff import switched_off
from tfreview.pipeline.rules.units import ordered_words

# An access key id in the `id` of the resource that manages it is an identifier, and is there on every plan.
EXPECTED = {("aws_iam_access_key", "id", "aws-access-key")}
# Kinds that are a key's identifier, not its secret (AWS's AKIA… access key id; the secret access key is the
# secret): where the place's own name says it holds the id (`access_key_id`, `output.ci_access_key_id`,
# `AWS_ACCESS_KEY_ID`), nothing is disclosed that signs a request. Still masked like every hit.
IDENTIFIER_KINDS = {"aws-access-key"}


def _names_an_identifier(where: str, attribute: str, kind: str) -> bool:
    """Whether a hit of an identifier kind sits in a place whose name ends with `id` (`access_key_id`), or is the
    `id` itself: an object whose Terraform id is an access key id is that key (in the prior state too, where a hit
    names no resource type)."""
    name = attribute or where
    last = re.split(r"[.\[\]]+", name.strip(".[]"))[-1] if name else ""
    found = ordered_words(last)
    return kind in IDENTIFIER_KINDS and bool(found) and found[-1] == "id" and (len(found) > 1 or last == "id")


# A token that proves a domain is the owner's (SES `verification_token`, a mail or site verification code on a
# domain object): the owner publishes it in the domain's DNS, so anyone can read it; it signs nothing.
PROVING = frozenset({"verification", "validation", "ownership"})
DOMAIN_WORDS = frozenset({"domain", "domains", "dns", "txt"})


def _proves_a_domain(resource_type: str | None, attribute: str) -> bool:
    """Whether a hit is a domain-ownership token: a verification value of a domain object (not an app's
    `verification_token`, which Slack-style platforms use to sign requests)."""
    words = set(ordered_words(attribute or ""))
    return bool(words & PROVING) and bool((words | set(ordered_words(resource_type or ""))) & DOMAIN_WORDS)


@rule("credential-in-plan", Severity.HIGH,
      "An unmarked value has the shape of a credential (cloud key, private key, token, password), or a reference to "
      "a secret store is replaced by the secret itself; it is masked.")
def _credentials(ri: ReviewInput) -> Iterator[Finding]:
    for hit in ri.masking.credentials:
        if (hit.resource_type, hit.attribute, hit.kind) in EXPECTED \
                or _names_an_identifier(hit.where, hit.attribute, hit.kind):
            continue
        attribute = f" {hit.attribute}" if hit.attribute else ""
        if _proves_a_domain(hit.resource_type, hit.attribute):
            yield finding("credential-in-plan", hit.where if hit.addressed else None,
                          f"{hit.where}:{attribute} looks like {hit.label}, but a domain-ownership token is published "
                          "in the domain's DNS by design (masked)", Severity.LOW)
            continue
        if hit.addressed and _now_marked(ri, hit.where, hit.attribute):
            yield finding("credential-in-plan", hit.where, f"{hit.where}:{attribute} held {hit.label} in the clear "
                          "before this change, which now marks it sensitive (rotate it if the state was shared)",
                          Severity.LOW)
            continue
        if hit.addressed and _only_before(ri, hit.where, hit.attribute):
            yield finding("credential-in-plan", hit.where, f"{hit.where}:{attribute} held {hit.label} in the clear "
                          "before this change, which takes it out of the value (rotate it if the state was shared)",
                          Severity.LOW)
            continue
        if hit.addressed and _deleted(ri, hit.where):
            yield finding("credential-in-plan", hit.where, f"{hit.where}:{attribute} held {hit.label} in the clear "
                          "before this change, which deletes it (rotate it if the state was shared)", Severity.LOW)
            continue
        if hit.addressed and switched_off(ri, hit.where):
            yield finding("credential-in-plan", hit.where, f"{hit.where}:{attribute} holds {hit.label} in the clear, "
                          "and this change switches the object off: once applied it opens nothing "
                          "(rotate it before switching it back on)", Severity.LOW)
            continue
        yield finding("credential-in-plan", hit.where if hit.addressed else None,
                      f"{hit.where}:{attribute} contains {hit.label} (masked)")
    for address, path in ri.masking.inlined:
        yield finding("credential-in-plan", address, f"{address}: {path} held a reference to a secret store and now "
                      "holds the secret itself (masked): it is written into the configuration and the state")


def _only_before(ri: ReviewInput, address: str, attribute: str) -> bool:
    """Whether only the old value of the attribute held the credential: this update's new value (a Helm values
    document without the password, now given through set_sensitive) holds none."""
    top = re.split(r"[.\[]", attribute, maxsplit=1)[0]
    for change in managed(ri.changeset, Action.UPDATE):
        if top and change.address == address and isinstance(change.before, dict) and isinstance(change.after, dict):
            before, after = change.before.get(top), change.after.get(top)
            held_before = MASK.encode() in orjson.dumps(before)
            return held_before and after is not None and MASK.encode() not in orjson.dumps(after) \
                and top not in as_dict(change.after_unknown)
    return False


def _deleted(ri: ReviewInput, address: str) -> bool:
    """Whether the change of ADDRESS deletes the object: the credential was in its old value only, which the plan
    takes out of the configuration and the state."""
    return any(change.address == address for change in managed(ri.changeset, Action.DELETE))


def _now_marked(ri: ReviewInput, address: str, attribute: str) -> bool:
    """Whether the change of ADDRESS marks the whole attribute sensitive from now on: what was found in the
    clear is the old value, which this change takes out of plain sight."""
    top = re.split(r"[.\[]", attribute, maxsplit=1)[0]
    for entry in ri.plan.resource_changes:
        if top and isinstance(entry, dict) and entry.get("address") == address:
            return as_dict(as_dict(entry.get("change")).get("after_sensitive")).get(top) is True
    return False


LEAK = "credential-leak"
# Words of an attribute name that make its value a secret; `secret_arn`, `token_id`, `password_length` name one.
# A tunnel's pre-shared key (`tunnel1_preshared_key`, FortiOS `psksecret`, `PreSharedKey`) is the tunnel's password.
SECRET_WORDS = {"password", "passwd", "passphrase", "secret", "token", "credential", "credentials", "kubeconfig",
                "psk", "psksecret", "presharedkey", "sharedsecret"}
SECRET_PAIRS = {("private", "key"), ("access", "key"), ("api", "key"), ("account", "key"), ("primary", "key"),
                ("secondary", "key"), ("connection", "string"), ("master", "key"), ("shared", "key"),
                ("preshared", "key"), ("client", "key")}
NAMING_WORDS = {"id", "ids", "arn", "arns", "name", "names", "version", "versions", "length", "count", "type", "ttl",
                "expiry", "expiration", "expires", "enabled", "rotation", "path", "ref", "reference", "status",
                "fingerprint", "policy", "date", "timestamp", "created", "key_id", "uri", "url", "endpoint"}
# A name that says its value is the secret's ciphertext or hash (`encrypted_secret` under a PGP key, a sealed
# secret, a password's hash): made to be written down, not the secret itself.
CIPHERTEXT = lazy_compile(r"encrypted|ciphertext|sealed|hash|digest")
KEY_FILE = lazy_compile(r"(?:secret|key|credentials?|password|token|kubeconfig)s?_file$")
KEY_HOLDERS = lazy_compile(r"key|secret|credential|token|password")
MAX_HOPS = 6
# Resources that write their content to a plain file (`local_file`); `local_sensitive_file` is meant for secrets.
PLAIN_FILE = lazy_compile(r"^local_file$")
# A file or object kept in a store (a bucket object, a blob, a repository file): whoever reads the store reads it.
STORED_FILE = lazy_compile(r"(?:_object|_blob|(?<!sensitive)_file)$")


def secret_attribute(name: str) -> bool:
    """Whether an attribute name says its value is a secret (and not the name, id or length of one)."""
    parts = [p for p in re.split(r"[^a-z0-9]+", name.lower()) if p]
    if not parts or parts[-1] in NAMING_WORDS or "public" in parts:
        return False
    return bool(set(parts) & SECRET_WORDS) or any(pair in SECRET_PAIRS for pair in pairwise(parts))


def _marked(flags: Any) -> bool:
    if isinstance(flags, dict):
        return any(_marked(v) for v in flags.values())
    if isinstance(flags, list):
        return any(_marked(v) for v in flags)
    return flags is True


def _marks(ri: ReviewInput) -> dict[str, Any]:
    """after_sensitive of every resource, by config address."""
    return {config_address(c["address"]): as_dict(c.get("change")).get("after_sensitive")
            for c in ri.plan.resource_changes if isinstance(c, dict) and isinstance(c.get("address"), str)}


def _marked_attribute(output: str, sensitive: dict[str, Any]) -> str | None:
    """The attribute marked sensitive on some resource whose name the output's name ends with (`ingest_key` and a
    key's `key`), or None; an output naming the id, name or length of one is not the secret."""
    words = [w for w in re.split(r"[^a-z0-9]+", output.lower()) if w]
    if not words or words[-1] in NAMING_WORDS:
        return None
    marked = {str(k) for flags in sensitive.values() for k, v in as_dict(flags).items() if v is True}
    text = "_".join(words)
    return next((attr for attr in sorted(marked) if attr.lower() not in NAMING_WORDS
                 and (text == attr.lower() or text.endswith("_" + attr.lower()))), None)


def _created_key(output: str, ri: ReviewInput, sensitive: dict[str, Any]) -> str | None:
    """The address of a key this plan creates, with a secret attribute marked sensitive or known only after apply,
    when the output's name says it holds a key (`ci_sa_key_json`, `deploy_key`; not `key_id` or `public_key`)."""
    words = [w for w in re.split(r"[^a-z0-9]+", output.lower()) if w]
    if "key" not in words or "public" in words or words[-1] in NAMING_WORDS:
        return None
    for made in managed(ri.changeset, Action.CREATE):
        flags = {**as_dict(made.after_unknown), **as_dict(sensitive.get(config_address(made.address)))}
        if "key" in made.type.split("_") and any(v is True and secret_attribute(str(k)) for k, v in flags.items()):
            return made.address
    return None


def _leaking(ri: ReviewInput, sensitive: dict[str, Any], config: Configuration, expression: Any, module: str,
             hops: int = 0) -> str | None:
    """The first reference of EXPRESSION that carries a secret (by name or the resource's sensitive marks)."""
    references = [r for r in list_or_empty(as_dict(expression).get("references")) if isinstance(r, str)]
    # Terraform lists `a.b.attr` then `a.b`: only the longest says what is read.
    for reference in (r for r in references if not any(o.startswith((r + ".", r + "[")) for o in references)):
        parts = config_address(reference).split(".")
        if parts[0] == "module" and len(parts) >= 3 and hops < MAX_HOPS:
            child = f"{module}.module.{parts[1]}".lstrip(".")
            inner = _module_outputs(ri.plan.configuration, child).get(parts[2])
            if isinstance(inner, dict) and inner.get("sensitive") is not True:
                found = _leaking(ri, sensitive, config, inner.get("expression"), child, hops + 1)
                if found:
                    return f"{reference} → {found}"
            elif inner is None and secret_attribute(parts[2]) and not CIPHERTEXT.search(parts[2].lower()):
                # the module's outputs are not shown: its name says (`encrypted_secret` is what a key encrypted)
                return f"{reference} (a module output its name says is a secret)"
            continue
        if parts[0] == "var" and len(parts) >= 2:
            if parts[1] in config.modules.get(module, NO_MODULE).sensitive:
                if not module and parts[1] in ri.masking.resource_names:
                    continue  # declared sensitive, and its value is a resource's name: nothing secret to copy
                return f"{reference}{DECLARED}"
            passed, caller = config.call_input(module, parts[1])
            found = _leaking(ri, sensitive, config, passed, caller, hops + 1) if passed and hops < MAX_HOPS else None
            if found:
                return f"{reference} → {found}"
            continue
        if parts[0] in {"var", "local", "each", "count", "path", "terraform", "self", "module"} or len(parts) < 2:
            continue
        resource = ".".join(parts[:3] if parts[0] == "data" else parts[:2])
        rest = parts[3:] if parts[0] == "data" else parts[2:]
        flags = sensitive.get(f"{module}.{resource}".lstrip("."))
        # A secret nested in a block is read by its leaf (`master_auth[0].client_key`, `kube_config[0].password`).
        if rest and CIPHERTEXT.search(rest[-1].lower()):
            continue  # `aws_iam_access_key.k.encrypted_secret`: what the PGP key encrypted, not the key
        kind = parts[1] if parts[0] == "data" else parts[0]
        if rest and (secret_attribute(rest[0]) or secret_attribute(rest[-1]) or _marked(as_dict(flags).get(rest[0]))
                     or _generated_key(config, f"{module}.{resource}".lstrip("."), rest[0])
                     or (rest[0] in GENERATED_VALUES and secret_attribute(kind))):
            return reference
        if not rest and _marked(flags):
            return reference
    return None


# What a generator of secrets hands out, named by the generator's type (`random_password.x.result`).
GENERATED_VALUES = frozenset({"result", "value"})
# A key the provider generates (`integration_key`, `routing_key`, an API key's `key`): a key chosen in the
# configuration is a name or a lookup key (an object's `key`, a table's `hash_key`), one the provider issues is a
# credential. Read only where the plan shows the resource and its configuration.
GENERATED_KEY = lazy_compile(r"^(?:\w+_)?keys?$")


def _generated_key(configured: Configuration, resource: str, attribute: str) -> bool:
    """Whether ATTRIBUTE of RESOURCE (a config address) is a key its provider issues: named a key, not public,
    not set by the configuration, and computed (known after apply, or read back where the configuration shows)."""
    if not GENERATED_KEY.match(attribute.lower()) or "public" in attribute.lower():
        return False
    expressions = configured.expressions(resource)
    after, unknown = configured.planned.get(resource, (None, None))
    if expressions is not None and attribute in expressions:
        return False
    # unknown until apply on a resource whose configuration does not set it; read back where that is shown
    return as_dict(unknown).get(attribute) is True or (expressions is not None and attribute in as_dict(after))


NO_MODULE = Module("")
DECLARED = " (a variable declared sensitive)"
SECURE_WORDS = {"secure", "sensitive", "secret", "secrets", "encrypted", "protected", "masked"}
PLAIN_WORDS = {"plain", "plaintext", "clear", "cleartext"}  # an argument that says it shows its value


def _words(name: str) -> set[str]:
    """The words of a type or argument name (`secure_json_data` → secure, json, data)."""
    return set(re.split(r"[^a-z0-9]+", name.lower()))


def _says_secure(after: Any, key: str) -> bool:
    """Whether the entry's own flag (`sensitive = true`) or the argument's name (`secure_json_data`) says it keeps
    the value hidden."""
    return any(as_dict(after).get(flag) is True for flag in SECURE_FLAGS) \
        or bool(_words(key) & SECURE_WORDS)


# Words of a type that say it keeps secrets (a secret store, a sensitive variable): writing one there is its job.
SECRET_STORE_WORDS = {"secret", "secrets", "sensitive", "vault", "credential", "credentials", "password", "key",
                      "keys", "token", "kms", "ssm", "parameter"}
PLAIN_PLACES = {"variable", "variables", "var", "vars", "configmap", "map", "label", "labels", "tag", "tags"}
# A store entry whose own kind says plain (an SSM parameter of type String, not SecureString) keeps no secret; a CI
# variable masked from job logs (`masked = true`) is how a CI keeps one.
KIND_KEYS = {"type", "value_type", "parameter_type", "data_type", "kind"}
PLAIN_KINDS = {"string", "stringlist", "plain", "plaintext", "text"}
SECURE_FLAGS = {"secure", "encrypted", "encrypt", "sensitive", "is_secret", "is_sensitive", "secret", "masked"}
SECURE_KIND = lazy_compile(r"secure|secret|sensitive|encrypt|protected|masked")


def store_says_plain(after: Any) -> bool:
    """Whether a secret store's entry says by its own kind or flag that it keeps the value unencrypted; a kind
    that says secure (`type = "SecureString"` beside `data_type = "text"`, a format not an encryption) wins."""
    values = as_dict(after)
    kinds = [v.strip().lower() for k, v in values.items() if k in KIND_KEYS and isinstance(v, str)]
    if any(SECURE_KIND.search(kind) for kind in kinds) or any(values.get(k) is True for k in SECURE_FLAGS):
        return False
    return any(kind in PLAIN_KINDS for kind in kinds) or any(values.get(k) is False for k in SECURE_FLAGS)


# Attributes that hold public key material (an imported certificate's body and chain, a public key): a bundle kept
# in a secret store may hold them beside the private key, and copying them out shows nothing secret.
PUBLIC_MATERIAL = lazy_compile(r"^(?:certificate(?:_body|_chain|_pem)?|cert(?:_pem)?|ca_cert\w*|public_key\w*"
                               r"|\w*_certificate_pem)$")


# The attribute a reference reads, when it only names where a secret is kept (its ARN, id, name or version).
WHERE_ATTRIBUTE = lazy_compile(r"(?:^|_)(?:arn|id|name|version|version_id)$")


def _names_where(found: str) -> bool:
    """Whether FOUND (`resource.attribute[0].inner`, as _leaking words it) ends in an attribute naming a location."""
    last = re.sub(r"\[[^\]]*\]", "", found.split(" ", 1)[0]).rsplit(".", 1)[-1]
    return bool(WHERE_ATTRIBUTE.search(last))


def _plain_writes(ri: ReviewInput, made: Any, config: Configuration, sensitive: dict[str, Any]) -> Iterator[Finding]:
    """Attributes of a resource that is no secret store whose configuration copies a secret attribute of another
    resource, and which the plan does not mark sensitive: a plain variable, config map, tag or label."""
    words = _words(made.type)
    store_plain = store_says_plain(made.after)
    if words & SECRET_STORE_WORDS and not store_plain:
        return
    # a plain variable, config map or plain-typed store entry shows every reader, whatever the plan masks; a CI
    # variable its own flag masks (`masked = true`) is how a CI keeps a secret
    plain = (bool(words & PLAIN_PLACES) and not _says_secure(made.after, "")) or store_plain
    marks = as_dict(sensitive.get(config_address(made.address)))
    for key in sorted(as_dict(config.expressions(made.address))):
        if secret_attribute(key) or PUBLIC_MATERIAL.search(key) or (_marked(marks.get(key)) and not plain):
            continue  # a certificate or public key shows nothing secret, wherever it was read from
        found = next(filter(None, (_leaking(ri, sensitive, config, leaf, module_of(made.address))
                                   for name, leaf in _expression_leaves(key, config.expression(made.address, (key,)))
                                   if name == key or not secret_attribute(name))), None)
        if found and _names_where(found):
            continue  # a secret's ARN or id (`master_user_secret[0].secret_arn`) says where it is, not what it is
        shown = plain or store_plain or bool(_words(key) & PLAIN_WORDS)
        if found and found.endswith(DECLARED) and (not shown or _says_secure(made.after, key)):
            continue  # Terraform marks what a sensitive variable flows into: only a place that shows it leaks
        if found and store_plain:
            yield finding(LEAK, made.address, f"{made.address}: {key} copies {found} into an entry whose own type "
                          "keeps it unencrypted: whoever can read the store gets the secret; use its secure type")
        elif found:
            yield finding(LEAK, made.address, f"{made.address}: {key} copies {found} into a place not marked "
                          "sensitive: whoever can read it (and every apply's output) gets the secret")


def _expression_leaves(name: str, node: Any) -> Iterator[tuple[str, Any]]:
    """(argument name, expression) for NODE itself, or for those inside its nested blocks (`environment {
    variables = … }`): a nested argument named for a secret (`password`) is one the provider keeps as such."""
    if isinstance(node, dict) and ("references" in node or "constant_value" in node or not node):
        yield name, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _expression_leaves(str(key), value)
    elif isinstance(node, list):
        for item in node:
            yield from _expression_leaves(name, item)


def _module_outputs(configuration: Any, module: str) -> dict[str, Any]:
    node = as_dict(as_dict(configuration).get("root_module"))
    for name in (module.split(".")[1::2] if module else []):
        node = as_dict(as_dict(as_dict(node.get("module_calls")).get(name)).get("module"))
    return as_dict(node.get("outputs"))


@rule(LEAK, Severity.HIGH, "An output not marked sensitive carries a secret attribute (a password, token, private or "
      "access key), a resource writes a created key to a local file or a stored object, or a secret-named "
      "environment variable gets a prefix that client builds publish (NEXT_PUBLIC_, VITE_, ...).")
def _leaks(ri: ReviewInput) -> Iterator[Finding]:
    outputs, sensitive = _module_outputs(ri.plan.configuration, ""), None
    config = configuration(ri.plan)
    for name, change in ri.plan.output_changes.items():
        if not set(change.actions) & {"create", "update"} or _marked(change.after_sensitive):
            continue
        declared = as_dict(outputs.get(name))
        sensitive = _marks(ri) if sensitive is None else sensitive
        found = None if declared.get("sensitive") is True else _leaking(ri, sensitive, config,
                                                                         declared.get("expression"), "")
        if not declared and (change.after_unknown is True or change.after):
            if secret_attribute(name):
                found = "a value its name says is a secret (the configuration does not show its expression)"
            elif change.after != MASK and (attr := _marked_attribute(name, sensitive)) is not None:  # else a copy
                found = (f"a value named for the attribute {attr}, which the provider marks sensitive (the "
                         "configuration does not show its expression)")
            elif change.after_unknown is True and (key := _created_key(name, ri, sensitive)) is not None:
                found = (f"a value named for a key, while {key} creates one with a secret only known after apply "
                         "(the configuration does not show its expression)")
        if found:
            yield finding(LEAK, None, f"output {name} is not marked sensitive but carries {found}: the secret is "
                          "printed by every apply and readable from the state by anyone who can read outputs")
    for made in managed(ri.changeset, *ALTERING):
        after = made.after if isinstance(made.after, dict) else {}
        local = PLAIN_FILE.search(made.type) is not None
        stored = STORED_FILE.search(made.type) and not set(re.split(r"[^a-z0-9]+", made.type)) & SECRET_STORE_WORDS
        if local or stored:
            sensitive = _marks(ri) if sensitive is None else sensitive
            where = "a local file on the machine that runs apply" if local else "a stored file or object that " \
                "whoever may read its store can download"
            for key in ("content", "content_base64", "sensitive_content"):
                found = _leaking(ri, sensitive, config, config.expression(made.address, (key,)),
                                 module_of(made.address))
                if found:
                    yield finding(LEAK, made.address, f"{made.address}: {key} writes {found} to {where}")
        else:
            sensitive = _marks(ri) if sensitive is None else sensitive
            yield from _plain_writes(ri, made, config, sensitive)
        if not KEY_HOLDERS.search(made.type):
            continue
        for key, value in after.items():
            if KEY_FILE.search(key.lower()) and isinstance(value, str) and value.strip():
                yield finding(LEAK, made.address, f"{made.address}: {key} writes the created key to the local "
                              f"file {value!r} on the machine that runs apply")
