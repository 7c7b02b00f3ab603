"""Built-in risk rules, one module per theme; importing the package registers them all in tfreview.pipeline.risk."""

from __future__ import annotations

from importlib import import_module

# The order `tfreview rules` lists them in.
THEMES = ("lifecycle", "health", "scale", "iam", "network", "protection", "retention", "text", "credentials",
          "custom")

for _theme in THEMES:
    import_module(f"{__name__}.{_theme}")
