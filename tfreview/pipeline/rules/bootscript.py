"""Risk rules, boot scripts: what a machine's first-boot script (`user_data`, `custom_data`, a metadata startup script,
cloud-init; plain or base64, any provider) newly does to the host's own defences. Appending a key to root's
authorized_keys, turning on root or password SSH login, stopping or uninstalling a management, security or
log-shipping agent, switching off the host's own record (journald keeping nothing, `auditctl -e 0`, a Kubernetes audit
policy whose first rule logs nothing), lowering the machine-wide crypto policy (`update-crypto-policies --set
LEGACY`, OpenSSL `SECLEVEL=0`), binding the container engine's API to a TCP address without TLS, turning off the
host firewall, piping a download from a bare public IP address, over plain HTTP, from a host where anyone can
publish (a gist, a paste site, a shared-hosting subdomain) or, in a build's script, from a host nobody vouches for
(installers.py) into a shell, or sending a
credential it creates or reads off the machine (minted.py) are high; a script only known after apply is not guessed
at (runcommands.py reads command documents the same way)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.encoded import decoded_text
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.credentials import LEAK
from tfreview.pipeline.rules.installers import UNVOUCHED, unvouched_downloads
from tfreview.pipeline.rules.minted import sends_minted
from tfreview.pipeline.rules.provisioners import PIPED
from tfreview.pipeline.rules.signinhosts import anyone_publishes
from tfreview.pipeline.rules.values import leaves

RULE = declare("boot-script-weakens", Severity.HIGH,
               "A machine's boot script (user_data, custom_data, startup script, cloud-init) newly adds a key for "
               "root, enables root or password SSH login, stops or removes a management, security or logging agent, "
               "switches off the host's logs or audit record, lowers the machine-wide crypto policy, opens the "
               "container engine's API without TLS, turns off the host firewall, pipes a download from a bare public "
               "IP, over plain HTTP or from a host of no known publisher into a shell, or creates or "
               "reads a credential and sends it off the machine; likewise a run-command document (SSM document, VM "
               "run command or extension, OS policy) run on machines.")

MAX_SCRIPT = 200_000
# A build's or deploy's own script (a buildspec, a build or deploy script) runs the same way, with the role that
# pushes images and deploys: a download piped into its shell runs whoever controls that host's code there.
BOOT_KEY = lazy_compile(r"(?:^|[._\-\[\]])(?:user_?data|custom_?data|startup[_-]?script|cloud[_-]?init|cloud[_-]?"
                        r"config|boot[_-]?script|init[_-]?script|build[_-]?spec|build[_-]?script|deploy[_-]?script)"
                        r"\w*(?:$|[.\[\]])", re.IGNORECASE)
# The build's and deploy's own scripts among them: what they bake or ship is the supply chain of every machine.
BUILD_KEY = lazy_compile(r"build[_-]?spec|build[_-]?script|deploy[_-]?script", re.IGNORECASE)
# A repository file that is a CI definition: its content is the build's script.
CI_FILE = lazy_compile(r"(?:^|/)(?:\.github/workflows/[^/]+|\.gitlab-ci|buildspec[\w.-]*|azure-pipelines"
                       r"|\.circleci/config|bitbucket-pipelines|cloudbuild|\.buildkite/[\w.-]+)\.ya?ml$"
                       r"|(?:^|/)Jenkinsfile$", re.IGNORECASE)
# `sed 's/A/B/'` writes B: only the replacement side of a substitution says what the file becomes.
SED_SUB = lazy_compile(r"\bs([/|#,@:])((?:(?!\1)[^\n])*)\1((?:(?!\1)[^\n])*)\1")
ROOT_KEY = lazy_compile(r"(?:>>?|\btee\b[^\n|;&]*|\bcp\b[^\n|;&]*|\bpath:\s*)\s*['\"]?(?:/root|~root)/\.ssh/"
                        r"authorized_keys")
SSH_OPEN = lazy_compile(r"^[ \t'\"-]*(?:echo\s+['\"]?)?(?:PermitRootLogin\s+yes|PasswordAuthentication\s+yes"
                        r"|PermitEmptyPasswords\s+yes)\b|\bssh_pwauth:\s*(?:true|yes|1)\b|\bdisable_root:\s*"
                        r"(?:false|no|0)\b|(?:PermitRootLogin|PasswordAuthentication)\s+yes['\"]?\s*>>?",
                        re.IGNORECASE | re.MULTILINE)
# The host's watchers: management and security agents, and what records or ships its logs (a stopped journald or
# rsyslog blinds the machine as surely as a stopped EDR sensor).
_AGENT = (r"[\w@.-]*(?:agent|sensor|auditd|osquery\w*|falcon[\w-]*|wazuh[\w-]*|ossec[\w-]*|defender\w*|mdatp"
          r"|sentinel\w*|qualys\w*|nessus\w*|rsyslog\w*|syslog-ng|journald|filebeat|auditbeat|fluent-?bit"
          r"|fluentd)[\w@.-]*")
AGENT_OFF = lazy_compile(rf"\b(?:systemctl\s+(?:--now\s+)?(?:stop|disable|mask|kill)\s+(?:--now\s+)?({_AGENT})"
                         rf"|service\s+({_AGENT})\s+stop|(?:pkill|killall)\s+(?:-\S+\s+)*({_AGENT})"
                         rf"|Stop-Service\s+(?:-Name\s+)?['\"]?({_AGENT}))", re.IGNORECASE)
AGENT_ON = lazy_compile(rf"\b(?:systemctl\s+(?:--now\s+)?(?:start|restart|enable\s+--now|reload-or-restart)\s+"
                        rf"(?:--now\s+)?({_AGENT})|service\s+({_AGENT})\s+(?:re)?start|Start-Service\s+(?:-Name\s+)?"
                        rf"['\"]?({_AGENT}))", re.IGNORECASE)
# The same agent's package removed (apt purge, yum/dnf erase, rpm -e, zypper rm, apk del, Windows uninstall).
AGENT_REMOVED = lazy_compile(rf"\b(?:apt(?:-get)?\s+(?:-\S+\s+)*(?:purge|remove|autoremove)|(?:yum|dnf)\s+(?:-\S+\s+)*"
                             rf"(?:remove|erase)|rpm\s+(?:-\S+\s+)*-e|zypper\s+(?:-\S+\s+)*(?:rm|remove)|apk\s+del"
                             rf"|Uninstall-Package|msiexec\s+/x)\s+(?:-\S+\s+)*({_AGENT})", re.IGNORECASE)
# The host's own record switched off: journald keeping nothing, the kernel audit system disabled, or a Kubernetes
# audit policy whose first rule, with no selector, logs nothing (the first matching rule decides every request).
LOGGING_OFF = lazy_compile(r"^[ \t'\"-]*Storage\s*=\s*none\b|\bauditctl\s+-e\s*0\b"
                           r"|\brules:\s*\n(\s*)-\s+level:\s*['\"]?None['\"]?[ \t]*\n(?:\1-|(?!\1\s))",
                           re.IGNORECASE | re.MULTILINE)
# The machine-wide crypto floor lowered: RHEL's LEGACY or SHA1 policies, OpenSSL's security level 0/1 or a
# minimum protocol below TLS 1.2 (every program on the host negotiates down to what it allows).
CRYPTO_DOWN = lazy_compile(r"\bupdate-crypto-policies\s+--set\s+['\"]?(?:LEGACY\b|[\w-]*:[\w:-]*SHA1\b)"
                           r"|\bfips-mode-setup\s+--disable\b|@SECLEVEL=[01]\b"
                           r"|^\s*MinProtocol\s*=\s*(?:SSLv3|TLSv1(?:\.[01])?)\s*$", re.IGNORECASE | re.MULTILINE)
# A container engine's API (root on the host to whoever reaches it) bound to a TCP address other than loopback,
# where no TLS client verification is set up.
ENGINE_TCP = lazy_compile(r"(?:docker|containerd|podman|\"hosts\"|-H\s|--host\b)[^\n]*?tcp://(?!127\.|localhost\b"
                          r"|\[::1\])", re.IGNORECASE)
ENGINE_TLS = lazy_compile(r"tlsverify", re.IGNORECASE)
ARGV_LINE = lazy_compile(r"^(\s*-\s*)\[(.*)\]\s*$", re.MULTILINE)
FIREWALL_OFF = lazy_compile(r"\bufw\s+(?:--force\s+)?disable\b|\bsystemctl\s+(?:--now\s+)?(?:stop|disable|mask)\s+"
                            r"(?:--now\s+)?(?:firewalld|ufw|iptables|ip6tables|nftables|netfilter-persistent)\b"
                            r"|\bservice\s+(?:firewalld|ufw|iptables)\s+stop\b|\biptables\s+(?:-F|--flush)\s*(?:$|;|&)"
                            r"|\biptables\s+-P\s+INPUT\s+ACCEPT\b|\bnft\s+flush\s+ruleset\b|\bnetsh\s+advfirewall\s+"
                            r"set\s+\w+\s+state\s+off\b|\bSet-NetFirewallProfile\b[^\n]*-Enabled\s+(?:\$?False|0)\b",
                            re.IGNORECASE | re.MULTILINE)
PLAIN_URL = lazy_compile(r"\b(?:http|ftp)://\[?([\w.:-]+)", re.IGNORECASE)
# Hosts of the machine's own network: a plain-HTTP fetch from them does not cross the internet.
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                           "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
                                                           "fc00::/7", "fe80::/10", "::1/128"))
INTERNAL_NAMES = lazy_compile(r"^(?:localhost|[\w-]+)$|\.(?:internal|local|lan|corp|intranet|home|svc|cluster\.local"
                              r"|consul)$", re.IGNORECASE)
ANY_URL = lazy_compile(r"\b(?:https?|ftp)://\[?([\w.-]+)", re.IGNORECASE)
# A raw file of a code host's repository at a branch that moves (GitHub, GitLab, Bitbucket, Gitea/Codeberg raw
# paths): a tag or a commit pins what runs; `main` runs whatever was pushed last.
MOVING_RAW = lazy_compile(
    r"https?://(?:raw\.githubusercontent\.com/(?P<a>[\w.-]+/[\w.-]+)/(?:refs/heads/)?"
    r"|(?:gitlab\.com|bitbucket\.org|codeberg\.org)/(?P<b>[\w.-]+/[\w.-]+)/(?:-/)?raw/(?:branch/)?)"
    r"(?P<ref>main|master|HEAD|develop|dev|trunk|latest)/", re.IGNORECASE)
BARE_IP_URL = lazy_compile(r"\b(?:https?|ftp)://(\d{1,3}(?:\.\d{1,3}){3})\b", re.IGNORECASE)


def scripts(values: Any) -> Iterator[tuple[str, str]]:
    """(path, text) of every boot script in one side of a change, base64 decoded where it is encoded."""
    if not isinstance(values, dict):
        return
    for path, value in leaves(values):
        if not _boot_path(path):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip():
                yield path, _readable(item[:MAX_SCRIPT])


# A plan repeats its attribute paths in every resource of a type, and one boot script in every instance a count or
# for_each makes and on both sides of an update: each path, script and decoding is read once.
@lru_cache(maxsize=4096)
def _boot_path(path: str) -> bool:
    return BOOT_KEY.search(path) is not None


@lru_cache(maxsize=4096)
def _build(path: str) -> bool:
    return BUILD_KEY.search(path) is not None


def build_scripts(values: Any) -> Iterator[tuple[str, str]]:
    """(path, text) of a build's own scripts in one side of a change: its build or deploy script, or the content of a
    repository file that is a CI definition (`.github/workflows/*.yml`, `.gitlab-ci.yml`, a Jenkinsfile)."""
    yield from ((path, text) for path, text in scripts(values) if _build(path))
    if isinstance(values, dict) and any(isinstance(v, str) and CI_FILE.search(v.strip()) for v in values.values()):
        for key in ("content", "contents", "body"):
            if isinstance(values.get(key), str) and values[key].strip():
                yield key, _readable(values[key][:MAX_SCRIPT])


@lru_cache(maxsize=64)
def _readable(text: str) -> str:
    return decoded_text(text.strip()) or text


@lru_cache(maxsize=64)
def dangers(script: str) -> frozenset[str]:
    """What a boot script does to the host's defences, as short phrases."""
    text = _after_edits(script)
    found: set[str] = set()
    if ROOT_KEY.search(text):
        found.add("adds an SSH key to root's authorized_keys")
    if SSH_OPEN.search(text):
        found.add("turns on root or password SSH login")
    started = {name.lower() for match in AGENT_ON.finditer(text) for name in match.groups() if name}
    stopped = [name for match in AGENT_OFF.finditer(text) for name in match.groups() if name]
    off = [name for name in stopped if name.lower() not in started]
    if off:
        found.add(f"stops the agent {off[0]!r}")
    removed = [name for match in AGENT_REMOVED.finditer(text) for name in match.groups() if name]
    if removed:
        found.add(f"removes the agent {removed[0]!r}")
    if LOGGING_OFF.search(text):
        found.add("turns off the host's own logging or audit record")
    if CRYPTO_DOWN.search(text):
        found.add("lowers the machine-wide cryptographic policy (legacy protocols and hashes allowed)")
    if ENGINE_TCP.search(text) and not ENGINE_TLS.search(text):
        found.add("opens the container engine's API on the network without TLS (root on the host to whoever "
                  "reaches it)")
    if FIREWALL_OFF.search(text):
        found.add("turns off the host firewall")
    if sends_minted(script):
        found.add("creates or reads a credential and sends it off the machine")
    for line in text.splitlines():
        found |= piped_download(line)
    return frozenset(found)


def piped_download(line: str) -> frozenset[str]:
    """What a command LINE pipes into a shell that anyone may have written: a download from a bare public IP, over
    plain HTTP from outside the network, or from a host where anyone publishes (as a phrase); empty otherwise."""
    if not PIPED.search(line):
        return frozenset()
    if any(_public(ip) for ip in BARE_IP_URL.findall(line)):
        return frozenset({"pipes a download from a bare public IP address into a shell"})
    if any(not _internal(host) for host in PLAIN_URL.findall(line)):
        return frozenset({"pipes a plain-HTTP download into a shell (anyone on the path can swap the code)"})
    if host := next(filter(None, map(anyone_publishes, ANY_URL.findall(line))), None):
        return frozenset({f"pipes a download from {host}, where anyone can publish, into a shell"})
    if moving := MOVING_RAW.search(line):
        repo = moving["a"] or moving["b"]
        return frozenset({f"pipes a script from the moving branch {moving['ref']} of {repo} on a code host into a "
                          "shell (whoever can push there chooses the code it runs)"})
    return frozenset()


def _after_edits(script: str) -> str:
    """SCRIPT with each sed substitution replaced by what it writes, and cloud-init's argv lists (`- [systemctl,
    stop, auditd]`) read as the command lines they run."""
    script = ARGV_LINE.sub(lambda m: m.group(1) + " ".join(a.strip().strip("'\"") for a in m.group(2).split(",")),
                           script)
    return "\n".join(SED_SUB.sub(lambda m: "\n" + m.group(3) + "\n", line) if "sed" in line else line
                     for line in script.splitlines())


def _internal(host: str) -> bool:
    """Whether a URL's host is on the machine's own network: a private address or an internal name."""
    if host.count(":") == 1:  # a host with its port, not an IPv6 address
        host = host.partition(":")[0]
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return bool(INTERNAL_NAMES.search(host.rstrip(".")))
    return any(address in network for network in PRIVATE_NETWORKS)


internal_host = _internal  # shared with artifacts.py: a job's download from its own network crosses no internet


def _public(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_global
    except ValueError:
        return False


@on_change(words=(b"user_data", b"userdata", b"custom_data", b"customdata", b"startup", b"cloud_init", b"cloud-init",
                  b"cloudinit", b"cloud_config", b"boot", b"init_script", b"init-script", b"buildspec", b"build_spec",
                  b"build-spec", b"build_script", b"build-script", b"deploy_script", b"deploy-script",
                  b"workflows/", b"gitlab-ci", b"azure-pipelines", b"circleci/", b"bitbucket-pipelines", b"cloudbuild",
                  b"buildkite/", b"jenkinsfile"))
def _boot_scripts(change: Change) -> Iterator[Finding]:
    """Boot scripts that newly weaken the host they start."""
    before = set().union(*(dangers(text) for _, text in scripts(change.before))) if change.before else set()
    for path, text in scripts(change.after):
        new = sorted(dangers(text) - before)
        if new:
            yield finding(RULE, change.address, f"{change.address}: the boot script in {path} {'; '.join(new)} "
                          "(the machine starts with its own defences weakened)")
            return
    yield from _unvouched_download(change)


def _unvouched_download(change: Change) -> Iterator[Finding]:
    """A build's script that newly pipes an HTTPS download from a host nobody vouches for into a shell
    (installers.py): every image or artifact it bakes carries what that host served. A machine's own boot script
    installing a vendor's agent this way is left to its other dangers."""
    before = set().union(*(unvouched_downloads(text) for _, text in build_scripts(change.before)))
    sent_before = any(sends_minted(text) for _, text in build_scripts(change.before))
    for path, text in build_scripts(change.after):
        if not sent_before and sends_minted(text):
            yield finding(LEAK, change.address, f"{change.address}: the script in {path} sends a credential the job "
                          "holds (its token, a secret variable) or mints over the network: whoever receives it acts "
                          "as the pipeline")
            return
        new = sorted(unvouched_downloads(text) - before)
        if new:
            yield finding(RULE, change.address, f"{change.address}: the script in {path} pipes a download from "
                          f"{new[0]}, {UNVOUCHED}, into a shell: every image or artifact it builds carries "
                          "whatever that host serves")
            return
