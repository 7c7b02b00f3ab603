"""The security-controls vocabulary (risk rules stage): attribute names of every provider and the weak direction
of their values. controls.py applies it to every resource type; add a line to teach it a new control.

Paths are regexes over an attribute's dotted path without indices, matched at its end after `.`, `/` or `-`
(so `metadata.annotations.service.beta.kubernetes.io/aws-load-balancer-internal` ends in `internal`).

The lines live by theme in this package's modules and register when imported, in the order below: for one
attribute the first line that reads both values decides, so a catch-all comes after the lines it backs up
(workplace.py early: another tenant's claims accepted, `is_mfa_accepted`, decide before a factor's own switch
reads them as MFA turned on; legacy.py before the `*_enabled` lines: a switch named for a weak protocol decides;
the lines read by value meanings, meanings.py and nouns.py, last; modes.py and gates.py add theirs after this
package).
"""

from __future__ import annotations

# Each import registers its lines, in this order.
# isort: off
from tfreview.pipeline.rules.vocabulary import negated as negated
from tfreview.pipeline.rules.vocabulary import workplace as workplace
from tfreview.pipeline.rules.vocabulary import windows as windows
from tfreview.pipeline.rules.vocabulary import legacy as legacy
from tfreview.pipeline.rules.vocabulary import storage as storage
from tfreview.pipeline.rules.vocabulary import signals as signals
from tfreview.pipeline.rules.vocabulary import transport as transport
from tfreview.pipeline.rules.vocabulary import opening as opening
from tfreview.pipeline.rules.vocabulary import signin as signin
from tfreview.pipeline.rules.vocabulary import longtail as longtail
from tfreview.pipeline.rules.vocabulary import throttles as throttles
from tfreview.pipeline.rules.vocabulary import widened as widened
from tfreview.pipeline.rules.vocabulary import coverage as coverage
from tfreview.pipeline.rules.vocabulary import schemas as schemas
from tfreview.pipeline.rules.vocabulary import postures as postures
from tfreview.pipeline.rules.vocabulary import oversight as oversight
from tfreview.pipeline.rules.vocabulary import records as records
from tfreview.pipeline.rules.vocabulary import fallback as fallback
from tfreview.pipeline.rules.vocabulary import levels as levels
from tfreview.pipeline.rules.vocabulary import meanings as meanings
from tfreview.pipeline.rules.vocabulary import nouns as nouns
from tfreview.pipeline.rules.vocabulary import measures as measures
# isort: on
from tfreview.pipeline.rules.vocabulary.terms import (
    AUTH,
    AVAILABILITY,
    DETECTION,
    KEY,
    KEYS,
    PUBLIC,
    TLS,
    WATCHERS,
    ZERO,
)

__all__ = ["AUTH", "AVAILABILITY", "DETECTION", "KEY", "KEYS", "PUBLIC", "TLS", "WATCHERS", "ZERO"]
