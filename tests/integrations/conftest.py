"""Fixtures of the run task tests: HCP Terraform's double, a host that is not allowed, the app on uvicorn."""

from tests.integrations.hcp_double import elsewhere, hcp, serve  # noqa: F401
