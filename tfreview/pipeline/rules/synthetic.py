"""Stores labelled as holding synthetic data (risk rules stage, read by disposable.py): a data-classification
label whose value says the contents are synthetic, generated or test fixtures (`data = synthetic`) marks a store
that holds nothing anyone needs back. Read from any provider's tags or labels."""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile

# Label keys that classify what a store holds (data, contents, data_class, data-classification, dataset_type).
DATA_KEYS = lazy_compile(r"^(?:data|contents?|data[-_ ]?(?:class|classification|type|kind)|dataset[-_ ]?type)$",
                         re.IGNORECASE)
SYNTHETIC = frozenset({"synthetic", "generated", "fake", "dummy", "mock", "fixture", "fixtures", "sample"})


def synthetic_data(pairs: list[tuple[str, str]]) -> bool:
    """Whether a data-classification label (key, value) says the store's contents are synthetic."""
    return any(DATA_KEYS.match(key.strip()) and val.strip().lower() in SYNTHETIC for key, val in pairs)
