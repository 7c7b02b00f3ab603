"""The apex test for DNS record names (Public Suffix List, offline)."""

from __future__ import annotations

import pytest

from tfreview.pipeline.rules.domains import is_apex


@pytest.mark.parametrize(("name", "apex"), [
    ("@", True), ("", True), ("example.com", True), ("example.com.", True), ("example.co.uk", True),
    ("www", False), ("www.example.com", False), ("pr-7.preview", False), ("pr-7.preview.example.io", False),
    ("*.example.com", False), ("acme.example", True), ("acme.internal", True), ("old.acme.example", False),
])
def test_apex(name: str, apex: bool) -> None:
    assert is_apex(name) is apex
