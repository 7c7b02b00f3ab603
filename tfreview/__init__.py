"""tfreview: a post-plan safety reviewer for Terraform and OpenTofu."""

__version__ = "0.1.0"
