"""`tfreview serve run-task`: an HCP Terraform / Terraform Enterprise run task endpoint."""

from __future__ import annotations

import logging
import os
from typing import Any

import click

from tfreview.commands.options import model_options, pop_settings_flags
from tfreview.errors import ConfigError

HMAC_ENV = "TFREVIEW_HMAC_KEY"
HOSTS_ENV = "TFREVIEW_ALLOWED_HOSTS"


@click.group("serve")
def serve_group() -> None:
    """Run tfreview as a service."""


@serve_group.command("run-task")
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 to accept connections from other machines.")
@click.option("--port", type=int, default=8080, show_default=True, help="Port to listen on.")
@click.option("--insecure-no-hmac", is_flag=True,
              help=f"Accept unsigned requests when ${HMAC_ENV} is not set (local testing only).")
@click.option("--progress-interval", type=click.FloatRange(min=0.1, max=540), default=300.0, show_default=True,
              help="Seconds between `running` updates while a review takes long (HCP Terraform gives up "
                   "after 10 minutes without one).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="HOST[:PORT]",
              help=f"Host that plan downloads and callbacks may go to (repeatable; ${HOSTS_ENV}, comma-separated). "
                   "https only; plain http on loopback only.  [default: app.terraform.io]")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Runs reviewed at the same time.")
@click.option("--queue-size", type=click.IntRange(min=1), default=100, show_default=True,
              help="Runs that may wait for a worker; more are answered 503 (HCP Terraform retries).")
@model_options
def run_task_command(bind: str, port: int, insecure_no_hmac: bool, progress_interval: float,
                     allowed_hosts: tuple[str, ...], workers: int, queue_size: int,
                     **kwargs: Any) -> None:
    """Serve a run task: review each run's plan and report passed (likely safe) or failed.

    Set the run task's HMAC key in HCP Terraform and the same value in $TFREVIEW_HMAC_KEY; requests
    whose X-TFC-Task-Signature does not match are refused with 401. Point the run task's URL at
    http(s)://HOST:PORT/ and attach it to the post-plan (or pre-apply) stage. Plans are downloaded
    from, and results sent to, --allowed-host hosts only (Terraform Enterprise: add your host).

    \b
    Example:
      TFREVIEW_HMAC_KEY=... tfreview serve run-task --bind 0.0.0.0 --port 8080 --backend ollama
      TFREVIEW_HMAC_KEY=... tfreview serve run-task --allowed-host tfe.example.com
    """
    try:
        import uvicorn

        from tfreview.integrations.run_task import DEFAULT_ALLOWED_HOSTS, RunTaskConfig, parse_allowed_hosts
        from tfreview.integrations.run_task_server import create_app
    except ImportError as exc:
        raise ConfigError(f"`tfreview serve` needs starlette and uvicorn ({exc.name} is missing) — "
                          "pip install 'tfreview[serve]'") from None
    from tfreview.settings import resolve_settings

    key = os.environ.get(HMAC_ENV, "")
    if not key and not insecure_no_hmac:
        raise ConfigError(f"${HMAC_ENV} is not set — set it to the HMAC key configured on the run task in "
                          "HCP Terraform (or pass --insecure-no-hmac for local testing only)")
    flags = pop_settings_flags(kwargs)
    settings = resolve_settings(flags, os.environ, plan_source=None, config_path=kwargs.pop("config_path"))
    hosts = parse_allowed_hosts(allowed_hosts or os.environ.get(HOSTS_ENV, "").split(",")) or DEFAULT_ALLOWED_HOSTS
    config = RunTaskConfig(settings=settings, hmac_key=key.encode() if key else None,
                           progress_interval=progress_interval, allowed_hosts=hosts,
                           max_plan_bytes=settings.max_plan_bytes,
                           workers=workers, queue_size=queue_size)
    if not key:
        click.echo("tfreview: warning: accepting unsigned run task requests (--insecure-no-hmac)", err=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(config), host=bind, port=port, log_level="info")
