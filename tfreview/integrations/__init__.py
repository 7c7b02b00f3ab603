"""Where users run tfreview: GitHub Actions and pull requests, HCP Terraform run tasks, a local plan."""
