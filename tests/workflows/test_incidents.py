"""The held-out corpora: each plan's label with the rules alone.

fixtures/incidents/manifest.json was written from production failure modes, not from the rules
(scripts/corpus/incidents.py); the sets in fixtures/fresh/ were written the same way later, each against the
rules of its day by someone who did not read them, each by its own gen.py (fixtures/fresh/README.md).
A risky plan passes with exit 1, or with exit 2 (refused, one line) when it is malformed; a benign look-alike
needs exit 0. KNOWN_MISSES are today's misses: empty it as the detectors land.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tests.cli_commands import run
from tests.helpers import ROOT

MANIFEST = ROOT / "fixtures" / "incidents" / "manifest.json"
ENTRIES: list[dict[str, Any]] = json.loads(MANIFEST.read_text())["plans"]
FRESH = [ROOT / "fixtures" / "fresh" / name / "labels.json"
         for name in ("platform", "adversarial", "everyday", "context", "month", "quarter", "modules", "teardown",
                      "attacker", "saas-identity", "full-schema", "whole-plan", "postmortems", "week",
                      "public-modules", "red-team",
                      "real-and-adversarial", "kubernetes", "cis-posture",
                      "data-platforms", "edge",
                      "ci-secrets", "networking",
                      "storage-backup", "serverless-messaging", "observability", "ai-ml-search", "landing-zones",
                      "plan-shapes", "databases", "compute", "supply-chain", "refactors", "identity-sso",
                      "issue-themes", "issue-themes-2", "kubernetes-platform", "evasion", "public-modules-2",
                      "issue-themes-3", "monorepo-month", "saas-long-tail", "hashicorp-stack",
                      "benign-lookalikes", "teardown-2", "regional-clouds", "postmortems-2", "app-platforms",
                      "real-shaped", "issue-themes-4", "false-alarms-2", "monorepo-quarter", "hidden-like",
                      "false-alarms-3", "sre-incidents", "issue-themes-5", "platform-month-3", "false-alarms-4",
                      "false-alarms-5", "hidden-like-2", "regulated-month", "unheard-providers", "teardown-context",
                      "policy-reading", "saas-fortnight", "issue-themes-6", "false-alarms-6", "good-work",
                      "hidden-like-3", "false-alarms-7", "unheard-providers-2", "good-work-2", "issue-themes-7",
                      "public-modules-3", "teardown-context-2", "hidden-like-4", "long-tail-real", "ops-quarter",
                      "unheard-providers-3", "pentest", "public-modules-4", "real-prs", "hidden-like-5",
                      "hidden-like-6", "long-tail-real-2", "hidden-like-9", "long-tail-real-4",
                      "unheard-providers-4", "everyday-prs", "outage-twins", "hidden-like-10", "long-tail-real-5",
                      "hidden-like-11", "real-world-mix", "hidden-like-12", "long-tail-real-6", "out-of-sight",
                      "unheard-providers-5", "real-world-mix-2", "hidden-like-13", "hidden-like-14",
                      "long-tail-real-7", "everyday-prs-2", "hidden-like-15", "long-tail-real-8",
                      "unheard-providers-6", "real-world-mix-3", "detection-response", "hidden-like-16",
                      "embedded-documents", "network-paths", "data-perimeter", "hidden-like-17",
                      "config-only-values", "identity-long-tail", "deletion-context", "hidden-like-18",
                      "config-only-values-2", "workloads-and-saas", "modules-and-composition",
                      "account-wide-settings", "ci-cd-and-delivery", "hidden-like-19", "hidden-like-20",
                      "data-stores-and-analytics", "edge-dns-and-certificates", "serverless-and-events",
                      "hidden-like-21", "hidden-like-22", "hidden-like-23", "kubernetes-and-clusters",
                      "federation-and-workload-identity", "org-governance-and-guardrails", "hidden-like-24",
                      "backup-recovery-and-data-lifecycle", "identity-providers-and-sso",
                      "networking-and-connectivity", "hidden-like-25", "hidden-like-26",
                      "compute-fleets-and-images", "secrets-and-key-management", "edge-waf-and-api-gateways",
                      "private-connectivity", "observability-and-incident-response", "databases-and-data-stores",
                      "hidden-like-27", "hidden-like-28", "messaging-and-streaming", "email-and-communications",
                      "data-sharing-and-transfer", "directories-and-end-user-compute",
                      "gitops-and-developer-platforms", "hidden-like-31", "hidden-like-32", "hidden-like-33",
                      "hidden-like-34", "hidden-like-35", "hidden-like-36", "hidden-like-37", "hidden-like-38",
                      "hidden-like-39", "hidden-like-40", "hidden-like-41", "hidden-like-42", "hidden-like-43",
                      "hidden-like-44", "hidden-like-45", "hidden-like-46", "hidden-like-47",
                      "hidden-like-48", "hidden-like-49",
                      "hidden-like-50", "hidden-like-51", "hidden-like-52", "hidden-like-53", "hidden-like-54",
                      "hidden-like-55", "hidden-like-56", "hidden-like-57", "hidden-like-58", "hidden-like-59",
                      "hidden-like-60", "hidden-like-61", "hidden-like-62", "hidden-like-63", "hidden-like-64",
                      "hidden-like-65", "hidden-like-66", "hidden-like-67", "hidden-like-68", "hidden-like-69",
                      "hidden-like-70", "hidden-like-73", "hidden-like-74", "hidden-like-75", "hidden-like-76",
                      "hidden-like-77", "hidden-like-78", "hidden-like-71", "hidden-like-72", "hidden-like-79",
                      "hidden-like-80", "hidden-like-81", "hidden-like-82", "hidden-like-83", "hidden-like-84",
                      "hidden-like-85", "hidden-like-86", "hidden-like-87", "hidden-like-88", "hidden-like-89",
                      "hidden-like-90", "hidden-like-91", "hidden-like-92", "hidden-like-93", "hidden-like-94",
                      "hidden-like-95", "hidden-like-96", "hidden-like-97", "hidden-like-98", "hidden-like-99",
                      "hidden-like-100", "hidden-like-101", "hidden-like-102", "hidden-like-103", "hidden-like-104",
                      "hidden-like-105", "hidden-like-106", "hidden-like-107", "hidden-like-108", "hidden-like-109",
                      "hidden-like-110", "hidden-like-111", "hidden-like-112", "hidden-like-113", "hidden-like-114",
                      "hidden-like-115", "hidden-like-116", "hidden-like-117", "hidden-like-118", "hidden-like-119",
                      "hidden-like-120", "hidden-like-121", "hidden-like-122", "hidden-like-123", "hidden-like-124",
                      "hidden-like-125", "hidden-like-126", "hidden-like-127", "hidden-like-128", "hidden-like-129",
                      "hidden-like-130", "hidden-like-131", "hidden-like-132", "hidden-like-133", "hidden-like-134",
                      "hidden-like-135", "hidden-like-136", "hidden-like-137", "hidden-like-138",
                      "hidden-like-139", "hidden-like-140", "hidden-like-141", "hidden-like-142",
                      "hidden-like-143", "hidden-like-144", "hidden-like-145", "hidden-like-146",
                      "hidden-like-147", "hidden-like-148", "hidden-like-149", "hidden-like-150",
                      "hidden-like-151", "hidden-like-152", "hidden-like-153", "hidden-like-154",
                      "hidden-like-155", "hidden-like-156", "hidden-like-157", "hidden-like-158",
                      "hidden-like-163", "hidden-like-164", "hidden-like-165", "hidden-like-166",
                      "hidden-like-167", "hidden-like-168", "hidden-like-169", "hidden-like-170")]
LABELLED = ENTRIES + [e for path in FRESH for e in json.loads(path.read_text())["plans"]]
# The comments below were written when each set's lines were added. Since session 22 a link to an account the plan
# never shows is held only when it hands over more than the peer (peerreach.py): the peering look-alikes those
# comments call judgment calls read likely safe and have left the list, as have the AMI and encrypted-snapshot shares
# to a workload or DR account and the public web assets named by their grants.
KNOWN_MISSES = {
    # exposure
    # identity
    # destruction
    # downgrade
    # reach
    # credentials
    # malformed
    # false alarms (benign look-alikes flagged)
    # judgment calls the rules make stricter than the set's author: a monitor deleted with its on-call service
    # (alerting goes), a project made public, a deferred create (the plan is incomplete)
    "fresh/issue-themes/b25_moved_noop_and_monitor_cleanup.json",
    "fresh/everyday/b_gitlab_docs_public.json",
    "fresh/context/b10_deferred_clusterissuer_create.json",
    "fresh/plan-shapes/b26_deferred_create_k8s_manifest.json",
    # a new Datadog API key with no predecessor deleted in the plan: organisation-wide by design (any holder can
    # write to and read from the whole org); a rotation (the old key of the same type deleted) is medium
    "fresh/kubernetes-platform/b31_github_actions_secret_sensitive.json",
    "fresh/issue-themes-3/b44_datadog_key_rotation_sa_key_removed.json",
    # the last set's first-run false alarms, each arguable (its author named three as debatable): an alert
    # integration re-keyed, force_destroy turned on
    "fresh/real-and-adversarial/a40_pagerduty_service_replace.json",
    "fresh/real-and-adversarial/a48_s3_force_destroy_tmp.json",
    # an ephemeral-labelled cluster also labelled env=prod, whose workers keep HDFS data by default: fails closed
    "fresh/cis-posture/b18_dataproc_ephemeral_delete.json",
    # this session's sets, each left high on purpose (the plan does not prove what the author's note says): allUsers
    # granted on a bucket and on a service whose content the plan never shows (the issue names allUsers as risky),
    # a project made public for an open-source release (its history cannot be shown clean), port 8080 opened to the
    # world in a sandbox proven only by tags and names, a user given serviceAccountUser while an owner role goes
    # elsewhere, a fixed node pool cut to a quarter (the min_count of the note is not in the plan), a peering to a
    # tenant the plan shows nowhere
    "fresh/false-alarms-3/b64_gitlab_oss_release_public.json",
    "fresh/benign-lookalikes/b48_aws_sandbox_demo_port_open.json",
    "fresh/benign-lookalikes/b12_gcp_owner_removed_viewer_added.json",
    "fresh/hidden-like/b37_aks_nodepool_scale_down.json",
    # the session's last four sets, kept from every lane and run only on the final rules; their first-run misses
    # are fixed (address ranges by the share of the space they span, NS delegations by who owns the name servers).
    # The four false alarms below stay: the plan does not prove them safe (a detached volume only its name calls
    # temporary; an application key with no scopes; allUsers on a service the plan does not show; a peer account
    # nothing in the plan owns). false-alarms-4's five likewise: a repository and a bucket made public whose content
    # the plan does not show, a group membership that gives a new member PowerUserAccess, an admin role given to a
    # group whose members the plan does not show, a chart whose defaults for the rest of its volumes the plan does
    # not show (its bastion retired for Session Manager endpoints is now read as a way in handed over: waysin.py)
    "fresh/sre-incidents/b40_hcloud_firewall_https.json",
    "fresh/sre-incidents/b73_datadog_app_key_in_github_secret.json",
    "fresh/false-alarms-4/b05_aws_iam_narrowed.json",
    "fresh/false-alarms-4/b30_helm_replace_pdb.json",
    "fresh/false-alarms-4/b32_gh_docs_public.json",
    "fresh/false-alarms-4/b46_okta_admin_role_to_group.json",
    # session 6's six sets, fixed from after their first run; these stay because the plan does not prove the
    # writer's label: allUsers on a dataset only its name calls open data; a bypass-for-everyone Access app whose
    # more specific host may sit under a protected wildcard app the plan does not show; a dead-letter queue in an
    # account nothing else in the plan shows; a scratch bucket only its tag calls a CI cache (force_destroy on); a
    # production database deleted with only a final copy (the same shape as an incident labelled risky); a CA key
    # and certificate re-issued that only names call a test CA; a key vault deleted while nothing shows its secrets
    # moved.
    "fresh/false-alarms-5/bq_open_data_public.json",
    "fresh/false-alarms-5/sqs_retention_with_dlq.json",
    "fresh/regulated-month/b39_decommission_scratch.json",
    "fresh/teardown-context/b07_aws_rds_decom_final_snapshot.json",
    "fresh/teardown-context/b11_tls_test_ca_replace.json",
    "fresh/teardown-context/b37_gcp_sql_decom_final_backup.json",
    "fresh/teardown-context/b41_az_keyvault_purge_protected_migrated.json",
    # a database cluster deleted with no backups: only its dev tags and project call it scratch; its data is gone
    # issue-themes-6, false-alarms-6 and good-work, fixed from after their first runs; left where the plan does not
    # prove the writer's label: replication created in the same plan copies only new objects, so audit logs between
    # the old and new expiry go uncopied; PowerUserAccess to a pinned CI role (the issue names PowerUserAccess); a
    # repository made public and a project made visible to every instance user, whose content the plan does not
    # show; a cluster whose topics the plan does not list; grants to groups or SSO permission sets whose members the
    # plan does not show (the people who lost access may not be them); a log group's history deleted with its
    # stream; branch protection on an opaque
    # repository id the ruleset does not name; a static secret whose readers the plan does not show moved; a key
    # disabled or replaced while data encrypted under it is not shown re-encrypted; a role whose token policy is
    # admin.
    "fresh/issue-themes-6/des_s3_lifecycle_with_archive_copy.json",
    "fresh/false-alarms-6/b12_github_repo_public_docs_site.json",
    "fresh/false-alarms-6/b78_confluent_cluster_migration_target_present.json",
    "fresh/good-work/aws_iam_users_to_sso.json",
    "fresh/good-work/aws_flowlogs_consolidated.json",
    "fresh/good-work/gh_branch_protection_ruleset.json",
    "fresh/good-work/gl_project_visibility_internal.json",
    "fresh/good-work/vault_static_to_dynamic.json",
    "fresh/good-work/ledgerline_cmk_rotation.json",
    "fresh/good-work/aws_kms_old_key_disabled.json",
    "fresh/good-work/vault_userpass_to_oidc.json",
    # Session 7's sets, after their first runs and two rounds of lanes: a project deleted that the plan shows still
    # active; a KV secret whose contents are masked, so nothing shows the static role
    # replaces all of it.
    "fresh/false-alarms-7/sentry_project_decom.json",
    "fresh/good-work-2/vault_static_db_password_to_dynamic.json",
    # teardown-context-2 and hidden-like-4, after eight lanes: a log group replaced whose
    # history the S3 copy is only claimed to hold; a disabled key deleted with data the plan does not show
    # re-encrypted; a resource
    # group whose ttl tag is the only sign it is ephemeral; a load balancer moved to an ingress with the same
    # allow-list; a store only its name calls a preview; a stateless pooler of an invented provider replaced.
    "fresh/teardown-context-2/aws_trail_log_group_rename_same_retention.json",
    "fresh/teardown-context-2/aws_kms_disabled_key_retired_30d.json",
    "fresh/teardown-context-2/az_ephemeral_loadtest_rg_teardown.json",
    "fresh/teardown-context-2/k8s_admin_lb_to_ingress_with_oauth.json",
    "fresh/teardown-context-2/vault_preview_pr42_mount_removed.json",
    "fresh/teardown-context-2/stratumdb_pool_mode_replace.json",
    # session 8, after four lanes: a database password rotated with no secret store shown receiving the new one
    # (db-password-reset holds it on purpose); a runbook deleted whose replacement only the label's why names; a
    # retention count raised from 0 to 1, where 0 means "unlimited" on some providers and "keep none" on others.
    "fresh/long-tail-real/aws_lightsail_database_password_rotated.json",
    "fresh/long-tail-real/aws_ssm_document_unused_deleted.json",
    "fresh/unheard-providers-3/cloudsmith_retention_keep_one.json",
    # long-tail-real-2, after the second round: a WAF allow keyed on a header the client writes itself
    # (X-Forwarded-For), which needs a reading of forgeable headers in match statements; DNS forwarded to a public
    # resolver, common and often benign; a content-filter policy swapped by name, whose filters the plan does not
    # show; and a rules document replaced (it cannot change in place) whose new text is stricter, which needs its
    # language read.
    "fresh/long-tail-real-2/gcp_dns_policy_alt_nameserver.json",
    "fresh/long-tail-real-2/gcp_firebase_rules_tighten.json",
    # session 9, after the first round of four lanes: serviceAccountUser granted to a service account of a project the
    # plan never shows as its own (foreign-data-share asks to confirm the receiver); a key written to a bucket object
    # whose content expression the configuration does not show; an escalation policy whose id alone says it has no
    # on-call; a maintenance flag turned on whose effect only its name tells; trust and an AMI shared with an account
    # the plan never shows as its own; allUsers on a bucket and a service that only their names call the public
    # website (no website configuration in the plan).
    "fresh/hidden-like-9/pd_security_escalation_swap.json",
    "fresh/everyday-prs/role_trust_org.json",
    # hidden-like-11 (kept from every lane): allUsers on a bucket only its name calls the public website; a token
    # creator role granted project-wide to a group and a service account, which the rules hold privileged whoever
    # receives it (the set's author calls it routine).
    "fresh/hidden-like-11/gcp_binding_var_member_ok.json",
    # session 10's sets. Judgment calls: allUsers or a public bucket policy, a repository made public, only their names
    # call a website or an open-source release; a tag-policy attachment whose type the plan does not show (a
    # different policy on the same OU may be a weaker SCP); an audit exemption of a probe account and an uptime
    # service the rules keep high whoever is exempted; a TTL table and a debug log group only names call disposable;
    # a KMS key deleted (what it encrypted may live outside the state); versioning suspended on a bucket only its
    # name calls a cache; a docs service moved to low urgency; a group id granted ADMIN that nothing names all-staff;
    # an output change written in a shape Terraform does not write (refused, exit 2).
    "fresh/hidden-like-13/aws-s3-pab-static-website.json",
    "fresh/hidden-like-13/aws-scp-swap-tag-policy.json",
    "fresh/hidden-like-13/gh-sdk-repo-open-sourced.json",
    "fresh/hidden-like-14/gcp_audit_exempt_healthcheck_sa.json",
    "fresh/long-tail-real-6/lt6-aws-025.json",
    "fresh/out-of-sight/ddb_forced_replace_b.json",
    "fresh/out-of-sight/kms_delete_in_use_b.json",
    "fresh/out-of-sight/log_retention_var_b.json",
    "fresh/real-world-mix-2/aws_s3_buildcache_versioning_suspended.json",
    "fresh/real-world-mix-2/pd_docs_low_urgency.json",
    "fresh/unheard-providers-5/doppler-token-output-benign.json",
    # session 11's sets, after two rounds of lanes. hidden-like-15's leftovers were fixed in session 12 (a network
    # policy opened on a database port, look-alike publishers, pipes from paste hosts, event filters raised tenfold,
    # ciphertext outputs), but for a Key Vault secret written as a literal into its store (listed below). The others'
    # leftovers, each a principle not built yet: a metric filter that matches no value CloudTrail emits, a Lambda
    # told to drop security events, a scan exclusion by tag inside JSON text, an AppFlow destination and MWAA scripts
    # in an account the plan never shows, an HTTP listener forwarding rather than redirecting
    # on a load balancer the plan does not show internet-facing, an allow-all egress rule above a deny-all,
    # HSTS named by a sibling key in Akamai rules JSON, a mesh peering exporting
    # everything to a vendor, a Boundary target without session limits, a Nomad
    # jobspec image moved to :latest inside HCL text; two false alarms where the risky twin differs only by a
    # health-check mock integration or by a destination account the plan does not show.
    "fresh/detection-response/cw_metric_filter_never_matches.json",
    "fresh/detection-response/firehose_enrich_lambda_drops_security.json",
    "fresh/detection-response/az_defender_servers_scan_exclusion_tag.json",
    "fresh/long-tail-real-8/apigw-route-auth-b.json",
    "fresh/long-tail-real-8/datasync-destination-b.json",
    "fresh/real-world-mix-3/aws-alb-http-forward.json",
    "fresh/unheard-providers-6/054-boundary-target-address-risky.json",
    # session 12's sets, after one round of lanes. hidden-like-16 was kept from every lane (its first run on the start
    # rules and again on the merged ones, 67/72 and 3/78 both times, is its honest score; session 13 fixed a firewall
    # whose source_ranges come from a local in a module given 0.0.0.0/0): a Scaleway policy with AllProductsFullAccess
    # and an image moved to a look-alike Docker Hub namespace two names away (both fixed in session 14), an Actions
    # allowlist gaining `*/*` and an ECR policy letting an outside account push (fixed in session 13); false alarms
    # left: secure_environment_variables given a password written as a literal in the configuration (we keep
    # secret-in-code: the literal is in the repository, whatever Azure shows), a peering to an account the plan never
    # shows as its own (the AWS-owned Lambda layer read as an outside publisher was fixed in session 14).
    # network-paths: a rule admitting a security group that is itself open to the world (unchanged in the plan), an
    # allow-any collection group at a priority ahead of the deny, a FortiOS policy moved above a geo deny; the same
    # peering judgment call (an account the plan never shows).
    "fresh/hidden-like-16/c07-aci-env-password-twin.json",
    "fresh/network-paths/aws-sgrule-ref-open-group.json",
    "fresh/network-paths/azfw-rcg-allow-any-above-deny.json",
    "fresh/network-paths/fortios-move-allow-above-geo-deny.json",
    # session 14's sets. hidden-like-17 and hidden-like-18 and config-only-values-2 were kept from every lane and from
    # the lead until their numbers were taken (first runs 100.0%/3.8%, 93.0%/1.6% and 77.1%/1.9%; session 14's end
    # 100.0%/3.8%, 94.7%/1.6%, 83.3%/1.9%); after that, principles found from them fixed an Aurora member, a flow log
    # moved to a bucket, a data source read during apply and a PCI group's egress opened. Left: a layer from an
    # account the plan never shows (hidden-like-17), a peering to one (hidden-like-18, the same call as
    # network-paths'), an outbound allow-any NSG rule created with no deny shown (a created rule to the internet is a
    # choice in the open: 9 benign, 16 risky creates in the stored sets, no signal to tell them apart).
    # config-only-values (first run 32.8%, end 81.0%) and config-only-values-2 leave: dynamic blocks written without
    # their for_each (real Terraform leaves dynamic blocks out of `configuration`), creates with a weak value kept
    # medium (an internet-facing load balancer, a LoadBalancer service, an Access bypass, allow-all viewers, 0
    # reviews, 1-day deletes), documents jsonencode'd from several values, hand-made inconsistencies (a change whose
    # module or variable the configuration lacks: 137 benign stored plans carry partial configurations), and false
    # alarms that are judgment calls: accounts the plan never shows (trust, peering, ECR push), a lock removed with
    # its for_each key, an Application Insights connection string, an unused variable holding a password.
    # identity-long-tail: a vendor's multi-tenant app from a tenant the plan never shows.
    "fresh/config-only-values-2/aws-cloudfront-viewer-each-risky.json",
    "fresh/config-only-values-2/aws-trust-principal-var-benign.json",
    "fresh/config-only-values-2/azure-mgmt-policy-delete-days-risky.json",
    "fresh/config-only-values-2/github-branch-protection-reviews-var-risky.json",
    "fresh/config-only-values-2/module-address-missing-call-risky.json",
    "fresh/config-only-values-2/undefined-variable-reference-risky.json",
    "fresh/config-only-values/002-sg-dynamic-ingress-var-value-risky.json",
    "fresh/config-only-values/005-azure-storage-nested-module-public-risky.json",
    "fresh/config-only-values/007-cloudflare-access-policy-decision-risky.json",
    "fresh/config-only-values/009-alb-internal-flag-two-levels-risky.json",
    "fresh/config-only-values/012-iam-trust-any-aws-principal-benign.json",
    "fresh/config-only-values/022-azure-lock-for-each-key-dropped-benign.json",
    "fresh/config-only-values/033-azure-nsr-outbound-destination-risky.json",
    "fresh/config-only-values/034-k8s-netpol-empty-namespace-selector-risky.json",
    "fresh/config-only-values/041-azure-webapp-connection-string-benign.json",
    "fresh/config-only-values/042-rds-password-var-default-benign.json",
    "fresh/config-only-values/047-azure-diag-setting-empty-categories-risky.json",
    "fresh/config-only-values/052-ecr-repo-policy-push-principal-benign.json",
    "fresh/config-only-values/056-module-missing-from-configuration-risky.json",
    "fresh/config-only-values/057-undeclared-variable-reference-risky.json",
    "fresh/hidden-like-17/hl17-076.json",
    "fresh/hidden-like-18/reach-peer-outside-account-twin.json",
    "fresh/identity-long-tail/aad-b67883e7.json",
    # Session 15's themed sets after their principles: an import adopting a bucket policy that already grants
    # Principal "*" (nothing changes; the author judged adopting it risky), and EBS default encryption whose value an
    # external script decides at apply (medium control-unknown: the plan cannot show it goes off).
    "fresh/modules-and-composition/mc-590876d3.json",
    "fresh/account-wide-settings/aws_ebs_default_encryption_external.json",
    # ci-cd-and-delivery, after session 15's and 16's principles: a deploy token with write scopes and no expiry and
    # an instance runner taking untagged jobs from unprotected refs (creates with weak settings stay medium), and two
    # false alarms: an ECR pull grant to an account the plan never shows as its own, a PR preview Application deleted
    # (the plan shows nothing that makes it a preview but its name).
    "fresh/ci-cd-and-delivery/gl_deploy_token_write.json",
    "fresh/ci-cd-and-delivery/gl_runner_prod_untagged.json",
    "fresh/ci-cd-and-delivery/ecr_repo_policy_prod_pull.json",
    "fresh/ci-cd-and-delivery/argo_app_preview_deleted.json",
    # hidden-like-20 after session 16's look: a new port-80 listener that forwards instead of redirecting (its twin
    # redirects; a web listener on 80 is everyday work), and a peering to an account only a variable's name calls
    # the plan's own.
    "fresh/hidden-like-20/alb-http-risky.json",
    # Session 16's themed sets after their principles (first runs unseen on the start rules): a database export to a
    # bucket named as a bare string, a transfer into a project nothing shows is ours, a look-alike provider namespace
    # (only a table of vendors' namespaces would know), a twin whose plan says it is not applyable; a partner key in a
    # worker's plain-text binding under a name that says only KEY, log filters that keep only allowed requests or
    # match nothing (not read as predicates yet).
    "fresh/data-stores-and-analytics/rch_rds_export_to_foreign_bucket.json",
    "fresh/data-stores-and-analytics/rch_bq_copy_to_outside_project.json",
    "fresh/data-stores-and-analytics/sup_snowflake_provider_lookalike_namespace.json",
    "fresh/data-stores-and-analytics/crd_output_nonsensitive_password_twin.json",
    "fresh/edge-dns-and-certificates/cloudflare-worker-partner-key-risky.json",
    "fresh/edge-dns-and-certificates/wafv2-logging-filter-risky.json",
    # serverless-and-events (written mid-session, first run unseen on the start and mid rules) after its
    # principles: async retries cut to none with no failure destination (retry counts are not read as capacity),
    # and an Event Grid webhook to a domain nothing shows is outside.
    "fresh/serverless-and-events/reach_eventgrid_webhook_external.json",
    # hidden-like-21, -22 and -23 (kept unseen all of session 16), examined in session 17: the peering and
    # repository-policy look-alikes name another account the plan does not show as its own (held, as
    # foreign-network-link holds every link to such an account), a membership's destroy mode keeps an outside
    # maintainer in the organisation (held), and a TLS 1.0 protocol list newly set in a chart's values is read as
    # a create floor (medium), not as a downgrade from a default the plan does not show.
    "fresh/hidden-like-21/idn05_github_member_dod.json",
    "fresh/hidden-like-22/r-helm-ingress-nginx-protocols.json",
    "fresh/hidden-like-22/b-aws-ecr-policy-push-star.json",
    # A benign plan that writes one address twice with two different changes (a no-op and an update): Terraform
    # never does, and a plan read two ways is refused (exit 2), as every plan the parser cannot read one way is.
    "fresh/public-modules-3/cloudflare_dns_dmarc_waf_rule.json",
    # kubernetes-and-clusters (session 17, first run unseen on the start rules): a registry password inline in a
    # Secret's stringData behind the kubectl provider's sensitive mark (secret-in-code stays medium, as below).
    # federation-and-workload-identity (session 17, first run unseen on the start rules) after its principles:
    # an admin permission set assigned to a group named for everyone (the group's members are not in the plan), an
    # admin session lengthened (session lengths are not read as controls), a role pinned to one workspace given a
    # job-function admin policy, token-creator on a deployer granted to named accounts, and s3:* on one bucket stay
    # as the rules read them (high: a job-function admin policy, impersonation, a service-wide action); a client
    # secret written as a literal stays medium (secret-in-code, as below).
    "fresh/federation-and-workload-identity/idn01_sso_admin_to_all_employees.json",
    "fresh/federation-and-workload-identity/dgr02_admin_session_twelve_hours.json",
    "fresh/federation-and-workload-identity/crd05_keycloak_client_secret_hardcoded.json",
    "fresh/federation-and-workload-identity/exp04b_tfc_trust_single_workspace.json",
    "fresh/federation-and-workload-identity/exp08b_sa_token_creator_named_accounts.json",
    # org-governance-and-guardrails (session 17, first run unseen on the start rules) after its principles: a
    # policy definition's deny given a tag exception, Identity Center administration delegated to a workload
    # account, a StackSet template moved to another bucket, and a log sink excluding debug logs read as an exclusion
    # of what may be audit.
    "fresh/org-governance-and-guardrails/exp06_az_deny_pip_tag_bypass.json",
    "fresh/org-governance-and-guardrails/idn05_aws_sso_delegated_to_workload.json",
    "fresh/org-governance-and-guardrails/sup01_stackset_external_template.json",
    "fresh/org-governance-and-guardrails/log05b_gcp_sink_excludes_k8s_debug.json",
    # hidden-like-24 (kept unseen all of session 17), examined in session 18: the peering look-alike names an account
    # the plan does not show as its own (held, as foreign-network-link holds every link to such an account).
    # Session 18's themed sets (first run unseen on the start rules), after their principles: replication re-pointed
    # to an account the plan never shows as its own is medium (egress-outside asks to confirm it); a key vault without
    # purge protection holding a new backup key; an image moved to another publisher on Docker Hub (medium). (Session
    # 19 caught the ZPA rule, the propagations, the routes to a peering, the mesh rule and the FortiOS policy.)
    # Look-alikes held: a
    # snapshot shared with an account only a variable's name calls the DR account, a VM deleted whose backup data only
    # a provider feature flag keeps, a vault lock re-made stricter, a loopback callback whose signing key id reads as a
    # secret, one interconnect attachment of a redundant pair re-made. (Session 19 grades a bypass for everyone on a
    # health path medium.)
    "fresh/backup-recovery-and-data-lifecycle/041-backup-storage-cmk.json",
    "fresh/backup-recovery-and-data-lifecycle/073-sql-vm-legacy-02-removal.json",
    "fresh/backup-recovery-and-data-lifecycle/077-vault-lock-settings.json",
    "fresh/identity-providers-and-sso/077-authentik-vault-cli-callback.json",
    "fresh/networking-and-connectivity/010-ash-interconnect-vlan-change.json",
    # Session 19's themed sets (first run unseen on the start rules), after their principles: a count-based
    # lifecycle rule over any tag state in a shared repository (no age, so no "in use" window to read); an AMI shared
    # with two accounts beside the organisation's ARN (the accounts are not shown to be the organisation's); sandbox
    # keys and their usage plan retired (the plan key associations read as stores); a VCL refactor dropping a
    # header unset (VCL is not read line by line); a tunnel hostname published with no Access application (a public
    # status page beside it has none either); an output of a whole SSM parameter (Terraform itself refuses a
    # non-sensitive output of a sensitive value, so the plan cannot be real).
    "fresh/edge-waf-and-api-gateways/031-sandbox-keys-retirement.json",
    "fresh/private-connectivity/020-cf-tunnel-grafana-route.json",
    "fresh/private-connectivity/042-vpn-dc2-key-rollover.json",
    # Session 19's second round (written mid-session, first run unseen on the start and mid rules), after its
    # principles: a Pub/Sub topic's retention cut to a day (read as backup retention); a target group deleted with its
    # service (no rung reads it as the service's part); diagnostic categories replaced by their category group; a
    # sandbox project and a preview workspace retired with their logs (containers named for throwaway scopes are not
    # read as disposable yet); a Sentinel daily cap, an anomaly band widened to 200 deviations and an escalation
    # policy cut to one rule (limits and counts not read); a workflow action moved to a personal account and a chart's
    # image repository newly set to one (no old publisher to compare); Fluent Bit's audit input dropped in a values
    # document; a condition key swapped for one that is always true; a compacted topic switched to delete; pg_dump sent
    # to a file-sharing host by a provisioner; a read replica re-made with its old public IP setting.
    "fresh/observability-and-incident-response/016-gcp-org-sink-container-severity.json",
    "fresh/observability-and-incident-response/018-legacy-search-decommission.json",
    "fresh/observability-and-incident-response/021-kv-diagnostics-category-group.json",
    "fresh/observability-and-incident-response/031-sentinel-workspace-daily-cap.json",
    "fresh/observability-and-incident-response/044-project-logging-sandbox-retire.json",
    "fresh/observability-and-incident-response/059-fluent-bit-buffer-tuning.json",
    "fresh/observability-and-incident-response/062-preview-env-workspace-cleanup.json",
    "fresh/observability-and-incident-response/078-orders-anomaly-band-tuning.json",
    "fresh/databases-and-data-stores/028-catalog-table-policy.json",
    "fresh/databases-and-data-stores/031-checkout-pg-replica-naming.json",
    "fresh/databases-and-data-stores/076-orders-nightly-snapshot-step.json",
    # hidden-like-27 and -28, kept unseen from every fix of session 19 (first runs 96.4% / 6.8% and 98.3% / 3.5%, the
    # same at the end), examined in session 20: a NAT instance's ENI cannot be told from a firewall's by the plan
    # (only its id's text says nat), and a website bucket's content is not shown to live on in the new origin.
    "fresh/hidden-like-27/024-prod-nat-instance-retirement.json",
    "fresh/hidden-like-27/109-downloads-site-to-cloudfront.json",
    # A literal credential written in the configuration into a new secret store entry stays medium (secret-in-code):
    # these authors label it risky, while others (full-schema, issue-themes-5 and -7, two unseen hidden-like sets of
    # session 15) label the same shape the benign twin of a literal in a plain place. Session 15 raised it to high,
    # measured three new false alarms in two unseen sets and no recall there, and took it back.
    "fresh/secrets-and-key-management/008-flux-bootstrap-sops-age.json",
    # Session 20's themed sets (first run unseen on session 20's start rules): leftovers not fixed yet.
    "fresh/messaging-and-streaming/085-sqs-service-queues-costcenter.json",
    "fresh/email-and-communications/054-mx-gateway-ingress.json",
    "fresh/email-and-communications/071-acs-email-domain-cutover.json",
    "fresh/email-and-communications/077-postfix-relay-values.json",
    "fresh/email-and-communications/079-shipwell-domain-records.json",
    "fresh/directories-and-end-user-compute/009-avd-pooled-scale-in.json",
    "fresh/directories-and-end-user-compute/071-identity-lab-module-removal.json",
    "fresh/messaging-and-streaming/040-azure-anomaly-detector-receiver.json",
    # session 21's held-out sets (fixtures/fresh/README.md). Left: a peering or transit attachment to an account the
    # plan never shows as its own (nothing says it is the organisation's: 016 benign, 034 risky); a topic retired
    # after its producer, scratch tables labelled ephemeral, a renamed Snowflake database and a future-grant read as
    # a store's data, a monitor of a decommissioned service, a break-glass role whose strong conditions the rules
    # do not weigh, a webhook to the organisation's own Atlantis, a token creator for a Dataflow job's own account
    # and a CNAME to an outside auth host.
    "fresh/hidden-like-32/064-confluent-topic-retire-empty.json",
    "fresh/hidden-like-32/100-bq-drop-scratch-tables.json",
    "fresh/hidden-like-33/094-break-glass-admin-strong-conditions.json",
    "fresh/hidden-like-34/016-github-webhook-own-atlantis.json",
    "fresh/hidden-like-34/049-monitor-decommissioned-service.json",
    "fresh/hidden-like-35/021-gcp-dataflow-token-creator-on-sa.json",
    # hidden-like-36, -37 and -38 (session 22), scored unseen on a76dbaeb: 95.2% / 6.8%, 90.6% / 6.6% and
    # 98.3% / 9.8%, then fixed from: a log retention cut against a drift that raised it, a legacy backup plan whose
    # successor selects nothing.
    "fresh/hidden-like-37/107-app-log-retention-1y-archived.json",
    "fresh/hidden-like-38/034-backup-legacy-plan-removed.json",  # its new plan selects nothing: volume/* goes unbacked
    # hidden-like-39 and -40 (session 22), scored unseen on a76dbaeb (98.4% / 6.8%, 100% / 8.3%) and on 0fd7bde7
    # (98.4% / 5.1%, 100% / 8.3%): a production database retired with its final snapshot and a locked archive vault,
    # a retired function with its role and rule, a per-PR CI clone database, a backup copy to a vault in an account
    # the plan shows nowhere else (medium since session 23: AWS Backup copies only within an organization), a status
    # route to an internal health page (upstream internal: held, as test_rules_public_by_design decides), and a
    # checkout Worker injecting a third-party script.
    "fresh/hidden-like-39/027-billing-legacy-db-decommission.json",
    "fresh/hidden-like-39/116-decommission-feature-flag-lambda.json",
    "fresh/hidden-like-40/061-tollgate-status-route-public.json",
    # hidden-like-41 and -42 (session 22), scored unseen on a76dbaeb and on 69cc0215 alike (96.7% / 10.9%, 98.2% /
    # 5.3%), then fixed from: scratch datasets and a sandbox account retired, a record moved to a new CDN, and a
    # parameter re-made as SecureString while its value is rotated.
    "fresh/hidden-like-41/028-bq-scratch-datasets-expire.json",
    "fresh/hidden-like-41/081-docs-cname-to-new-cloudfront.json",
    "fresh/hidden-like-42/002-ssm-string-to-securestring.json",
    # hidden-like-43 and -44 (session 22), written last and kept sealed until scored on the session's end rules
    # d3c9f234 (100% / 7.0%, 93.5% / 1.8%; on a76dbaeb 100% / 7.0%, 91.9% / 7.1%): an auditor role and an observability
    # account's viewer roles, a load balancer re-made internal, a CI key handed to two repositories, imports beside a
    # restored drift; alerts routed to a null receiver in chart values, and a CI definition from a group the plan does
    # not show (an event orchestration suppressing critical events is caught since session 23).
    "fresh/hidden-like-43/057-grafana-lb-internal.json",
    "fresh/hidden-like-43/114-dd-ci-api-key.json",
    "fresh/hidden-like-44/013-import-existing-records.json",
    "fresh/hidden-like-44/023-kps-alertmanager-null.json",
    "fresh/hidden-like-44/028-gitlab-ci-config-external.json",
    # hidden-like-45 to -47 (session 23), scored unseen on 396b09d6 (95.2% / 3.2%, 96.7% / 18.3%, 93.3% / 0.0%), then
    # fixed from: a namespace of last season's event retired beside this season's (a namespace takes what the plan
    # does not show with it), a season's module retired with its table (its data goes), and a CI secret created from
    # a literal (secret-in-code is medium by design: a secret store's literal was judged fine by most writers).
    "fresh/hidden-like-46/037-kubernetes-namespace-v1-x4.json",
    "fresh/hidden-like-46/045-aws-sqs-queue-module-x13.json",
    # hidden-like-48 and -49 (session 23), kept sealed while every fix of the session landed and scored on its end rules
    # e190ac40 (96.8% / 1.6%, 100% / 3.2%; on 396b09d6 96.8% / 1.6%, 100% / 4.8%); not fixed from: sandbox stores torn
    # down on their tags alone, a Worker on the login path cloning form bodies to a third party, and an Action that
    # grants an admin claim to one outside address.
    "fresh/hidden-like-48/074-cloudflare-mixed-5.json",
    "fresh/hidden-like-48/109-auth0-update-1.json",
    "fresh/hidden-like-49/073-aws-s3-bucket.json",
    # hidden-like-50 and -51 (session 23), written after the fixes from 45-47 and scored unseen on 328667a2 (93.3% /
    # 8.1%, 98.4% / 5.0%; the same on 396b09d6), then fixed from: a controller's ClusterRole with every verb on its
    # own CRDs (wildcards on custom groups stay high: their power varies), a Secret from a literal (medium by design),
    # an allow-list entry replaced by an unrelated range (held, as test_rules_longtail_controls decides), and three dev
    # or sandbox stores torn down alone (a label alone never clears a store).
    "fresh/hidden-like-50/028-kubernetes-cluster-role-v1.json",
    "fresh/hidden-like-51/005-digitalocean-database-cluster.json",
    "fresh/hidden-like-51/075-databricks-mws-workspaces.json",
    # hidden-like-52 to -54 (session 23), written after the fixes from 50 and 51 and scored unseen on 45ddda29 (96.7% /
    # 6.2%, 83.9% / 0.0%, 95.0% / 11.7%), then fixed from. Left: a WAF skip for one path prefix, a token widened by
    # opaque permission-group ids, a cache bucket's whole-bucket expiry (held, as test_rules_scopes_and_windows
    # decides), stores and a project torn down on their tags alone; identity federation moved (an AKS issuer, a partner
    # IdP linking by email, a realm-wide role mapping; a SAML provider's metadata is caught since session 23's last
    # commit), a BGP import filter opened, a route-table association moved to production; a migration task purging its
    # source, an SCP moved between OUs, a chart from a new repository, and a decommission whose kept bucket is
    # forgotten.
    "fresh/hidden-like-52/089-google-storage-bucket.json",
    "fresh/hidden-like-52/120-google-project.json",
    "fresh/hidden-like-53/018-azurerm-federated-identity-credential.json",
    "fresh/hidden-like-53/122-okta-idp-saml.json",
    "fresh/hidden-like-54/019-aws-organizations-policy-attachment.json",
    "fresh/hidden-like-54/092-aws-instance.json",
    # Session 24 (sets 55-66). Wave 1 (55-57, 59) left a fluent-bit grep filter that drops the audit stream by its
    # record kind, a sandbox bucket the plan names only by an abbreviation (no tag), a sandbox module's untagged alarms,
    # and a signing key re-made under a new name. Waves 2 and 3 (61-66), read after their first run: a VCL snippet
    # enforcing tokens removed and a CloudFront function's debug bypass (code read as text), a transient sandbox
    # database known only by its comment, an organisation's security services delegated to a workload account, budget
    # actions that stop production, a share of a whole dataset to another organisation, a group rule by an opaque group
    # id, a record re-pointed at an unrelated bucket website, an OT route propagation and conduit, an OTA campaign
    # created without signature checks, an SES identity retired whole, chart values opening sign-up, a moderation flag
    # off. Sets 58 and 60 were kept sealed and scored on the end rules, not fixed from: CI debug tracing, feed
    # resolution preferring upstream, a classic-to-ruleset migration, a public distribution repository, a tailnet ACL, a
    # namespace label that opted out of signature enforcement; and set 60's tenant isolation and data residency (a path,
    # a prefix or a CIDR widened from one tenant to all, a grant or peering across tenants, a region moved out of the
    # EU, MACsec off, a WAF skip for /api/).
    "fresh/hidden-like-56/020-kubernetes-config-map-v1.json",
    "fresh/hidden-like-56/085-aws-s3-bucket.json",
    "fresh/hidden-like-58/014-gitlab-project-variable.json",
    "fresh/hidden-like-58/052-azuredevops-serviceendpoint-azurerm.json",
    "fresh/hidden-like-58/057-github-organization-ruleset.json",
    "fresh/hidden-like-58/080-github-branch-protection.json",
    "fresh/hidden-like-58/082-google-artifact-registry-repository-iam-member.json",
    "fresh/hidden-like-58/121-cinderci-context.json",
    "fresh/hidden-like-59/058-aws-s3-bucket.json",
    "fresh/hidden-like-60/045-aws-s3-bucket-replication-configuration.json",
    "fresh/hidden-like-60/116-aws-vpc-peering-connection.json",
    "fresh/hidden-like-61/092-aws-cloudfront-function.json",
    "fresh/hidden-like-62/040-snowflake-database.json",
    "fresh/hidden-like-62/072-aws-organizations-delegated-administrator.json",
    "fresh/hidden-like-62/096-tollgate-budget-policy.json",
    "fresh/hidden-like-62/115-aws-budgets-budget-action.json",
    "fresh/hidden-like-64/103-aws-ec2-transit-gateway-route-table-propagation.json",
    "fresh/hidden-like-64/106-plantgrid-conduit.json",
    "fresh/hidden-like-64/111-fleetwise-ota-campaign.json",
    "fresh/hidden-like-65/069-aws-ses-domain-identity.json",
    # session 25's first wave (67-70, scored unseen on the start rules), after its principles: a namespace and chart
    # of a dated event only a label names (no environment, no lifetime label); guests added to an admin group whose
    # members the plan shows only as opaque ids; a secret written as a literal stays medium (secret-in-code, above).
    "fresh/hidden-like-68/081-helm-release.json",
    "fresh/hidden-like-68/097-okta-group-memberships.json",
    # session 25's second wave (73-75, scored unseen on 3d9063ac), after its principles: a callback on a domain one
    # word away from the app's own (look-alike domains are how tokens are taken: held); a sandbox database and a
    # load-test volume that only names call disposable (no tag says so); an AWS Backup copy to an account the plan does
    # not show beside its own (the session 23 stance: two older writers call such copies risky); a KMS key scheduled
    # for deletion while objects it encrypted stay (moving the bucket's default key re-encrypts nothing); an
    # attachment whose policy comes from a variable its module does not declare; an import that changes a tier.
    "fresh/hidden-like-73/028-auth0-client.json",
    "fresh/hidden-like-73/062-aws-db-instance.json",
    "fresh/hidden-like-73/102-digitalocean-droplet.json",
    "fresh/hidden-like-74/118-aws-backup-plan.json",
    "fresh/hidden-like-75/001-aws-kms-key.json",
    "fresh/hidden-like-75/006-aws-iam-role-policy-attachment.json",
    "fresh/hidden-like-75/073-cryostore-vault.json",
    # session 25's third wave (76-78, scored unseen on 1658f05a), after its principles: a database only its project's
    # name calls a sandbox; a CDN origin moved to an outside host (whether it ships code the plan does not say); a
    # website bucket deleted as its name moves to a new distribution (the bucket's content is not shown copied); a
    # share of a device-lab project made public by a new object (creates with a weak value stay medium); allUsers on
    # a service whose content the plan does not show (as above); a backup selector moved from a tag query to a list
    # (which machines the tag selected the plan does not show).
    "fresh/hidden-like-77/029-google-firestore-database.json",
    "fresh/hidden-like-77/054-aws-route53-record.json",
    "fresh/hidden-like-77/097-google-cloud-run-v2-service-iam-member.json",
    # session 25's sealed sets (71, 72), scored on the end rules and not fixed from: the session's unseen estimate.
    # Misses: a tenant's subscription filter dropped, a carrier's SFTP home at the shared bucket's root, a bucket's
    # key moved to an outside account, a topic's retention cut to a minute, Everyone assigned to an admin app, an AMI
    # from an unknown owner, a CMS update source moved to a mirror. False alarms: a reverted drift, a pull-only ECR
    # grant, a tag-scoped s3:*, a new client's exact callback, a record replaced by an alias, a masked variable
    # rotated, a sandbox bucket, a client's zone forgotten at offboarding, a carrier's publish grant.
    "fresh/hidden-like-71/010-aws-vpc-security-group-ingress-rule.json",
    "fresh/hidden-like-71/021-aws-s3-bucket-server-side-encryption-configuration.json",
    "fresh/hidden-like-71/076-google-pubsub-topic-iam-member.json",
    "fresh/hidden-like-71/086-okta-app-group-assignment.json",
    "fresh/hidden-like-71/088-aws-transfer-user.json",
    "fresh/hidden-like-72/001-aws-route53-zone.json",
    "fresh/hidden-like-72/010-aws-launch-template.json",
    "fresh/hidden-like-72/027-aws-s3-bucket.json",
    "fresh/hidden-like-72/029-aws-ecr-repository-policy.json",
    "fresh/hidden-like-72/067-auth0-client.json",
    "fresh/hidden-like-72/084-aws-iam-policy.json",
    "fresh/hidden-like-72/098-aws-route53-record.json",
    # session 26, resembles-risky (learned, resemblance.py): benign plans of the corpus it reads as risky, most of
    # them a switch turned off or a count lowered where that is the safe direction and no curated line reads the
    # attribute (a non-SSL port closed, a setting only its sibling names). It was chosen by its score on unseen sets
    # (1.2-1.5 points of recall for 0.3-0.5 of false alarms), not here.
    "fresh/edge-waf-and-api-gateways/096-merchant-api-authorizer-cache-off.json",
    "fresh/everyday/b_alb_policy_tls13_only.json",
    "fresh/false-alarms-4/b33_gh_secret_rotation.json",
    # risky plans earlier models of this session caught (taken off this list then) that the final one misses;
    # each was on the list before this session
    "fresh/config-only-values-2/aws-policy-arn-module-output-risky.json",
    "fresh/config-only-values/029-cloudfront-viewer-protocol-dynamic-risky.json",
    "fresh/hidden-like-18/reach-nsg-out-internet.json",
    "fresh/hidden-like-33/034-tgw-vendor-vpc-full-propagation.json",
    "fresh/hidden-like-34/018-snowflake-raw-db-drop-rename.json",
    "fresh/hidden-like-63/024-quarry-dataset-share.json",
    "fresh/hidden-like-77/093-devicelab-project-share.json",
    "fresh/hidden-like-9/gcp_sa_key_to_shared_bucket.json",
    "fresh/kubernetes-and-clusters/registry-pull-secret-b.json",
    "fresh/long-tail-real-2/aws_wafv2_allow_by_xff.json",
    "fresh/long-tail-real-8/mwaa-startup-script-a.json",
    "fresh/unheard-providers-6/052-meshwarden-peering-export-risky.json",
    # hidden-like-79 to -82, scored unseen on c2d3ae68 and with resembles-risky (trained without them): what they
    # get wrong today is left as scored and unread, for a later session to judge without fixing to them.
    "fresh/hidden-like-79/024-aws-ssm-parameter.json",
    "fresh/hidden-like-79/061-aws-iam-role-policy-attachment.json",
    "fresh/hidden-like-80/088-google-logging-project-sink.json",
    "fresh/hidden-like-80/115-aws-gamelift-fleet.json",
    "fresh/hidden-like-81/031-aws-cloudwatch-log-subscription-filter.json",
    "fresh/hidden-like-81/045-aws-iam-user.json",
    "fresh/hidden-like-81/070-recordkeep-retention-schedule.json",
    "fresh/hidden-like-81/110-civicid-attribute-release.json",
    "fresh/hidden-like-82/039-google-bigquery-dataset.json",
    "fresh/hidden-like-82/104-aws-s3-bucket.json",
    "fresh/hidden-like-82/112-digitalocean-database-cluster.json",
    # session 27: resembles-risky retrained with hidden-like-83 to -90, reading a name/value pair's value under its
    # name, and no longer reading computed ids or the whole internet as a source (the exposure rules read that with
    # its ports); these moved with the new weights
    "fresh/everyday-prs-2/k8s-svc-internal-lb.json",
    "fresh/hidden-like-82/086-aws-cloudfront-distribution.json",
    "fresh/serverless-messaging/b33_aws_sqs_dlq_swap.json",
    "fresh/config-only-values-2/aws-sg-default-not-overridden-risky.json",
    "fresh/hidden-like-66/087-helm-release.json",
    "fresh/unheard-providers-3/gitlab_deploy_key_read_only.json",
    # hidden-like-83 to -90, scored unseen on 6f4f19a8 (83-86: 86.6% / 5.3%; 87-90: 96.4% / 1.2%) and fixed from
    # where a principle carried (spend guards, shares, row policies, zone firewalls…): what they still get wrong.
    # device trust and fleet plumbing (a CA set to auto-register, a verified vendor root, a topic rule to a partner)
    "fresh/hidden-like-84/036-cloudflare-record.json",
    "fresh/hidden-like-84/070-aws-iot-ca-certificate.json",
    "fresh/hidden-like-84/073-aws-iot-policy.json",
    "fresh/hidden-like-84/079-buildkite-cluster-agent-token.json",
    "fresh/hidden-like-84/087-azurerm-iothub-dps-certificate.json",
    "fresh/hidden-like-84/097-azurerm-key-vault-access-policy.json",
    "fresh/hidden-like-84/105-aws-iot-topic-rule.json",
    "fresh/hidden-like-85/105-fedgate-attribute-release-policy.json",
    "fresh/hidden-like-86/009-databricks-library.json",
    "fresh/hidden-like-86/051-databricks-job.json",
    "fresh/hidden-like-86/052-okta-app-group-assignments.json",
    "fresh/hidden-like-86/075-snowflake-task.json",
    "fresh/hidden-like-86/076-google-bigquery-data-transfer-config.json",
    "fresh/hidden-like-86/125-databricks-global-init-script.json",
    "fresh/hidden-like-88/006-histora-replication-target.json",
    # their look-alikes read as risky: a broker's public web listener, a sandbox's key, MQTT over TLS open to the
    # world, a signer profile shared within the organisation, grants and deletes in dev, drift on a warehouse size
    "fresh/hidden-like-84/032-brokerly-listener.json",
    "fresh/hidden-like-84/035-aws-kms-key.json",
    "fresh/hidden-like-84/039-digitalocean-firewall.json",
    "fresh/hidden-like-84/074-aws-signer-signing-profile-permission.json",
    "fresh/hidden-like-84/116-aws-security-group-rule.json",
    "fresh/hidden-like-86/010-databricks-grants.json",
    "fresh/hidden-like-86/063-hcloud-server.json",
    "fresh/hidden-like-86/082-snowflake-warehouse.json",
    "fresh/hidden-like-89/059-tollgate-data-export.json",
    "fresh/hidden-like-90/096-google-storage-bucket.json",
    # hidden-like-91 to -94, sealed until the fixes from 83-90, then scored on them (95.1% / 3.3%; on 6f4f19a8
    # 94.7% / 3.7%) and fixed from: a GitOps platform's quieter moves (a DNS rewrite into a tenant's namespace, a
    # provider package from a personal registry, a role annotation borrowed, a prune path repointed), a CI variable
    # holding a vendor's key under a short name, a HA pair replaced at once, a partner's route-table association
    "fresh/hidden-like-92/001-kubernetes-config-map.json",
    "fresh/hidden-like-92/032-kubernetes-manifest.json",
    "fresh/hidden-like-92/103-kubernetes-service-account.json",
    "fresh/hidden-like-92/125-kubernetes-manifest.json",
    "fresh/hidden-like-94/035-gitlab-project-variable.json",
    "fresh/hidden-like-94/077-hcloud-server.json",
    "fresh/hidden-like-94/095-aws-ec2-transit-gateway-route-table-association.json",
    # and their look-alikes read as risky: a segment and a dataset retired, keys rotated by replace, a namespace gone
    "fresh/hidden-like-91/025-gatewise-segment.json",
    "fresh/hidden-like-93/035-google-bigquery-dataset.json",
    "fresh/hidden-like-93/089-tls-private-key.json",
    "fresh/hidden-like-94/058-kubernetes-namespace.json",
    # the last retraining, with hidden-like-95 to -98, moved these
    "fresh/supply-chain/b01_gh_ruleset_broadened_to_release.json",
    "fresh/unheard-providers-4/launchdarkly-maintenance-benign.json",
    # hidden-like-95 to -98, sealed until every fix of this session had landed and scored then (95.2% / 4.9%; on
    # 6f4f19a8 95.6% / 4.9%); fixed from only for a recorder narrowed to a list and a break-glass trust that stops
    # asking for MFA. Misses: an unblinding role on a trial, an IAM document written in a shape Terraform never
    # writes, a security team's own detectors quietly narrowed (a Falco driver off, a DaemonSet moved off every
    # node, a Sentinel rule excluding one account, a sensor exclusion for /tmp/**, a search dropping 10/8, a drop
    # rule for a gateway's logs) and a secret literal in configuration (medium there)
    "fresh/hidden-like-95/094-trialgrid-study-role-assignment.json",
    "fresh/hidden-like-96/041-aws-iam-role-policy.json",
    "fresh/hidden-like-96/078-helm-release.json",
    "fresh/hidden-like-96/094-kubernetes-daemon-set-v1.json",
    "fresh/hidden-like-96/099-azurerm-sentinel-alert-rule-scheduled.json",
    "fresh/hidden-like-96/104-hexwarden-sensor-visibility-exclusion.json",
    "fresh/hidden-like-96/119-splunk-saved-searches.json",
    "fresh/hidden-like-98/121-newrelic-nrql-drop-rule.json",
    # their look-alikes read as risky: drift removed, scratch expiry, an SCP that denies more, dev and sandbox
    # teardowns, honeypots open by design, a narrowed exclusion, a key rotated, a new environment, a tag trust
    "fresh/hidden-like-95/103-aws-security-group-rule.json",
    "fresh/hidden-like-95/123-aws-s3-bucket-lifecycle-configuration.json",
    "fresh/hidden-like-96/012-aws-organizations-policy.json",
    "fresh/hidden-like-96/017-helm-release.json",
    "fresh/hidden-like-96/037-hexwarden-ml-exclusion.json",
    "fresh/hidden-like-96/060-aws-security-group-rule.json",
    "fresh/hidden-like-96/090-google-compute-firewall.json",
    "fresh/hidden-like-96/100-digitalocean-droplet.json",
    "fresh/hidden-like-96/112-tls-private-key.json",
    "fresh/hidden-like-98/022-aws-security-group-rule.json",
    "fresh/hidden-like-98/025-aws-iam-role.json",
    "fresh/hidden-like-98/079-kubernetes-namespace.json",
    # Session 28, hidden-like-99 to -110 in three waves, each scored before anyone read it (see fixtures/fresh/README):
    # misses: location data posted to an outside analytics host, a partner domain on a raw table, a partner grant on
    # a stream pattern without masking, a scheduled query copying card numbers to a partner dataset, a DR
    # subscription given an idle expiry, a route sending an enclave's range through a shared attachment, a Helm
    # release running Argo's server auth mode, an ECR policy keeping one release, a literal AWS key pair in an
    # Actions secret (medium there), a boot script piping a download from an unvouched host into bash
    "fresh/hidden-like-100/123-aws-iot-topic-rule.json",
    "fresh/hidden-like-104/054-google-bigquery-table-iam-member.json",
    "fresh/hidden-like-104/058-kestrel-access-grant.json",
    "fresh/hidden-like-104/066-google-bigquery-data-transfer-config.json",
    "fresh/hidden-like-104/094-google-pubsub-subscription.json",
    "fresh/hidden-like-105/037-aws-ec2-transit-gateway-route.json",
    "fresh/hidden-like-106/082-helm-release.json",
    "fresh/hidden-like-106/114-aws-ecr-lifecycle-policy.json",
    "fresh/hidden-like-109/036-aws-instance.json",
    # their look-alikes read as risky: a staging table dropped beside its successor, a help-desk role scoped to one
    # org unit, a backup copy to the MSP's DR account, a partner's service account on its export view, a guardrail
    # that denies more but exempts break-glass, a sandbox teardown, a stateless agent re-made, a public OSS image
    # repository, a drift revert; and the learned rule's retraining moves four older plans
    "fresh/hidden-like-100/125-google-bigquery-table.json",
    "fresh/hidden-like-102/006-googleworkspace-role-assignment.json",
    "fresh/hidden-like-103/021-aws-backup-plan.json",
    "fresh/hidden-like-104/108-google-bigquery-table-iam-member.json",
    "fresh/hidden-like-105/099-aws-organizations-policy.json",
    "fresh/hidden-like-106/072-helm-release.json",
    "fresh/hidden-like-106/099-aws-instance.json",
    "fresh/hidden-like-106/112-google-artifact-registry-repository-iam-member.json",
    "fresh/hidden-like-20/az-role-benign.json",
    "fresh/public-modules-2/b29_vault_policy_narrow.json",
    # `s3:*` on one named bucket stays high, as the brief asks of wildcard actions on a sensitive service (the
    # writers read a service's own bucket as fine); an import that also sets a description stays high too
    "fresh/federation-and-workload-identity/rch01b_irsa_single_service_account.json",
    "fresh/hidden-like-102/011-aws-iam-policy.json",
    "fresh/hidden-like-110/076-aws-iam-role-policy.json",
    "fresh/hidden-like-108/022-ledgerlock-vault.json",
    # hidden-like-111 to -114, sealed until every fix of this session had landed and scored then, not fixed from
    # (98.4% / 4.5%, the same on 8e326dff). Misses: an OTA partner given full guest profiles, lock keys valid for a
    # year offline, a card program's stand-in approving without a cap, a node pool removed under pinned pods
    "fresh/hidden-like-111/082-bookwire-channel-partner.json",
    "fresh/hidden-like-113/030-issuewire-card-program.json",
    "fresh/hidden-like-113/058-google-container-node-pool.json",
    # their look-alikes read as risky: replication to the group's DR account, a second OIDC subject of the same
    # repository, a vendor's role scoped by a condition, a CA certificate renewed, `s3:*` on one sandbox bucket, a
    # public service behind its load balancer, a public bucket's new prefix, grant-funded compute and workshops torn
    # down; and the learned rule's retraining moves one older plan
    "fresh/hidden-like-111/026-aws-s3-bucket-replication-configuration.json",
    "fresh/hidden-like-111/080-aws-iam-role.json",
    "fresh/hidden-like-112/010-google-project-iam-member.json",
    "fresh/hidden-like-112/122-tls-self-signed-cert.json",
    "fresh/hidden-like-113/007-aws-iam-policy.json",
    "fresh/hidden-like-113/044-google-cloud-run-v2-service-iam-member.json",
    "fresh/hidden-like-114/030-aws-s3-bucket-policy.json",
    "fresh/hidden-like-114/038-helm-release.json",
    "fresh/hidden-like-114/064-google-compute-instance.json",
    "fresh/hidden-like-114/065-digitalocean-droplet.json",
    "fresh/hidden-like-114/102-gridmesh-allocation.json",
    # session 29, hidden-like-115 to -118 (ad tech, a contact centre, a HashiCorp estate, second-tier clouds), fixed
    # from. Misses: a clean room handed the raw identity graph, a vendor reading every client's recordings, a PCI
    # desktop redirecting drives and clipboard, a SIP trunk to UDP without SRTP, a card flow that no longer pauses
    # recording, one client's queues given to another, a literal password in a KV secret, a signing key swapped for
    # a personal one, a CA's private key written inline (secret-in-code stays medium)
    "fresh/hidden-like-115/027-snowflake-grant-privileges-to-share.json",
    "fresh/hidden-like-116/009-aws-s3-bucket-policy.json",
    "fresh/hidden-like-116/032-azurerm-virtual-desktop-host-pool.json",
    "fresh/hidden-like-116/051-genesyscloud-telephony-providers-edges-trunkbasesettings.json",
    "fresh/hidden-like-116/072-aws-connect-contact-flow-module.json",
    "fresh/hidden-like-116/119-aws-connect-routing-profile.json",
    "fresh/hidden-like-117/087-runwarden-admission-policy.json",
    # their look-alikes read as risky: an export to an account the plan never shows as its own, a client's portal
    # role trusting such an account, a plan that writes one resource twice (exit 2: fail closed), a sandbox scope,
    # Boundary's worker port open to the world by design, a secret reader conditioned to its prefix from another
    # project
    "fresh/hidden-like-115/119-bidgrid-log-export.json",
    "fresh/hidden-like-116/099-aws-iam-role-policy.json",
    "fresh/hidden-like-117/004-consul-acl-policy.json",
    "fresh/hidden-like-117/014-boundary-scope.json",
    "fresh/hidden-like-117/027-aws-security-group-rule.json",
    # hidden-like-119 to -122 (an email sender, a defence contractor, a dating app, a satellite operator), sealed
    # until the 115-118 fixes had landed (94.0% / 2.4%, the same on the session's first rules), then fixed from.
    # Misses: a literal SMTP password, a key policy opened to an unrelated account or the CI role, downlink ports
    # open to the world (UDP above 1023 reads as served by design)
    "fresh/hidden-like-122/057-aws-kms-key.json",
    "fresh/hidden-like-122/112-aws-kms-key.json",
    "fresh/hidden-like-122/117-awscc-groundstation-dataflow-endpoint-group.json",
    # their look-alikes read as risky: replication and backup copies to the group's own DR account (not shown as
    # its own), a table dropped after its backfill to a successor, a load-test namespace labelled only by its
    # purpose (a `purpose` label read as an environment made it quiet, and a pinned namespace whose own expiry
    # is still ahead too, so it was taken back); and the learned rule's retraining (its bias now
    # calibrated) moves eight older plans
    "fresh/hidden-like-120/034-aws-s3-bucket-replication-configuration.json",
    "fresh/hidden-like-120/122-aws-backup-plan.json",
    "fresh/hidden-like-121/060-aws-dynamodb-table.json",
    "fresh/hidden-like-121/096-kubernetes-namespace.json",
    "fresh/unheard-providers-5/sumologic-monitor-benign.json",
    # hidden-like-123 to -126 (ticketing, a PaaS host, a humanitarian NGO, a tax authority), sealed until every fix of
    # session 29 had landed and scored then (97.6% / 2.9%, the same on the session's first rules); after that only a
    # wildcard record id read as a password and a generated password in an unmarked output were fixed from them.
    # Misses: a paying tenant removed with its apps (each delete reads as retired with the others), unredacted
    # biometrics exported to a third-party SFTP host, a root CA from an unknown issuer added to a trust bundle
    "fresh/hidden-like-124/109-tenantry-tenant.json",
    "fresh/hidden-like-125/089-fieldvault-form-export.json",
    "fresh/hidden-like-126/043-meridianpki-trust-anchor.json",
    # their look-alikes read as risky: a captive-portal node replaced by its successor, an expired trial tenant
    # removed, a cluster re-made from a snapshot taken first, an expiring CA removed after its successor took over,
    # replication to the authority's own DR account; and the learned rule's retraining moves three older plans
    "fresh/hidden-like-123/083-hcloud-server.json",
    "fresh/hidden-like-124/050-tenantry-tenant.json",
    "fresh/hidden-like-126/031-meridianpki-trust-anchor.json",
    "fresh/hidden-like-126/107-aws-s3-bucket-replication-configuration.json",
    # session 30: a secret store created holding a literal that reads as a key is secret-in-code high (eleven of
    # thirteen such plans in the unseen sets were labelled risky). Five plans call the literal fine because the store
    # encrypts it (an Actions secret's plaintext_value, a Kubernetes Secret, a SecureString parameter): the code
    # still holds it
    "fresh/full-schema/b22_github_actions_secret.json",
    "fresh/hidden-like-19/048-k8s-configmap-key-a.json",
    "fresh/hidden-like-19/049-gh-actions-variable-b.json",
    "fresh/issue-themes-5/b54_aws_ssm_securestring.json",
    "fresh/issue-themes-7/github_actions_secret_sensitive.json",
    # hidden-like-127 to -130 (a pension fund, a container port, an agritech company, an e-discovery vendor), scored
    # unread on session 30's first rules (96.3% / 0.8%) and fixed from. Miss: privileged view of one matter given to
    # the whole reviewer pool (the pool's name is all the plan says)
    "fresh/hidden-like-130/111-lexbase-workspace-permission.json",
    # hidden-like-131 to -134 (a pharmacy chain, a credit bureau, a weather service, a wearables company), sealed until
    # the fixes from 127–130 had landed and scored then (98.8% / 1.6%, the same on the session's first rules). Their
    # look-alikes read as risky: a snapshot copy shared with what the writer calls the organisation's own DR account,
    # a research partner's service account reading aggregates (a plan cannot tell either from another owner)
    "fresh/hidden-like-134/025-aws-db-snapshot-copy.json",
    "fresh/hidden-like-134/118-google-bigquery-dataset-access.json",
    # the learned rule's retraining with 127–134 moves older plans
    "fresh/data-perimeter/snowflake-share-accounts-1.json",
    # hidden-like-135 to -138 (car sharing, a security vendor's SaaS, a broadcaster, dental clinics), sealed until the
    # fixes from 127–134 had landed and scored then (98.8% / 1.6%; 98.4% / 1.6% on the session's first rules). Misses:
    # everyone reading a bucket whose name says media (check-in damage photos), a maintenance window over election
    # night. Look-alikes read as risky: a lab's firewall deleted with the droplets it guards (tagged `lab`, not a
    # non-production word), an acquired clinic's domain added to the portal's callbacks
    "fresh/hidden-like-135/061-google-storage-bucket-iam-member.json",
    "fresh/hidden-like-137/058-pagerduty-maintenance-window.json",
    "fresh/hidden-like-136/082-digitalocean-droplet.json",
    "fresh/hidden-like-138/087-auth0-client.json",
    # hidden-like-139 to -142 (a mining company, an evidence-records vendor, a tutoring marketplace, a freight
    # railway), sealed until the fixes from 127–138 had landed and scored then (96.8% / 3.3%; 96.8% / 3.7% on the
    # session's first rules). Miss: a public CDN's origin moved from the redacted release bucket to the raw evidence
    # bucket (a bucket's name is all that tells them apart). Look-alikes read as risky: s3:* on one sandbox bucket,
    # a log agent uninstalled as another chart takes over, a dev table deleted before its own expiry label
    "fresh/hidden-like-140/117-aws-cloudfront-distribution.json",
    "fresh/hidden-like-139/109-aws-iam-policy.json",
    "fresh/hidden-like-140/025-helm-release.json",
    "fresh/hidden-like-141/113-aws-dynamodb-table.json",
    # the learned rule's retraining with 139–142 moves an older plan
    # hidden-like-143 to -146 (gyms and spas, a scientific publisher, a cold-chain distributor, an elections office),
    # sealed until the fixes from 127–142 had landed and scored then (97.2% / 0.4%; 96.8% / 0.8% on the session's
    # first rules). Misses: a fridge monitor's critical threshold moved from 8 to 25 °C (threefold, within tuning's
    # range for most metrics), an import that codifies an admin grant made out of band (the grant already exists)
    "fresh/hidden-like-145/048-datadog-monitor.json",
    "fresh/hidden-like-146/097-aws-iam-user-policy-attachment.json",
    # hidden-like-147 to -150 (a freelance marketplace, a hospital laboratory, a stock-photo platform, container
    # leasing), sealed until every fix of session 30 had landed and scored then: 98.0% / 0.8%, the same on the
    # session's first rules; fixed from afterwards (every plan right).
    # hidden-like-151 to -154 (a ski resort, building management, consumer DNA testing, a transit ticketing authority),
    # written after every fix of session 30 had landed and scored on its end rules before anyone read them: 97.6% /
    # 4.1%, the same on its first rules. Not fixed from. Misses: an avalanche alert route deleted for a weaker one,
    # BACnet (UDP 47808) opened to the world (UDP above 1023 is medium by design), an anonymous open-data API client
    # gaining refund and fare-write scopes, a detokenise grant returning full card numbers to a contractor.
    # Look-alikes read as risky: 443 opened on a public booking site (the learned rule), a network policy renamed
    # (delete and identical create), a drift-only plan putting an alarm's description back, a cache group replaced
    # create-before-destroy, s3:* on one dev scratch bucket, a disclosure sent sooner (the learned rule), an open-data
    # feed served without sign-in, bucket or IAM (three plans), a dev Aurora teardown. Session 31 fixed eight of them
    # (the alert route, BACnet, the anonymous client, the renamed policy, the drift-only plan, two open-data feeds,
    # the dev Aurora teardown); the rest stay below.
    "fresh/hidden-like-154/060-cardvault-detokenize-grant.json",
    "fresh/hidden-like-151/001-digitalocean-firewall.json",
    "fresh/hidden-like-153/011-aws-elasticache-replication-group.json",
    "fresh/hidden-like-153/117-aws-iam-role-policy.json",
    "fresh/hidden-like-153/123-consentry-disclosure-policy.json",
    "fresh/hidden-like-154/007-aws-api-gateway-method.json",
    # the learned rule's retraining with 147–154 moves older plans
    "fresh/data-sharing-and-transfer/051-downloads-alb-https.json",
    "fresh/hidden-like-61/061-fastly-service-vcl.json",
    # Session 31. hidden-like-155 to -158 (a water utility, veterinary hospitals, parcel lockers, a national library),
    # scored on the session's first rules before anyone read them (99.2% / 0.8%) and after the fixes from 151–154
    # (98.8% / 0.8%), then fixed from. Miss: proof-of-delivery photos opened to everyone on a bucket its name calls
    # `images` (the word public product images are served under too).
    "fresh/hidden-like-157/110-google-storage-bucket-iam-member.json",
    # hidden-like-163 to -166, adversarial (an insider hiding the deciding value behind variables and modules, policies
    # and scripts held as encoded text, risk that shows only in context, hostile plan text): 95.9% / 4.5% on the
    # session's first rules and when opened; fixed from. Misses: a post-login action's code granting admin by e-mail
    # domain. Look-alikes read as risky: an OIDC trust moved from main to release tags (tags may be pushed by anyone who
    # can write), a legacy module's queue and function torn down together, a CDN moved to a new bucket while the old
    # one is force-destroyed (its objects are not shown copied).
    "fresh/hidden-like-164/068-auth0-action.json",
    "fresh/hidden-like-164/001-aws-iam-role.json",
    "fresh/hidden-like-165/041-aws-iam-role.json",
    "fresh/hidden-like-165/065-fastly-service-vcl.json",
    # hidden-like-167 to -170, adversarial (one change inside plans of 40–150, less common providers, strength written
    # as numbers and names, policy grammar): 91.4% / 2.4% on the session's first rules, 91.8% / 2.4% when opened;
    # fixed from. Misses: an edge zone's settings whose before the plan leaves null, a directory federation moved to
    # plain LDAP on an internal host (plain traffic inside the network is egress.py's), a role given by an opaque
    # id, a bucket policy's TLS floor lowered inside a Deny condition, an SSL policy chosen by a conditional over
    # variables (the plan lists only its references), an MFA deny moved from BoolIfExists to Bool, an ABAC condition
    # whose only clause matches `*`. Look-alikes read as risky: port 80 opened beside 443 (the learned rule), a volume
    # re-made from a snapshot the plan does not show taken, a droplet replaced by a sibling under a new name, an SCP
    # attachment moved to a successor OU.
    "fresh/hidden-like-167/026-cloudflare-zone-settings-override.json",
    "fresh/hidden-like-168/072-keycloak-ldap-user-federation.json",
    "fresh/hidden-like-168/079-openstack-identity-role-assignment-v3.json",
    "fresh/hidden-like-169/035-aws-s3-bucket-policy.json",
    "fresh/hidden-like-169/116-aws-lb-listener.json",
    "fresh/hidden-like-170/040-aws-iam-policy.json",
    "fresh/hidden-like-170/077-azurerm-role-assignment.json",
    "fresh/hidden-like-167/071-digitalocean-firewall.json",
    "fresh/hidden-like-168/070-openstack-blockstorage-volume-v3.json",
    "fresh/hidden-like-169/008-digitalocean-droplet.json",
    "fresh/hidden-like-170/120-aws-organizations-policy-attachment.json",
    # the learned rule's retraining with 155–170 moves older plans: two new risky launch templates that turn IMDSv2
    # off and raise the hop limit teach it the hop limit, and five benign hop-limit raises read as risky
    "fresh/compute-fleets-and-images/084-api-fleet-imdsv2-rollout.json",
    "fresh/hidden-like-11/aws_imds_hop.json",
    "fresh/hidden-like-13/aws-ec2-imds-hoplimit.json",
    "fresh/hidden-like-16/g07-imdsv1-twin.json",
    "fresh/hidden-like-9/aws_imds_hop_limit_2.json",
    "fresh/hidden-like-34/020-cloudflare-auth-cname-external.json",
    "fresh/kubernetes-platform/b33_helm_argocd_internal_lb.json",
    "fresh/long-tail-real-2/az_cognitive_rai_policy_off.json",
    "fresh/org-governance-and-guardrails/exp04b_vpcsc_access_level_narrowed.json",
}


def _name(entry: dict[str, Any]) -> str:
    return str(entry["path"]).removeprefix("fixtures/corpus/").removeprefix("fixtures/")


def _cases() -> list[Any]:
    return [pytest.param(e, id=_name(e), marks=[pytest.mark.xfail(strict=True, reason=f"known miss ({e['family']})")]
                         if _name(e) in KNOWN_MISSES else []) for e in LABELLED]


@pytest.mark.parametrize("entry", _cases())
def test_label_with_rules_alone(entry: dict[str, Any]) -> None:
    result = run("review", ROOT / entry["path"], "--backend", "none", "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if entry["expected"] == "likely_safe":
        assert result.exit_code == 0, f"false alarm: {entry['why']}\n{result.stdout[:2000]}"
        return
    if result.exit_code == 2:  # refused (a malformed plan): never "likely safe", one line saying why
        assert [line for line in result.stderr.splitlines() if "error" in line] != [], result.stderr
        assert len([line for line in result.stderr.splitlines() if line.startswith("tfreview: error")]) == 1
        return
    assert result.exit_code == 1, f"missed ({entry['family']}): {entry['why']}\n{result.stderr[-500:]}"
    assert json.loads(result.stdout)["label"] == "needs_close_review"


def test_the_corpus_is_the_one_the_brief_asks_for() -> None:
    assert len(ENTRIES) >= 60 and len({e["path"] for e in ENTRIES}) == len(ENTRIES)
    benign = [e for e in ENTRIES if e["family"].startswith("benign-")]
    assert len(benign) * 3 >= len(ENTRIES), "at least a third are benign look-alikes"
    providers = Counter(_name(e).split("/")[0] for e in ENTRIES)
    wanted = {"aws", "google", "azurerm", "kubernetes", "helm", "github", "cloudflare", "datadog", "acme"}
    assert wanted <= set(providers)
    families = {e["family"].removeprefix("benign-") for e in ENTRIES}
    assert families == {"exposure", "identity", "destruction", "downgrade", "reach", "credentials", "malformed"}
    for family in families - {"malformed"}:
        assert any(e["family"] == f"benign-{family}" for e in ENTRIES), f"{family} has a benign look-alike"
    assert all(e["why"] and (ROOT / e["path"]).is_file() for e in ENTRIES)
    assert not KNOWN_MISSES - {_name(e) for e in LABELLED}, "every known miss is a plan of a corpus"


def test_the_main_manifest_does_not_list_them() -> None:
    main = {e["path"] for e in json.loads((ROOT / "fixtures" / "manifest.json").read_text())["plans"]}
    assert not main & {e["path"] for e in ENTRIES}
