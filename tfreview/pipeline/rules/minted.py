"""Risk rules helper: a script that mints or reads a credential and sends it over the network (read by
provisioners.py for exec provisioners and bootscript.py for boot scripts, any cloud's CLI).

Creating an access key, a service-account key, a token or a client secret, or reading a secret's value, is routine
where the result stays on the machine; the same output piped to an upload (`| curl -X POST …`), written to a file
that a later line uploads (`gsutil cp /tmp/k.json gs://…`), or kept in a variable that a later upload carries, is a
credential leaving for wherever that upload points, and so is an upload of the whole environment (`--data "$(env)"`,
`printenv | nc …`), every credential the job or host holds at once, or of a variable named for one (`-d
"t=$CI_JOB_TOKEN"`). A download over https, a token in the header that authenticates a request, or an upload of
something else, is not.
"""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile

# Sending a file or data over the network.
UPLOAD = lazy_compile(r"\bcurl\b[^|;&\n]*\s(?:-[a-zA-Z]*[FTd]\b|--(?:form|upload-file|data[\w-]*|json)\b"
                      r"|-X\s*(?:POST|PUT)\b)|\bwget\b[^|;&\n]*--(?:post|body)-(?:file|data)"
                      r"|\b(?:scp|sftp|rsync|nc|ncat|socat|ftp)\s|-InFile\b|\b(?:aws\s+s3\s+cp|gsutil\s+cp"
                      r"|azcopy\s+copy)\b", re.IGNORECASE)
MINT = lazy_compile(
    r"\bcreate-access-key\b|\bkeys\s+create\b|\bcredentials?\s+(?:reset|create)\b|\bget-session-token\b"
    r"|\bprint-(?:access|identity)-token\b|\bcreate\s+token\b|\btoken\s+create\b|\bcreate-login-profile\b"
    r"|\bget-secret-value\b|\bsecrets\s+versions\s+access\b|\bsecret\s+show\b|\bcreate-api-key\b"
    r"|\bapi-keys\s+create\b|\bcreate-service-specific-credential\b|\bget-parameters?\b[^\n]*--with-decryption"
    r"|\bsas\s+create\b|\bgenerate-sas\b|\bkeys\s+list\b[^\n]*(?:--account-name|storage)",
    re.IGNORECASE)
# The whole environment of the process, read as text (`$(env)`, `printenv |`, /proc/self/environ): in a CI job or on
# a host it holds every token and key the job was given.
ENVIRONMENT = lazy_compile(r"\$\(\s*(?:env|printenv|set)\s*\)|`(?:env|printenv)`|(?:^|[;&|(]\s*)(?:env|printenv)\s*\|"
                           r"|/proc/(?:self|\d+)/environ|\bGet-ChildItem\s+env:", re.IGNORECASE)
PATH = lazy_compile(r"(?:~|\.{0,2})/[\w.$(){}/-]+|[\w-]+\.(?:json|pem|key|p12|txt|env|csv)\b")
ASSIGNED = lazy_compile(r"\b([A-Za-z_]\w*)=\$\(")
MAX_LINES = 2_000


# A variable that holds a credential by its name (`$CI_JOB_TOKEN`, `${AWS_SECRET_ACCESS_KEY}`, `$DB_PASSWORD`), and
# the data an upload sends (`-d "…"`, `--data-binary`, `--form`, `--post-data`): a header that authenticates the
# request to its own API (`-H "Authorization: Bearer $TOKEN"`) is how tokens are used, not sent away.
SECRET_VARIABLE = lazy_compile(r"\$\{?(?:CI_JOB_TOKEN|CI_REGISTRY_PASSWORD|GITHUB_TOKEN|ACTIONS_\w*TOKEN"
                               r"|[A-Z][A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|ACCESS_KEY|PRIVATE_KEY)"
                               r"[A-Z0-9_]*)\b")
DATA_ARGUMENT = lazy_compile(r"(?:\s-[dF]|\s--data(?:-[\w-]+)?|\s--form|\s--json|\s--post-data|\s--body-data)"
                             r"[=\s]+(\"[^\"]*\"|'[^']*'|\S+)")


def sends_secret_variable(line: str) -> bool:
    """Whether a command LINE uploads data that carries a variable named for a credential."""
    return UPLOAD.search(line) is not None and any(SECRET_VARIABLE.search(data) for data in DATA_ARGUMENT.findall(line))


def sends_minted(script: str) -> bool:
    """Whether SCRIPT sends a credential it creates or reads (one the job holds in a variable too) over the
    network."""
    carriers: set[str] = set()
    for line in script.splitlines()[:MAX_LINES]:
        if ENVIRONMENT.search(line) and UPLOAD.search(line):
            return True  # every variable of the environment sent in one upload
        if sends_secret_variable(line):
            return True
        if (carriers and UPLOAD.search(line) and any(c in line for c in carriers)):
            return True
        mint = MINT.search(line)
        if mint is None:
            continue
        rest = line[mint.end():]
        if "|" in rest and UPLOAD.search(rest.split("|", 1)[1]):
            return True
        carriers |= {p for p in PATH.findall(rest) if len(p) > 3}
        carriers |= {f"${name}" for name in ASSIGNED.findall(line[:mint.start()])}
        carriers |= {"${" + name for name in ASSIGNED.findall(line[:mint.start()])}
    return False
