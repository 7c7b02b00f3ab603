"""`tfreview cache info` and `tfreview cache clear`: look at or empty the verdict cache."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tfreview.workflows.cache import VerdictCache

CACHE_DIR_OPTION = click.option(
    "--cache-dir", type=click.Path(file_okay=False, path_type=Path),
    help="The verdict cache.  [default: $TFREVIEW_CACHE_DIR, .tfreview.hcl, then the user cache dir]",
)


@click.group("cache")
def cache_group() -> None:
    """Inspect or empty the cache of model verdicts for identical change-sets."""


@cache_group.command("info")
@CACHE_DIR_OPTION
def info_command(cache_dir: Path | None) -> None:
    """Print where the cache is, how many verdicts it holds and their size."""
    info = _cache(cache_dir).info()
    click.echo(f"directory: {info.directory}")
    click.echo(f"entries:   {info.entries}")
    click.echo(f"size:      {_human(info.size_bytes)}")


@cache_group.command("clear")
@CACHE_DIR_OPTION
def clear_command(cache_dir: Path | None) -> None:
    """Delete every cached verdict (only files the cache wrote are touched)."""
    cache = _cache(cache_dir)
    removed = cache.clear()
    click.echo(f"removed {removed} cached verdict{'' if removed == 1 else 's'} from {cache.directory}")


def _cache(cache_dir: Path | None) -> VerdictCache:
    from tfreview.config import find_config
    from tfreview.settings import resolve_settings
    from tfreview.workflows.cache import VerdictCache

    settings = resolve_settings({"cache_dir": cache_dir}, os.environ, config_path=find_config(Path.cwd()))
    return VerdictCache(settings.cache_dir)


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
