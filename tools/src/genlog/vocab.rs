//! Static vocabulary: alphabets, user agents, paths, users, sites, Django and rq messages,
//! and the harmless near-miss lines.

pub(super) const HEX: &[u8; 16] = b"0123456789abcdef";
pub(super) const ALNUM: &[u8; 62] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(super) const B64URL: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Characters Kubernetes uses in generated names.
pub(super) const K8S: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

pub(super) const BROWSER_UAS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36",
];

pub(super) const API_UAS: &[&str] = &[
    "python-requests/2.32.3",
    "pynetbox/7.5.0",
    "ansible-httpget",
    "Terraform/1.13.4 terraform-provider-netbox/5.0.1",
    "curl/8.14.1",
    "Go-http-client/2.0",
];

pub(super) const API_PATHS: &[&str] = &[
    "/api/dcim/devices/",
    "/api/dcim/interfaces/",
    "/api/dcim/sites/",
    "/api/dcim/racks/",
    "/api/dcim/cables/",
    "/api/ipam/prefixes/",
    "/api/ipam/ip-addresses/",
    "/api/ipam/vlans/",
    "/api/ipam/vrfs/",
    "/api/virtualization/virtual-machines/",
    "/api/tenancy/tenants/",
    "/api/circuits/circuits/",
    "/api/extras/tags/",
];

pub(super) const UI_PATHS: &[&str] = &[
    "/dcim/devices/",
    "/dcim/sites/",
    "/dcim/racks/",
    "/ipam/prefixes/",
    "/ipam/ip-addresses/",
    "/virtualization/virtual-machines/",
    "/circuits/circuits/",
    "/search/",
    "/",
];

pub(super) const STATIC_PATHS: &[&str] = &[
    "/static/netbox-light.css?v=4.4.6",
    "/static/netbox-dark.css?v=4.4.6",
    "/static/netbox.js?v=4.4.6",
    "/static/netbox-external.css?v=4.4.6",
    "/static/netbox-graphiql/graphiql.min.js?v=4.4.6",
    "/static/img/netbox_icon.svg",
    "/static/img/netbox_logo.svg",
    "/static/materialdesignicons-webfont.woff2?v=7.4.47",
    "/favicon.ico",
];

pub(super) const USERS: &[&str] = &[
    "alice.meyer",
    "bob.jansen",
    "chen.wei",
    "dana.kowalski",
    "emeka.obi",
    "farah.haddad",
    "goran.petrovic",
    "hana.sato",
    "ines.duarte",
    "jonas.lind",
    "svc-ansible",
    "svc-terraform",
];

pub(super) const SITES: &[&str] = &[
    "ams1", "fra2", "lon3", "nyc1", "sin2", "syd1", "dal4", "par1",
];

pub(super) const DJANGO_LOGGERS_MSGS: &[(&str, &str, &str)] = &[
    ("INFO", "netbox.api.views", "API request completed"),
    (
        "INFO",
        "netbox.views.generic.object_views",
        "Modified dcim.device",
    ),
    (
        "INFO",
        "netbox.views.generic.bulk_views",
        "Bulk edited dcim.interface objects",
    ),
    (
        "DEBUG",
        "netbox.search.backends",
        "Cached search values for dcim.device",
    ),
    (
        "INFO",
        "netbox.webhooks",
        "Enqueued event rule for dcim.device update",
    ),
    (
        "INFO",
        "netbox.data_backends",
        "Synchronized data source git-configs",
    ),
    (
        "DEBUG",
        "django.db.backends",
        "(0.002) SELECT \"dcim_device\".\"id\", \"dcim_device\".\"name\", \"dcim_device\".\"site_id\" FROM \"dcim_device\" ORDER BY \"dcim_device\".\"name\" ASC LIMIT 50",
    ),
    ("INFO", "netbox.auth.logout", "User has logged out"),
];

pub(super) const RQ_JOBS: &[&str] = &[
    "netbox.jobs.system.SystemHousekeepingJob.handle(job=<Job: Housekeeping>)",
    "core.jobs.SyncDataSourceJob.handle(job=<Job: git-configs>)",
    "extras.webhooks.send_webhook(event_rule=<EventRule: notify-noc>, model_name='device', event_type='object_updated')",
    "extras.scripts.ScriptJob.handle(job=<Job: reports.DeviceAudit>)",
    "netbox_branching.jobs.MergeBranchJob.handle(job=<Job: branch-merge>)",
];

/// Harmless lines that mention words a sloppy matcher might take for SSO failures.
pub(super) const NEAR_MISS_DJANGO: &[(&str, &str, &str)] = &[
    (
        "INFO",
        "netbox.views.generic.object_views",
        "Device state changed from planned to active",
    ),
    (
        "INFO",
        "netbox.api.authentication",
        "API token last_used updated for svc-ansible (token id 17)",
    ),
    (
        "DEBUG",
        "netbox.search.backends",
        "Reindexed 42 objects, 0 errors",
    ),
    (
        "INFO",
        "netbox.jobs",
        "Job sync-datasource-3 finished with state completed, error count 0",
    ),
    (
        "INFO",
        "netbox.config",
        "Session cookie age 1209600; CSRF token rotation enabled",
    ),
    (
        "DEBUG",
        "netbox.plugins.netbox_branching",
        "Branch state: ready (no error)",
    ),
];

pub(super) const NEAR_MISS_PATHS: &[&str] = &[
    "/api/users/tokens/?limit=50",
    "/api/extras/journal-entries/?kind=danger&q=error",
    "/api/dcim/interfaces/?q=err-disabled&enabled=true",
    "/users/tokens/",
    "/api/extras/object-changes/?q=state",
    "/static/js/token-modal.js",
];
