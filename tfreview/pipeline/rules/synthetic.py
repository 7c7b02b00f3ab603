"""Stores labelled as holding synthetic data (risk rules stage, read by disposable.py): a data-classification
label whose value says the contents are synthetic, generated or test fixtures (`data = synthetic`) marks a store
that holds nothing anyone needs back; one whose value says customer, personal or regulated data marks a store that
does, whatever its environment. Read from any provider's tags or labels."""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile

# Label keys that classify what a store holds (data, contents, data_class, data-classification, dataset_type).
DATA_KEYS = lazy_compile(r"^(?:data|contents?|data[-_ ]?(?:class|classification|type|kind)|dataset[-_ ]?type)$",
                         re.IGNORECASE)
SYNTHETIC = frozenset({"synthetic", "generated", "fake", "dummy", "mock", "fixture", "fixtures", "sample"})
# Values that say the contents are real people's or regulated data, whatever environment holds them.
REAL = frozenset({"customer", "customers", "pii", "phi", "pci", "personal", "confidential", "restricted", "sensitive",
                  "regulated", "production", "prod", "cardholder", "financial", "health"})


def synthetic_data(pairs: list[tuple[str, str]]) -> bool:
    """Whether a data-classification label (key, value) says the store's contents are synthetic."""
    return any(DATA_KEYS.match(key.strip()) and val.strip().lower() in SYNTHETIC for key, val in pairs)


def real_data(pairs: list[tuple[str, str]]) -> bool:
    """Whether a data-classification label (key, value) says the store holds real or regulated data."""
    return any(DATA_KEYS.match(key.strip()) and val.strip().lower() in REAL for key, val in pairs)
