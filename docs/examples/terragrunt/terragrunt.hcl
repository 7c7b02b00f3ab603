# Terragrunt: review every plan right after `terragrunt plan` (docs/integrations.md#terragrunt).
# Copy the `terraform` block into your unit's terragrunt.hcl (or a shared include).
terraform {
  # Save the plan so tfreview can read it; hooks run in the directory where Terraform ran.
  extra_arguments "tfreview_plan_file" {
    commands  = ["plan"]
    arguments = ["-out=tfplan"]
  }

  # TG_CTX_TF_PATH is the terraform/tofu binary Terragrunt used, so `show -json` matches the plan.
  # Exit 1 (needs close review) fails the hook; add --exit-zero to only report.
  after_hook "tfreview" {
    commands     = ["plan"]
    execute      = ["sh", "-c", "tfreview review tfplan --terraform-bin $TG_CTX_TF_PATH --output json=tfreview.json"]
    run_on_error = false
  }
}
