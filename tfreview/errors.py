"""Exceptions raised by tfreview.

    TfreviewError                 every error tfreview raises on purpose
    ├── PlanError                 the plan cannot be read or converted (exit 2)
    ├── ConfigError               bad flags, environment or .tfreview.hcl (exit 2)
    └── BackendError              the model call failed; the review fails closed
        ├── BackendUnavailable    server down or unreachable
        ├── ModelNotFound         the model is not on the server
        ├── BackendTimeout        no complete answer within the timeout
        └── BadReply              an answer that cannot be trusted (cut off, truncated prompt, error line)

Messages are shown to users as one line, so each says what went wrong and what to do next.
"""

from __future__ import annotations


class TfreviewError(Exception):
    """Base class of every error tfreview raises on purpose."""


class PlanError(TfreviewError):
    """The plan could not be read, parsed or converted."""


class ConfigError(TfreviewError):
    """A flag, environment variable or config file is invalid."""


class BackendError(TfreviewError):
    """The model backend failed; the review becomes 'needs close review'."""


class BackendUnavailable(BackendError):
    """The model server could not be reached."""


class ModelNotFound(BackendError):
    """The server does not have the requested model."""


class BackendTimeout(BackendError):
    """The model did not finish within the timeout."""


class BadReply(BackendError):
    """The server answered, but the answer cannot be used."""
