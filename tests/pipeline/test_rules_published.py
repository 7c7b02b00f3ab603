"""A secret-named environment variable under a prefix that a client build publishes (NEXT_PUBLIC_, VITE_, …) is a
credential leak, whatever the value's marking; a publishable key, a URL or a server-side secret is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.published import published_secret


def variable(key: str, rtype: str = "vercel_project_environment_variable", **extra: Any) -> dict[str, Any]:
    after = {"project_id": "prj_1", "key": key, "target": ["production"], "sensitive": False, **extra}
    return {"address": f"{rtype}.v", "mode": "managed", "type": rtype, "name": "v",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {},
                       "after_sensitive": {"value": True}}}


@pytest.mark.parametrize("name", ["NEXT_PUBLIC_STRIPE_SECRET_KEY", "VITE_DB_PASSWORD", "REACT_APP_CLIENT_SECRET",
                                  "EXPO_PUBLIC_SUPABASE_SERVICE_ROLE_KEY", "PUBLIC_JWT_PRIVATE_KEY"])
def test_a_secret_name_under_a_published_prefix_is_a_leak(name: str) -> None:
    assert published_secret(name)


@pytest.mark.parametrize("name", ["NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", "NEXT_PUBLIC_SITE_URL",
                                  "VITE_SUPABASE_ANON_KEY", "STRIPE_SECRET_KEY", "NEXT_PUBLIC_SECRETARY_EMAIL",
                                  "next_public_secret_key_name"])
def test_a_public_value_or_a_server_side_secret_is_not(name: str) -> None:
    assert not published_secret(name)


def test_a_published_secret_needs_close_review_and_its_publishable_twin_does_not(tmp_path: Path) -> None:
    leak = review_rules_alone(tmp_path, [variable("NEXT_PUBLIC_STRIPE_SECRET_KEY")])
    assert worst_by_rule(leak).get("credential-leak") == Severity.HIGH
    twin = review_rules_alone(tmp_path, [variable("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY")])
    assert "credential-leak" not in worst_by_rule(twin)


def test_a_map_of_variables_is_read_by_its_keys_and_an_existing_name_is_not_new(tmp_path: Path) -> None:
    app = variable("", "aws_amplify_branch", environment_variables={"VITE_ADMIN_PASSWORD": "(sensitive)"})
    assert worst_by_rule(review_rules_alone(tmp_path, [app])).get("credential-leak") == Severity.HIGH
    kept = variable("NEXT_PUBLIC_STRIPE_SECRET_KEY")
    kept["change"].update(actions=["update"], before={**kept["change"]["after"], "comment": "old"})
    assert "credential-leak" not in worst_by_rule(review_rules_alone(tmp_path, [kept]))
