"""Incidents corpus, github, cloudflare, datadog, and providers no rule has heard of (acme, digitalocean)."""

from __future__ import annotations

from typing import Any

from inc_lib import UL, Plan, R, U, create, delete, scenario, update

# ------------------------------------------------------------------------------------------ github


def repo(name: str, visibility: str, **over: Any) -> dict[str, Any]:
    v = {"allow_auto_merge": False, "allow_merge_commit": True, "allow_rebase_merge": True, "allow_squash_merge": True,
         "archive_on_destroy": None, "archived": False, "auto_init": False, "default_branch": "main",
         "delete_branch_on_merge": True, "description": "", "etag": 'W/"8a1c2f0e9b7d6c5a4e3f2d1c0b9a8f7e"',
         "full_name": f"acme-corp/{name}", "git_clone_url": f"git://github.com/acme-corp/{name}.git",
         "has_issues": True, "has_projects": False, "has_wiki": False, "html_url": f"https://github.com/acme-corp/{name}",
         "id": name, "name": name, "node_id": "R_kgDOLx8a2Q", "primary_language": "HCL", "private": visibility != "public",
         "repo_id": 771234567, "topics": ["terraform"], "visibility": visibility, "vulnerability_alerts": True,
         "web_commit_signoff_required": False}
    v.update(over)
    return v


@scenario("github/inc_repo_made_public.json", "reach",
          "the infrastructure monorepo (state bucket names, internal hostnames, years of history) changes "
          "visibility private -> public")
def repo_public() -> dict[str, Any]:
    p = Plan("2026-03-20T08:00:00Z")
    update(p, R("github_repository", "infra", schema_version=1), repo("infra-live", "private"),
           {"visibility": "public", "private": U, "etag": U})
    return p.build()


@scenario("github/inc_repo_private_create.json", "benign-reach",
          "a new private repository for an internal service")
def repo_private() -> dict[str, Any]:
    p = Plan("2026-03-20T08:30:00Z")
    v = repo("billing-worker", "private", description="billing background jobs")
    create(p, R("github_repository", "billing_worker", schema_version=1),
           {k: x for k, x in v.items() if k not in ("etag", "full_name", "git_clone_url", "html_url", "id", "node_id",
                                                    "primary_language", "private", "repo_id", "default_branch")},
           {k: U for k in ("etag", "full_name", "git_clone_url", "html_url", "id", "node_id", "primary_language",
                           "private", "repo_id", "default_branch")})
    return p.build()


@scenario("github/inc_public_repo_description.json", "benign-reach",
          "the description and topics of an already public open-source repository change; visibility stays public")
def repo_desc() -> dict[str, Any]:
    p = Plan("2026-03-20T09:00:00Z")
    update(p, R("github_repository", "sdk", schema_version=1), repo("acme-sdk-go", "public", description="Go SDK"),
           {"description": "Official Go SDK for the Acme API", "topics": ["go", "sdk", "api-client"], "etag": U})
    return p.build()


@scenario("github/inc_outside_collaborator_admin.json", "identity",
          "an outside collaborator (a contractor's personal account) is added to the infra repository with admin")
def collaborator() -> dict[str, Any]:
    p = Plan("2026-03-20T09:30:00Z")
    create(p, R("github_repository_collaborator", "contractor"),
           {"permission": "admin", "permission_diff_suppression": False, "repository": "infra-live",
            "username": "jdoe-freelance"}, {"id": U, "invitation_id": U})
    return p.build()


@scenario("github/inc_team_read_access.json", "benign-identity",
          "the support team gets pull (read) access to the docs repository")
def team_pull() -> dict[str, Any]:
    p = Plan("2026-03-20T10:00:00Z")
    create(p, R("github_team_repository", "support_docs"),
           {"permission": "pull", "repository": "docs", "team_id": "support"}, {"etag": U, "id": U})
    return p.build()


@scenario("github/inc_branch_protection_weakened.json", "downgrade",
          "main's branch protection on the infra repository drops required reviews and stops enforcing for admins: "
          "anyone with push can change production directly")
def branch_protection() -> dict[str, Any]:
    p = Plan("2026-03-20T10:30:00Z")
    before = {"allows_deletions": False, "allows_force_pushes": False, "enforce_admins": True, "force_push_bypassers": [],
              "id": "BPR_kwDOLx8a2c4C9x1Q", "lock_branch": False, "pattern": "main", "repository_id": "R_kgDOLx8a2Q",
              "require_conversation_resolution": True, "require_signed_commits": False, "required_linear_history": True,
              "required_pull_request_reviews": [{"dismiss_stale_reviews": True, "dismissal_restrictions": [],
                                                  "pull_request_bypassers": [], "require_code_owner_reviews": True,
                                                  "require_last_push_approval": True, "required_approving_review_count": 2,
                                                  "restrict_dismissals": False}],
              "required_status_checks": [{"contexts": ["plan"], "strict": True}], "restrict_pushes": []}
    update(p, R("github_branch_protection", "infra_main", schema_version=2), before,
           {"enforce_admins": False, "required_pull_request_reviews": [], "allows_force_pushes": True})
    return p.build()


@scenario("github/inc_actions_variable_pat.json", "credentials",
          "a GitHub personal access token (ghp_…) is stored as an Actions *variable*, which is plain text and "
          "shown in logs, instead of an Actions secret")
def actions_var() -> dict[str, Any]:
    p = Plan("2026-03-20T11:00:00Z")
    create(p, R("github_actions_variable", "release_token"),
           {"repository": "infra-live", "value": "ghp_R7kX2mQ9vLp4TzW8bN3cYs6HdJ1fG5aE0uKo", "variable_name": "RELEASE_TOKEN"},
           {"created_at": U, "id": U, "updated_at": U})
    return p.build()


# ------------------------------------------------------------------------------------------ cloudflare
ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353"


def zone_setting(setting: str, value: str, new: str, editable: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    before = {"editable": editable, "id": setting, "modified_on": "2025-11-04T10:21:08Z", "setting_id": setting,
              "value": value, "zone_id": ZONE_ID}
    return before, {"value": new, "modified_on": U}


@scenario("cloudflare/inc_ssl_mode_flexible.json", "downgrade",
          "the zone's SSL mode goes strict -> flexible: Cloudflare talks plain HTTP to the origin, so traffic "
          "between edge and origin is unencrypted (and redirect loops start)")
def flexible() -> dict[str, Any]:
    p = Plan("2026-03-21T08:00:00Z")
    before, changes = zone_setting("ssl", "strict", "flexible")
    update(p, R("cloudflare_zone_setting", "ssl"), before, changes)
    return p.build()


@scenario("cloudflare/inc_ssl_mode_strict.json", "benign-downgrade",
          "the zone's SSL mode goes flexible -> strict once the origin has a valid certificate")
def strict() -> dict[str, Any]:
    p = Plan("2026-03-21T08:30:00Z")
    before, changes = zone_setting("ssl", "flexible", "strict")
    update(p, R("cloudflare_zone_setting", "ssl"), before, changes)
    return p.build()


@scenario("cloudflare/inc_min_tls_10.json", "downgrade",
          "the zone's minimum TLS version goes 1.2 -> 1.0")
def min_tls() -> dict[str, Any]:
    p = Plan("2026-03-21T09:00:00Z")
    before, changes = zone_setting("min_tls_version", "1.2", "1.0")
    update(p, R("cloudflare_zone_setting", "min_tls"), before, changes)
    return p.build()


def dns_record(name: str, rtype: str, content: str, proxied: bool, ttl: int = 1) -> dict[str, Any]:
    return {"comment": None, "comment_modified_on": None, "content": content, "created_on": "2024-05-02T11:03:44Z",
            "data": None, "id": "372e67954025e0ba6aaa6d586b9e0b59", "meta": "{}", "modified_on": "2025-10-01T08:00:00Z",
            "name": name, "priority": None, "proxiable": True, "proxied": proxied, "settings": {"flatten_cname": False,
                                                                                                  "ipv4_only": None, "ipv6_only": None},
            "tags": [], "tags_modified_on": None, "ttl": ttl, "type": rtype, "zone_id": ZONE_ID}


@scenario("cloudflare/inc_apex_record_deleted.json", "reach",
          "the apex A record of acme.io is destroyed (its block was renamed without a `moved` block): the root "
          "domain stops resolving")
def apex() -> dict[str, Any]:
    p = Plan("2026-03-21T09:30:00Z")
    delete(p, R("cloudflare_dns_record", "apex"), dns_record("acme.io", "A", "203.0.113.10", True))
    return p.build()


@scenario("cloudflare/inc_www_ttl_change.json", "benign-reach",
          "the TTL of an unproxied status-page CNAME changes from 300 to 3600")
def ttl() -> dict[str, Any]:
    p = Plan("2026-03-21T10:00:00Z")
    update(p, R("cloudflare_dns_record", "status"), dns_record("status.acme.io", "CNAME", "acme.statuspage.io", False, 300),
           {"ttl": 3600, "modified_on": U})
    return p.build()


# ------------------------------------------------------------------------------------------ datadog
def downtime(scope: str, tags: list[str], end: str) -> dict[str, Any]:
    return {"display_timezone": "UTC", "message": "maintenance", "monitor_identifier": [{"monitor_id": None,
                                                                                          "monitor_tags": tags}],
            "mute_first_recovery_notification": False, "notify_end_states": ["alert", "no data", "warn"],
            "notify_end_types": ["canceled", "expired"], "one_time_schedule": [{"end": end, "start": "2026-03-22T01:00:00Z"}],
            "recurring_schedule": [], "scope": scope}


@scenario("datadog/inc_downtime_org_wide.json", "reach",
          "a downtime with scope \"*\" matching monitor tag \"*\" mutes every monitor in the organisation for a week")
def mute_all() -> dict[str, Any]:
    p = Plan("2026-03-22T00:30:00Z")
    create(p, R("datadog_downtime_schedule", "migration"), downtime("*", ["*"], "2026-03-29T01:00:00Z"), {"id": U})
    return p.build()


@scenario("datadog/inc_downtime_scoped_staging.json", "benign-reach",
          "a two-hour downtime scoped to env:staging service:batch-importer for a planned migration")
def mute_scoped() -> dict[str, Any]:
    p = Plan("2026-03-22T00:40:00Z")
    create(p, R("datadog_downtime_schedule", "importer"),
           downtime("env:staging AND service:batch-importer", ["service:batch-importer"], "2026-03-22T03:00:00Z"), {"id": U})
    return p.build()


def monitor(critical: float, message: str) -> dict[str, Any]:
    return {"enable_logs_sample": False, "escalation_message": "", "evaluation_delay": 0, "force_delete": None,
            "id": "148223904", "include_tags": True, "message": message, "monitor_thresholds": [{"critical": str(critical),
                                                                                                 "warning": "0.02"}],
            "name": "[payments] 5xx ratio", "new_group_delay": 60, "notify_no_data": True, "priority": "1",
            "query": "sum(last_5m):sum:trace.http.request.errors{service:payments}.as_count() / "
                     "sum:trace.http.request.hits{service:payments}.as_count() > " + str(critical),
            "renotify_interval": 30, "require_full_window": False, "tags": ["team:payments", "env:prod"], "type": "query alert"}


@scenario("datadog/inc_payments_monitor_deleted.json", "destruction",
          "the payments 5xx-ratio monitor that pages on-call is deleted along with the module that defined it")
def monitor_deleted() -> dict[str, Any]:
    p = Plan("2026-03-22T01:00:00Z")
    delete(p, R("datadog_monitor", "payments_5xx"), monitor(0.05, "5xx ratio high @pagerduty-payments"))
    return p.build()


@scenario("datadog/inc_monitor_threshold_tweak.json", "benign-destruction",
          "the payments 5xx monitor's critical threshold is tuned from 0.05 to 0.04; it still pages")
def monitor_tweak() -> dict[str, Any]:
    p = Plan("2026-03-22T01:30:00Z")
    before = monitor(0.05, "5xx ratio high @pagerduty-payments")
    after = monitor(0.04, "5xx ratio high @pagerduty-payments")
    update(p, R("datadog_monitor", "payments_5xx"), before,
           {"monitor_thresholds": after["monitor_thresholds"], "query": after["query"]})
    return p.build()


# ------------------------------------------------------------------------------------------ providers no rule knows
def acme_rule(name: str, port: int, sources: list[str], target: str) -> dict[str, Any]:
    return {"action": "allow", "description": name, "direction": "inbound", "enabled": True, "name": name,
            "network_id": "net-7f3a21", "port_range": str(port), "priority": 100, "protocol": "tcp",
            "source_cidrs": sources, "target_tags": [target]}


@scenario("acme/inc_firewall_ssh_world.json", "exposure",
          "on a provider no rule has heard of (acme-corp/acme), a firewall rule allows inbound 22/tcp from "
          "0.0.0.0/0 to the database hosts")
def acme_ssh() -> dict[str, Any]:
    p = Plan("2026-03-23T08:00:00Z")
    create(p, R("acme_firewall_rule", "db_ssh"), acme_rule("db-ssh", 22, ["0.0.0.0/0"], "db"), {"id": U, "created_at": U})
    return p.build()


@scenario("acme/inc_firewall_https_lb.json", "benign-exposure",
          "acme-corp/acme firewall rule allowing inbound 443/tcp from anywhere to the edge load balancers only")
def acme_https() -> dict[str, Any]:
    p = Plan("2026-03-23T08:30:00Z")
    create(p, R("acme_firewall_rule", "lb_https"), acme_rule("lb-https", 443, ["0.0.0.0/0", "::/0"], "edge-lb"),
           {"id": U, "created_at": U})
    return p.build()


def acme_db(retention: int, protection: bool) -> dict[str, Any]:
    return {"backup_retention_days": retention, "deletion_protection": protection, "engine": "postgres",
            "engine_version": "16", "id": "db-91c2e7", "name": "orders", "plan": "db-4x16", "region": "fra1",
            "storage_encrypted": True, "uri": "postgres://orders.db-91c2e7.acme-cloud.io:5432/orders"}


@scenario("acme/inc_database_backups_off.json", "destruction",
          "an acme-corp/acme managed database loses deletion protection and its backup retention goes 14 -> 0 days")
def acme_backups() -> dict[str, Any]:
    p = Plan("2026-03-23T09:00:00Z")
    update(p, R("acme_database", "orders"), acme_db(14, True), {"backup_retention_days": 0, "deletion_protection": False})
    return p.build()


@scenario("acme/inc_database_backups_longer.json", "benign-destruction",
          "an acme-corp/acme managed database's backup retention goes 7 -> 30 days")
def acme_backups_up() -> dict[str, Any]:
    p = Plan("2026-03-23T09:30:00Z")
    update(p, R("acme_database", "orders"), acme_db(7, True), {"backup_retention_days": 30})
    return p.build()


@scenario("acme/inc_bucket_public_read.json", "exposure",
          "an acme-corp/acme object-storage bucket holding user uploads is switched to acl public-read")
def acme_bucket() -> dict[str, Any]:
    p = Plan("2026-03-23T10:00:00Z")
    before = {"acl": "private", "endpoint": "uploads.fra1.acme-storage.io", "id": "uploads", "name": "uploads",
              "region": "fra1", "versioning": True}
    update(p, R("acme_object_bucket", "uploads"), before, {"acl": "public-read"})
    return p.build()


@scenario("acme/inc_tls_listener_downgrade.json", "downgrade",
          "an acme-corp/acme load-balancer listener's min_tls_version goes 1.2 -> 1.0 and it starts accepting "
          "plain http on the same port")
def acme_tls() -> dict[str, Any]:
    p = Plan("2026-03-23T10:30:00Z")
    before = {"certificate_id": "cert-5e21", "id": "lst-443", "load_balancer_id": "lb-edge-1", "min_tls_version": "1.2",
              "port": 443, "protocol": "https", "target_pool_id": "pool-web"}
    update(p, R("acme_lb_listener", "web"), before, {"min_tls_version": "1.0", "protocol": "http"})
    return p.build()


@scenario("digitalocean/inc_firewall_redis_world.json", "exposure",
          "a DigitalOcean cloud firewall opens Redis (6379/tcp) to 0.0.0.0/0 and ::/0 on the cache droplets")
def do_redis() -> dict[str, Any]:
    p = Plan("2026-03-23T11:00:00Z")
    before = {"created_at": "2025-06-01T08:00:00Z", "droplet_ids": [412345678, 412345679], "id": "fb6045f1-cf1d-4ca3-bfac-18832663025b",
              "inbound_rule": [{"port_range": "22", "protocol": "tcp", "source_addresses": ["198.51.100.0/24"],
                                "source_droplet_ids": [], "source_kubernetes_ids": [], "source_load_balancer_uids": [],
                                "source_tags": []}],
              "name": "cache", "outbound_rule": [], "pending_changes": [], "status": "succeeded", "tags": ["cache"]}
    rules = before["inbound_rule"] + [{"port_range": "6379", "protocol": "tcp", "source_addresses": ["0.0.0.0/0", "::/0"],
                                       "source_droplet_ids": [], "source_kubernetes_ids": [],
                                       "source_load_balancer_uids": [], "source_tags": []}]
    update(p, R("digitalocean_firewall", "cache"), before, {"inbound_rule": rules, "pending_changes": UL, "status": U})
    return p.build()
