//! `genlog`: a deterministic generator of synthetic NetBox Enterprise pod logs, used by
//! `bench/bench.sh` to measure `sso-triage` against `rg` and `grep`.
//!
//! ```text
//! cargo run --release -p sso-triage-tools --bin genlog -- --size 100M --seed 1 \
//!     [--out FILE] [--manifest FILE.json] [--failure-rate 0.005]
//! ```
//!
//! The output has the shape of `kubectl logs --prefix --timestamps` over three NetBox pods
//! (containers `netbox`, `nginx` and `worker`):
//! `[pod/netbox-<hash>-<id>/netbox] 2026-11-20T09:14:02.123456789Z <line>`, with a strictly
//! increasing kubelet timestamp. Normal traffic is access lines (API, UI, static files,
//! kube-probe health checks, healthy Entra ID logins), Django/NetBox log lines, gunicorn and
//! rqworker lines, rare 2-64 KiB JSON debug lines, rare lines with invalid UTF-8 and a few
//! harmless "near miss" lines that mention state, token or error.
//!
//! Failure events are planted so that about `--failure-rate` of all lines belong to one.
//! Kinds (manifest key, marker text):
//! - `a` `Request failed with 400` + `AADSTS54005` (code already redeemed)
//! - `b` `Request failed with 401` + `AADSTS7000222` (client secret expired)
//! - `c` a 5-12 line traceback ending in `social_core.exceptions.AuthStateMissing` (one event)
//! - `d` `AADSTS7000215` (invalid client secret)
//! - `e` a callback access line with `error=access_denied` and `AADSTS65004`
//! - `f` `Token error: Invalid key/secret, perhaps expired`
//! - `g` `social_core.exceptions.AuthCanceled: Authentication process canceled`
//! - `h` `Connection error: HTTPSConnectionPool(host='login.microsoftonline.com', ...)`
//! - `i` an unknown code, `AADSTS9999999`
//!
//! The same arguments always give the same bytes: all randomness comes from a splitmix64
//! generator seeded with `--seed`; nothing reads the clock or the environment.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

// ---------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------

/// splitmix64 (Steele, Lea, Flood 2014; the seeding generator of xoshiro).
#[derive(Clone, Debug)]
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift; `n` must be > 0).
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    #[inline]
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    #[inline]
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    #[inline]
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    #[inline]
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------

/// Parses a size such as `100M`, `20m`, `1G`, `512K`, `1MiB` or `4096` (binary units).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, suffix) = t.split_at(digits_end);
    if num.is_empty() {
        return Err(format!(
            "invalid size {s:?}: expected a number with an optional K/M/G suffix"
        ));
    }
    let n: u64 = num
        .parse()
        .map_err(|_| format!("invalid size {s:?}: number too large"))?;
    let mult: u64 = match suffix.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "invalid size {s:?}: unknown suffix {suffix:?} (use K, M or G)"
            ));
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("invalid size {s:?}: too large"))
}

#[derive(Debug)]
struct Args {
    size: u64,
    seed: u64,
    out: Option<String>,
    manifest: Option<String>,
    failure_rate: f64,
}

const USAGE: &str =
    "usage: genlog --size SIZE [--seed N] [--out FILE] [--manifest FILE.json] [--failure-rate R]

  --size SIZE          stop at the first record boundary at or after SIZE bytes
                       (K/M/G suffixes, binary: 1M = 1048576)
  --seed N             PRNG seed (default 1); same arguments -> same bytes
  --out FILE           write the log to FILE (default: stdout)
  --manifest FILE      write a JSON manifest: seed, bytes, lines, failure_events, by_kind
  --failure-rate R     target fraction of lines that belong to failure events (default 0.005)";

fn parse_args<I: IntoIterator<Item = String>>(argv: I) -> Result<Args, String> {
    let mut size = None;
    let mut seed = 1u64;
    let mut out = None;
    let mut manifest = None;
    let mut failure_rate = 0.005f64;
    let mut it = argv.into_iter();
    while let Some(arg) = it.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if key == "-h" || key == "--help" {
            return Err(USAGE.to_string());
        }
        let mut value = || -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .ok_or_else(|| format!("{key} needs a value\n{USAGE}")),
            }
        };
        match key.as_str() {
            "--size" => size = Some(parse_size(&value()?)?),
            "--seed" => {
                let v = value()?;
                seed = v.parse().map_err(|_| format!("invalid seed {v:?}"))?;
            }
            "--out" | "-o" => out = Some(value()?),
            "--manifest" => manifest = Some(value()?),
            "--failure-rate" => {
                let v = value()?;
                failure_rate = v
                    .parse()
                    .map_err(|_| format!("invalid failure rate {v:?}"))?;
                if !(0.0..=0.5).contains(&failure_rate) {
                    return Err(format!("--failure-rate must be within 0..=0.5, got {v}"));
                }
            }
            _ => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
        }
    }
    let size = size.ok_or_else(|| format!("--size is required\n{USAGE}"))?;
    Ok(Args {
        size,
        seed,
        out,
        manifest,
        failure_rate,
    })
}

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// A nanosecond clock with the textual forms of its current second cached.
struct Clock {
    ns: u64,
    sec: u64,
    /// `2026-11-20`
    date: [u8; 10],
    /// `09:14:02`
    hms: [u8; 8],
    /// `20/Nov/2026`
    ndate: [u8; 11],
}

fn put2(dst: &mut [u8], v: u32) {
    dst[0] = b'0' + (v / 10) as u8;
    dst[1] = b'0' + (v % 10) as u8;
}

impl Clock {
    fn new(ns: u64) -> Self {
        let mut c = Self {
            ns,
            sec: u64::MAX,
            date: [0; 10],
            hms: [0; 8],
            ndate: [0; 11],
        };
        c.refresh();
        c
    }

    fn refresh(&mut self) {
        let sec = self.ns / 1_000_000_000;
        if sec == self.sec {
            return;
        }
        self.sec = sec;
        let (y, m, d) = civil_from_days((sec / 86_400) as i64);
        let sod = (sec % 86_400) as u32;
        let y = y.clamp(0, 9999) as u32;
        let yd = [
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
        ];
        self.date[..4].copy_from_slice(&yd);
        self.date[4] = b'-';
        put2(&mut self.date[5..7], m);
        self.date[7] = b'-';
        put2(&mut self.date[8..10], d);
        put2(&mut self.hms[0..2], sod / 3600);
        self.hms[2] = b':';
        put2(&mut self.hms[3..5], sod / 60 % 60);
        self.hms[5] = b':';
        put2(&mut self.hms[6..8], sod % 60);
        put2(&mut self.ndate[0..2], d);
        self.ndate[2] = b'/';
        self.ndate[3..6].copy_from_slice(MONTHS[(m - 1) as usize]);
        self.ndate[6] = b'/';
        self.ndate[7..11].copy_from_slice(&yd);
    }

    fn advance(&mut self, ns: u64) {
        self.ns += ns.max(1);
        self.refresh();
    }

    fn sub_ns(&self) -> u32 {
        (self.ns % 1_000_000_000) as u32
    }
}

// ---------------------------------------------------------------------------------------
// Static vocabulary
// ---------------------------------------------------------------------------------------

const HEX: &[u8; 16] = b"0123456789abcdef";
const ALNUM: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Characters Kubernetes uses in generated names.
const K8S: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

const BROWSER_UAS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36",
];

const API_UAS: &[&str] = &[
    "python-requests/2.32.3",
    "pynetbox/7.5.0",
    "ansible-httpget",
    "Terraform/1.13.4 terraform-provider-netbox/5.0.1",
    "curl/8.14.1",
    "Go-http-client/2.0",
];

const API_PATHS: &[&str] = &[
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

const UI_PATHS: &[&str] = &[
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

const STATIC_PATHS: &[&str] = &[
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

const USERS: &[&str] = &[
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

const SITES: &[&str] = &[
    "ams1", "fra2", "lon3", "nyc1", "sin2", "syd1", "dal4", "par1",
];

const DJANGO_LOGGERS_MSGS: &[(&str, &str, &str)] = &[
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

const RQ_JOBS: &[&str] = &[
    "netbox.jobs.system.SystemHousekeepingJob.handle(job=<Job: Housekeeping>)",
    "core.jobs.SyncDataSourceJob.handle(job=<Job: git-configs>)",
    "extras.webhooks.send_webhook(event_rule=<EventRule: notify-noc>, model_name='device', event_type='object_updated')",
    "extras.scripts.ScriptJob.handle(job=<Job: reports.DeviceAudit>)",
    "netbox_branching.jobs.MergeBranchJob.handle(job=<Job: branch-merge>)",
];

/// Harmless lines that mention words a sloppy matcher might take for SSO failures.
const NEAR_MISS_DJANGO: &[(&str, &str, &str)] = &[
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

const NEAR_MISS_PATHS: &[&str] = &[
    "/api/users/tokens/?limit=50",
    "/api/extras/journal-entries/?kind=danger&q=error",
    "/api/dcim/interfaces/?q=err-disabled&enabled=true",
    "/users/tokens/",
    "/api/extras/object-changes/?q=state",
    "/static/js/token-modal.js",
];

// ---------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------

const KINDS: [char; 9] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
const KIND_C: usize = 2;
/// Mean number of lines of one failure event (kind c has 5..=12 lines, the others 1).
const MEAN_EVENT_LINES: f64 = (8.0 + 8.5) / 9.0;

/// Probability (per fresh line) of a 2-64 KiB JSON debug line.
const P_LONG: f64 = 0.0005;
/// Probability (per fresh line) of a line carrying invalid UTF-8.
const P_BAD_UTF8: f64 = 0.002;
/// Probability (per fresh line) of a harmless near-miss line.
const P_NEAR_MISS: f64 = 0.002;
/// Probability (per fresh line) that a healthy three-request SSO login starts.
const P_SSO_FLOW: f64 = 0.003;
/// Probability that the next line continues a pending traceback.
const P_TB_CONTINUE: f64 = 0.6;
const MAX_FLOWS: usize = 8;
const OUT_CHUNK: usize = 1 << 20;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Netbox,
    Nginx,
    Worker,
}

impl Container {
    fn name(self) -> &'static [u8] {
        match self {
            Container::Netbox => b"netbox",
            Container::Nginx => b"nginx",
            Container::Worker => b"worker",
        }
    }
}

/// A healthy login in progress: begin (302), callback with code (302), landing page (200).
struct Flow {
    pod: usize,
    container: Container,
    ip: [u8; 4],
    ua: &'static str,
    step: u8,
    gap: u32,
}

struct Traceback {
    pod: usize,
    lines: Vec<Vec<u8>>,
    next: usize,
}

/// Counts reported in the manifest.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Stats {
    bytes: u64,
    lines: u64,
    failure_events: u64,
    failure_lines: u64,
    by_kind: [u64; 9],
}

struct Gen<W: Write> {
    rng: SplitMix64,
    clock: Clock,
    sink: W,
    out: Vec<u8>,
    /// Start of the line being written, inside `out`.
    line_start: usize,
    stats: Stats,
    limit: u64,
    p_event: f64,
    pods: [Vec<u8>; 3],
    pod_ips: [[u8; 4]; 3],
    client_id: [u8; 36],
    tenant_id: [u8; 36],
    flows: Vec<Flow>,
    traceback: Option<Traceback>,
}

impl<W: Write> Gen<W> {
    fn new(seed: u64, limit: u64, failure_rate: f64, sink: W) -> Self {
        let mut rng = SplitMix64::new(seed);
        let mut hash = Vec::with_capacity(10);
        for _ in 0..10 {
            hash.push(K8S[rng.below(K8S.len() as u64) as usize]);
        }
        let mk_pod = |rng: &mut SplitMix64| {
            let mut p = b"netbox-".to_vec();
            p.extend_from_slice(&hash);
            p.push(b'-');
            for _ in 0..5 {
                p.push(K8S[rng.below(K8S.len() as u64) as usize]);
            }
            p
        };
        let pods = [mk_pod(&mut rng), mk_pod(&mut rng), mk_pod(&mut rng)];
        let mut pod_ips = [[0u8; 4]; 3];
        for (i, ip) in pod_ips.iter_mut().enumerate() {
            *ip = [10, 42, i as u8, rng.range(2, 250) as u8];
        }
        let client_id = guid_bytes(&mut rng);
        let tenant_id = guid_bytes(&mut rng);
        // Start on 2026-11-20 09:14:02 plus a seed-dependent offset below one second.
        let start = days_from_civil(2026, 11, 20) as u64 * 86_400 + 9 * 3600 + 14 * 60 + 2;
        let ns = start * 1_000_000_000 + 123_456_789 + rng.below(1_000_000);
        Self {
            rng,
            clock: Clock::new(ns),
            sink,
            out: Vec::with_capacity(OUT_CHUNK + (128 << 10)),
            line_start: 0,
            stats: Stats::default(),
            limit,
            p_event: failure_rate / MEAN_EVENT_LINES,
            pods,
            pod_ips,
            client_id,
            tenant_id,
            flows: Vec::new(),
            traceback: None,
        }
    }

    // ----- low-level writers -------------------------------------------------------------

    #[inline]
    fn s(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }

    #[inline]
    fn num(&mut self, mut v: u64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&buf[i..]);
    }

    /// `v` zero-padded to `width` digits.
    #[inline]
    fn num_pad(&mut self, mut v: u64, width: usize) {
        let mut buf = [b'0'; 20];
        let mut i = buf.len();
        while v > 0 && i > 0 {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        self.out.extend_from_slice(&buf[buf.len() - width..]);
    }

    /// A random number in `lo..=hi`.
    #[inline]
    fn rnum(&mut self, lo: u64, hi: u64) {
        let v = self.rng.range(lo, hi);
        self.num(v);
    }

    /// A random number in `lo..=hi`, zero-padded to `width` digits.
    #[inline]
    fn rnum_pad(&mut self, lo: u64, hi: u64, width: usize) {
        let v = self.rng.range(lo, hi);
        self.num_pad(v, width);
    }

    fn hex(&mut self, n: usize) {
        let mut left = n;
        while left > 0 {
            let mut r = self.rng.next_u64();
            let take = left.min(16);
            for _ in 0..take {
                self.out.push(HEX[(r & 15) as usize]);
                r >>= 4;
            }
            left -= take;
        }
    }

    fn random_from(&mut self, alphabet: &[u8], n: usize) {
        for _ in 0..n {
            let i = self.rng.below(alphabet.len() as u64) as usize;
            self.out.push(alphabet[i]);
        }
    }

    fn guid(&mut self) {
        let g = guid_bytes(&mut self.rng);
        self.out.extend_from_slice(&g);
    }

    fn ip(&mut self, ip: [u8; 4]) {
        for (i, o) in ip.iter().enumerate() {
            if i > 0 {
                self.out.push(b'.');
            }
            self.num(u64::from(*o));
        }
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.rng.below(items.len() as u64) as usize]
    }

    /// `2026-11-20 09:14:02,123`
    fn django_time(&mut self) {
        let (d, t) = (self.clock.date, self.clock.hms);
        self.s(&d);
        self.out.push(b' ');
        self.s(&t);
        self.out.push(b',');
        let ms = self.clock.sub_ns() / 1_000_000;
        self.num_pad(u64::from(ms), 3);
    }

    /// `2026-11-20 09:14:02Z`, as in Entra's error_description.
    fn entra_time(&mut self) {
        let (d, t) = (self.clock.date, self.clock.hms);
        self.s(&d);
        self.out.push(b' ');
        self.s(&t);
        self.out.push(b'Z');
    }

    /// `LEVEL 2026-11-20 09:14:02,123 logger `
    fn django_head(&mut self, level: &str, logger: &str) {
        self.s(level.as_bytes());
        self.out.push(b' ');
        self.django_time();
        self.out.push(b' ');
        self.s(logger.as_bytes());
        self.out.push(b' ');
    }

    // ----- line framing ------------------------------------------------------------------

    /// Advances the clock and writes `[pod/P/C] <kubelet timestamp> `.
    fn begin(&mut self, pod: usize, c: Container, gap_ns: u64) {
        self.clock.advance(gap_ns);
        self.line_start = self.out.len();
        self.out.extend_from_slice(b"[pod/");
        self.out.extend_from_slice(&self.pods[pod]);
        self.out.push(b'/');
        self.out.extend_from_slice(c.name());
        self.out.extend_from_slice(b"] ");
        let (d, t) = (self.clock.date, self.clock.hms);
        self.s(&d);
        self.out.push(b'T');
        self.s(&t);
        self.out.push(b'.');
        let sub = self.clock.sub_ns();
        self.num_pad(u64::from(sub), 9);
        self.out.extend_from_slice(b"Z ");
    }

    fn end(&mut self) -> io::Result<()> {
        self.out.push(b'\n');
        self.stats.bytes += (self.out.len() - self.line_start) as u64;
        self.stats.lines += 1;
        if self.out.len() >= OUT_CHUNK {
            self.sink.write_all(&self.out)?;
            self.out.clear();
        }
        self.line_start = 0;
        Ok(())
    }

    fn normal_gap(&mut self) -> u64 {
        // Mean about 20 ms: ~50 lines/s across the three pods.
        self.rng.range(1_000, 40_000_000)
    }

    // ----- access lines ------------------------------------------------------------------

    /// `IP - USER [20/Nov/2026:09:14:02 +0000] "METHOD ` (the path follows).
    fn access_head(&mut self, ip: [u8; 4], user: Option<&str>, method: &str) {
        self.ip(ip);
        self.s(b" - ");
        match user {
            Some(u) => self.s(u.as_bytes()),
            None => self.out.push(b'-'),
        }
        self.s(b" [");
        let (nd, t) = (self.clock.ndate, self.clock.hms);
        self.s(&nd);
        self.out.push(b':');
        self.s(&t);
        self.s(b" +0000] \"");
        self.s(method.as_bytes());
        self.out.push(b' ');
    }

    /// ` HTTP/1.1" STATUS BYTES "REFERER" "UA"`, plus ingress-nginx fields in `nginx`.
    fn access_tail(
        &mut self,
        c: Container,
        pod: usize,
        status: u16,
        size: u64,
        referer: &str,
        ua: &[u8],
    ) {
        self.s(b" HTTP/1.1\" ");
        self.num(u64::from(status));
        self.out.push(b' ');
        self.num(size);
        self.s(b" \"");
        self.s(referer.as_bytes());
        self.s(b"\" \"");
        self.s(ua);
        self.out.push(b'"');
        if c == Container::Nginx {
            // request_length request_time [upstream] [alt] upstream_addr upstream_bytes
            // upstream_time upstream_status req_id
            self.out.push(b' ');
            let reqlen = self.rng.range(250, 1800);
            self.num(reqlen);
            self.out.push(b' ');
            let ms = self.rng.range(1, 900);
            self.s(b"0.");
            self.num_pad(ms, 3);
            self.s(b" [netbox-netbox-8080] [] ");
            let ip = self.pod_ips[pod];
            self.ip(ip);
            self.s(b":8080 ");
            self.num(size);
            self.s(b" 0.");
            self.num_pad(ms.saturating_sub(1), 3);
            self.out.push(b' ');
            self.num(u64::from(status));
            self.out.push(b' ');
            self.hex(32);
        }
    }

    fn user_ip(&mut self) -> [u8; 4] {
        [
            10,
            20,
            self.rng.below(16) as u8,
            self.rng.range(1, 254) as u8,
        ]
    }

    fn access_container(&mut self) -> Container {
        if self.rng.chance(0.2) {
            Container::Nginx
        } else {
            Container::Netbox
        }
    }

    fn line_api(&mut self, pod: usize) -> io::Result<()> {
        let c = self.access_container();
        let gap = self.normal_gap();
        self.begin(pod, c, gap);
        let ip = [10, 30, 1, self.rng.range(10, 20) as u8];
        let user = if self.rng.chance(0.5) {
            None
        } else {
            Some(
                self.rng
                    .pick(&["svc-ansible", "svc-terraform", "svc-backup"]),
            )
        };
        let method = if self.rng.chance(0.9) {
            "GET"
        } else {
            self.rng.pick(&["POST", "PATCH", "PUT", "DELETE"])
        };
        self.access_head(ip, user, method);
        let path = self.pick_str(API_PATHS);
        self.s(path.as_bytes());
        let status: u16 = if method == "GET" {
            if self.rng.chance(0.3) {
                self.rnum(1, 20_000);
                self.out.push(b'/');
            } else {
                self.s(b"?limit=");
                let limit = self.rng.pick(&[50u64, 100, 250, 1000]);
                self.num(limit);
                if self.rng.chance(0.5) {
                    self.s(b"&offset=");
                    let off = self.rng.below(200) * limit;
                    self.num(off);
                }
                if self.rng.chance(0.3) {
                    self.s(b"&site=");
                    let site = self.pick_str(SITES);
                    self.s(site.as_bytes());
                }
            }
            if self.rng.chance(0.97) {
                200
            } else {
                self.rng.pick(&[404u16, 403, 400])
            }
        } else {
            if method != "POST" {
                self.rnum(1, 20_000);
                self.out.push(b'/');
            }
            match method {
                "POST" => 201,
                "DELETE" => 204,
                _ => 200,
            }
        };
        let size = if status == 204 {
            0
        } else {
            self.rng.range(300, 120_000)
        };
        let ua = self.pick_str(API_UAS);
        self.access_tail(c, pod, status, size, "-", ua.as_bytes());
        self.end()
    }

    fn browser_ua_bytes(&mut self, bad_utf8: bool) -> Vec<u8> {
        let ua = self.pick_str(BROWSER_UAS);
        if !bad_utf8 {
            return ua.as_bytes().to_vec();
        }
        // Raw invalid UTF-8 inside the user agent, as some scanners and broken clients send.
        let mut v = Vec::with_capacity(ua.len() + 8);
        match self.rng.below(3) {
            0 => {
                v.extend_from_slice(b"Mozilla/5.0 (compatible; Scanner\xff\xfe/1.");
                v.push(b'0' + self.rng.below(10) as u8);
                v.push(b')');
            }
            1 => {
                v.extend_from_slice(ua.as_bytes());
                v.extend_from_slice(b" Ren\xe9Browser/2.1");
            }
            _ => {
                v.extend_from_slice(
                    b"Mozilla/5.0 (Linux; U; Android 9; \xc3\x28\xa0\xa1 Build/PKQ1.180904.001)",
                );
            }
        }
        v
    }

    fn line_ui(&mut self, pod: usize, bad_utf8: bool) -> io::Result<()> {
        let c = self.access_container();
        let gap = self.normal_gap();
        self.begin(pod, c, gap);
        let ip = self.user_ip();
        let user = self.pick_str(USERS);
        self.access_head(ip, Some(user), "GET");
        let path = self.pick_str(UI_PATHS);
        self.s(path.as_bytes());
        if path != "/" && self.rng.chance(0.4) {
            if self.rng.chance(0.5) {
                self.rnum(1, 20_000);
                self.out.push(b'/');
            } else {
                self.s(b"?site=");
                let site = self.pick_str(SITES);
                self.s(site.as_bytes());
                self.s(b"&per_page=50");
            }
        }
        let size = self.rng.range(8_000, 90_000);
        let ua = self.browser_ua_bytes(bad_utf8);
        self.access_tail(
            c,
            pod,
            200,
            size,
            "https://netbox.example.com/dcim/devices/",
            &ua,
        );
        self.end()
    }

    fn line_static(&mut self, pod: usize) -> io::Result<()> {
        let c = self.access_container();
        let gap = self.normal_gap();
        self.begin(pod, c, gap);
        let ip = self.user_ip();
        self.access_head(ip, None, "GET");
        let path = self.pick_str(STATIC_PATHS);
        self.s(path.as_bytes());
        let (status, size) = if self.rng.chance(0.6) {
            (304, 0)
        } else {
            (200, self.rng.range(2_000, 400_000))
        };
        let ua = self.pick_str(BROWSER_UAS);
        self.access_tail(
            c,
            pod,
            status,
            size,
            "https://netbox.example.com/",
            ua.as_bytes(),
        );
        self.end()
    }

    fn line_probe(&mut self, pod: usize) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        let ip = [10, 42, pod as u8, 1];
        self.access_head(ip, None, "GET");
        let (path, size) = if self.rng.chance(0.5) {
            ("/login/", 5_731)
        } else {
            ("/api/status/", 412)
        };
        self.s(path.as_bytes());
        self.access_tail(Container::Netbox, pod, 200, size, "-", b"kube-probe/1.31");
        self.end()
    }

    // ----- application lines -------------------------------------------------------------

    fn line_django(&mut self, pod: usize, bad_utf8: bool) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        let i = self.rng.below(DJANGO_LOGGERS_MSGS.len() as u64) as usize;
        let (level, logger, msg) = DJANGO_LOGGERS_MSGS[i];
        self.django_head(level, logger);
        self.s(msg.as_bytes());
        match i {
            0 => {
                self.s(b": GET ");
                let p = self.pick_str(API_PATHS);
                self.s(p.as_bytes());
                self.s(b" user=");
                let u = self.pick_str(USERS);
                self.s(u.as_bytes());
                self.s(b" status=200 duration_ms=");
                self.rnum(3, 900);
            }
            1 | 3 | 4 => {
                self.s(b" id=");
                self.rnum(1, 20_000);
                self.s(b" name=sw-");
                let site = self.pick_str(SITES);
                self.s(site.as_bytes());
                self.s(b"-r");
                self.rnum_pad(1, 40, 2);
                self.s(b"-0");
                self.rnum(1, 4);
                if bad_utf8 {
                    self.s(b" location=Caf\xe9-Nord");
                }
                self.s(b" request_id=");
                self.guid();
            }
            2 => {
                self.s(b": ");
                self.rnum(2, 48);
                self.s(b" objects by ");
                let u = self.pick_str(USERS);
                self.s(u.as_bytes());
            }
            5 => {
                self.s(b" (commit ");
                self.hex(12);
                self.s(b", ");
                self.rnum(10, 900);
                self.s(b" files)");
            }
            6 => {
                self.s(b"; args=(");
                self.rnum(1, 400);
                self.s(b",)");
            }
            _ => {
                self.s(b": ");
                let u = self.pick_str(USERS);
                self.s(u.as_bytes());
            }
        }
        self.end()
    }

    fn line_gunicorn(&mut self, pod: usize) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        self.out.push(b'[');
        let (d, t) = (self.clock.date, self.clock.hms);
        self.s(&d);
        self.out.push(b' ');
        self.s(&t);
        self.s(b" +0000] [");
        match self.rng.below(4) {
            0 => {
                let pid = self.rng.range(7, 400);
                self.s(b"1] [INFO] Booting worker with pid: ");
                self.num(pid);
            }
            1 => self.s(b"1] [INFO] Handling signal: winch"),
            2 => {
                let pid = self.rng.range(7, 400);
                self.num(pid);
                self.s(b"] [INFO] Autorestarting worker after current request.");
            }
            _ => {
                let pid = self.rng.range(7, 400);
                self.num(pid);
                self.s(b"] [DEBUG] GET ");
                let p = self.pick_str(API_PATHS);
                self.s(p.as_bytes());
            }
        }
        self.end()
    }

    fn line_rq(&mut self, pod: usize) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Worker, gap);
        let t = self.clock.hms;
        self.s(&t);
        self.out.push(b' ');
        match self.rng.below(5) {
            0 | 1 => {
                let q = self.rng.pick(&["default", "high", "low"]);
                self.s(q.as_bytes());
                self.s(b": ");
                let j = self.pick_str(RQ_JOBS);
                self.s(j.as_bytes());
                self.s(b" (");
                self.guid();
                self.out.push(b')');
            }
            2 => {
                let q = self.rng.pick(&["default", "high", "low"]);
                self.s(q.as_bytes());
                self.s(b": Job OK (");
                self.guid();
                self.out.push(b')');
            }
            3 => self.s(b"Result is kept for 500 seconds"),
            _ => {
                let q = self.rng.pick(&["default", "high", "low"]);
                self.s(b"Cleaning registries for queue: ");
                self.s(q.as_bytes());
            }
        }
        self.end()
    }

    fn line_long(&mut self, pod: usize) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        let target = self.rng.range(2048, 65_536) as usize;
        let start = self.out.len();
        self.django_head("DEBUG", "netbox.api.views");
        self.s(b"Response payload GET /api/dcim/devices/?limit=1000: {\"count\":");
        let count = self.rng.range(1000, 20_000);
        self.num(count);
        self.s(b",\"next\":\"https://netbox.example.com/api/dcim/devices/?limit=1000&offset=1000\",\"previous\":null,\"results\":[");
        let mut first = true;
        let closing = b"]}".len();
        while self.out.len() - start + closing < target {
            if !first {
                self.out.push(b',');
            }
            first = false;
            let id = self.rng.range(1, 20_000);
            let site = self.pick_str(SITES);
            self.s(b"{\"id\":");
            self.num(id);
            self.s(b",\"url\":\"https://netbox.example.com/api/dcim/devices/");
            self.num(id);
            self.s(b"/\",\"display\":\"sw-");
            self.s(site.as_bytes());
            self.s(b"-");
            self.num(id);
            self.s(b"\",\"name\":\"sw-");
            self.s(site.as_bytes());
            self.s(b"-");
            self.num(id);
            self.s(b"\",\"device_type\":{\"id\":");
            self.rnum(1, 60);
            self.s(b",\"manufacturer\":{\"name\":\"Arista\",\"slug\":\"arista\"},\"model\":\"DCS-7050SX3-48YC8\"},\"role\":{\"name\":\"Leaf\",\"slug\":\"leaf\"},\"site\":{\"name\":\"");
            self.s(site.as_bytes());
            self.s(b"\",\"slug\":\"");
            self.s(site.as_bytes());
            self.s(b"\"},\"status\":{\"value\":\"active\",\"label\":\"Active\"},\"serial\":\"JPE");
            self.rnum_pad(0, 100_000_000 - 1, 8);
            self.s(b"\",\"primary_ip4\":{\"address\":\"10.");
            self.rnum(0, 256 - 1);
            self.out.push(b'.');
            self.rnum(0, 256 - 1);
            self.out.push(b'.');
            self.rnum(1, 254);
            self.s(b"/32\"},\"last_updated\":\"");
            let (d, t) = (self.clock.date, self.clock.hms);
            self.s(&d);
            self.out.push(b'T');
            self.s(&t);
            self.s(b"Z\"}");
        }
        self.s(b"]}");
        self.end()
    }

    fn line_near_miss(&mut self, pod: usize) -> io::Result<()> {
        if self.rng.chance(0.5) {
            let gap = self.normal_gap();
            self.begin(pod, Container::Netbox, gap);
            let i = self.rng.below(NEAR_MISS_DJANGO.len() as u64) as usize;
            let (level, logger, msg) = NEAR_MISS_DJANGO[i];
            self.django_head(level, logger);
            self.s(msg.as_bytes());
        } else {
            let c = self.access_container();
            let gap = self.normal_gap();
            self.begin(pod, c, gap);
            let ip = self.user_ip();
            let user = self.pick_str(USERS);
            self.access_head(ip, Some(user), "GET");
            let p = self.pick_str(NEAR_MISS_PATHS);
            self.s(p.as_bytes());
            let size = self.rng.range(500, 30_000);
            let ua = self.pick_str(BROWSER_UAS);
            self.access_tail(
                c,
                pod,
                200,
                size,
                "https://netbox.example.com/",
                ua.as_bytes(),
            );
        }
        self.end()
    }

    // ----- healthy SSO login -------------------------------------------------------------

    fn start_flow(&mut self, pod: usize) -> io::Result<()> {
        let ip = self.user_ip();
        let ua = self.pick_str(BROWSER_UAS);
        let container = self.access_container();
        let mut flow = Flow {
            pod,
            container,
            ip,
            ua,
            step: 0,
            gap: 0,
        };
        self.flow_step(&mut flow)?;
        self.flows.push(flow);
        Ok(())
    }

    fn flow_step(&mut self, f: &mut Flow) -> io::Result<()> {
        let gap = if f.step == 0 {
            self.normal_gap()
        } else {
            self.rng.range(1_000, 2_000_000)
        };
        self.begin(f.pod, f.container, gap);
        self.access_head(f.ip, None, "GET");
        match f.step {
            0 => {
                self.s(b"/oauth/login/azuread-oauth2/?next=%2F");
                self.access_tail(
                    f.container,
                    f.pod,
                    302,
                    0,
                    "https://netbox.example.com/login/?next=/",
                    f.ua.as_bytes(),
                );
            }
            1 => {
                // Entra authorization codes are long opaque base64url strings.
                self.s(b"/oauth/complete/azuread-oauth2/?code=1.AXoA");
                let n = self.rng.range(300, 700) as usize;
                self.random_from(B64URL, n);
                self.s(b"&state=");
                self.random_from(ALNUM, 32);
                self.s(b"&session_state=");
                self.guid();
                self.access_tail(
                    f.container,
                    f.pod,
                    302,
                    0,
                    "https://login.microsoftonline.com/",
                    f.ua.as_bytes(),
                );
            }
            _ => {
                self.out.push(b'/');
                let size = self.rng.range(20_000, 60_000);
                self.access_tail(
                    f.container,
                    f.pod,
                    200,
                    size,
                    "https://login.microsoftonline.com/",
                    f.ua.as_bytes(),
                );
            }
        }
        f.step += 1;
        f.gap = self.rng.range(1, 30) as u32;
        self.end()
    }

    // ----- failure events ----------------------------------------------------------------

    fn count_event(&mut self, kind: usize, lines: u64) {
        self.stats.failure_events += 1;
        self.stats.failure_lines += lines;
        self.stats.by_kind[kind] += 1;
    }

    /// Optional log-format prefix before a bare message: none, `simple` or `verbose`.
    fn level_prefix(&mut self, level: &str, module: &str) {
        match self.rng.below(5) {
            0..=2 => {}
            3 => {
                self.s(level.as_bytes());
                self.out.push(b' ');
            }
            _ => {
                // netbox-docker `verbose`: {levelname} {asctime} {module} {process:d} {thread:d} {message}
                self.s(level.as_bytes());
                self.out.push(b' ');
                self.django_time();
                self.out.push(b' ');
                self.s(module.as_bytes());
                self.out.push(b' ');
                self.rnum(7, 400);
                self.out.push(b' ');
                self.rnum(139_000_000_000_000, 140_999_999_999_999);
                self.out.push(b' ');
            }
        }
    }

    /// An Entra token-endpoint error body as JSON.
    fn entra_json(&mut self, error: &str, code: &str, msg_head: &str, app: bool, msg_tail: &str) {
        let trace = guid_bytes(&mut self.rng);
        let corr = guid_bytes(&mut self.rng);
        // Entra separates the trace block with \r\n (escaped in JSON); some relays flatten it.
        let sep: &[u8] = if self.rng.chance(0.5) {
            b"\\r\\n"
        } else {
            b" "
        };
        self.s(b"{\"error\":\"");
        self.s(error.as_bytes());
        self.s(b"\",\"error_description\":\"AADSTS");
        self.s(code.as_bytes());
        self.s(b": ");
        self.s(msg_head.as_bytes());
        if app {
            let id = self.client_id;
            self.s(&id);
        }
        self.s(msg_tail.as_bytes());
        self.s(sep);
        self.s(b"Trace ID: ");
        self.s(&trace);
        self.s(sep);
        self.s(b"Correlation ID: ");
        self.s(&corr);
        self.s(sep);
        self.s(b"Timestamp: ");
        self.entra_time();
        self.s(b"\",\"error_codes\":[");
        self.s(code.as_bytes());
        self.s(b"],\"timestamp\":\"");
        self.entra_time();
        self.s(b"\",\"trace_id\":\"");
        self.s(&trace);
        self.s(b"\",\"correlation_id\":\"");
        self.s(&corr);
        self.s(b"\",\"error_uri\":\"https://login.microsoftonline.com/error?code=");
        self.s(code.as_bytes());
        self.s(b"\"}");
    }

    fn failure_event(&mut self, kind: usize, pod: usize) -> io::Result<()> {
        if kind == KIND_C {
            return self.start_traceback(pod);
        }
        let gap = self.normal_gap();
        if kind == 4 {
            // (e) Entra redirected an error to the callback.
            let c = self.access_container();
            self.begin(pod, c, gap);
            let ip = self.user_ip();
            self.access_head(ip, None, "GET");
            self.s(b"/oauth/complete/azuread-oauth2/?error=access_denied&error_description=AADSTS65004%3a+User+declined+to+consent+to+access+the+app.%0d%0aTrace+ID%3a+");
            self.guid();
            self.s(b"%0d%0aCorrelation+ID%3a+");
            self.guid();
            self.s(b"%0d%0aTimestamp%3a+");
            let (d, t) = (self.clock.date, self.clock.hms);
            self.s(&d);
            self.out.push(b'+');
            self.s(&t[0..2]);
            self.s(b"%3a");
            self.s(&t[3..5]);
            self.s(b"%3a");
            self.s(&t[6..8]);
            self.s(b"Z&state=");
            self.random_from(ALNUM, 32);
            let status = if self.rng.chance(0.7) { 302 } else { 500 };
            let ua = self.pick_str(BROWSER_UAS);
            self.access_tail(
                c,
                pod,
                status,
                0,
                "https://login.microsoftonline.com/",
                ua.as_bytes(),
            );
            self.count_event(kind, 1);
            return self.end();
        }
        self.begin(pod, Container::Netbox, gap);
        match kind {
            0 => {
                self.level_prefix("ERROR", "utils");
                self.s(b"Request failed with 400: ");
                self.entra_json(
                    "invalid_grant",
                    "54005",
                    "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
                    false,
                    "",
                );
            }
            1 => {
                self.level_prefix("ERROR", "utils");
                self.s(b"Request failed with 401: ");
                self.entra_json(
                    "invalid_client",
                    "7000222",
                    "The provided client secret keys for app '",
                    true,
                    "' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
                );
            }
            3 => {
                const MSG_HEAD: &str = "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '";
                if self.rng.chance(0.6) {
                    self.level_prefix("ERROR", "utils");
                    self.s(b"Request failed with 401: ");
                    self.entra_json("invalid_client", "7000215", MSG_HEAD, true, "'.");
                } else {
                    // social-core 4.5.4 style: AuthFailed carrying the description.
                    self.level_prefix("INFO", "views");
                    self.s(b"Authentication failed: AADSTS7000215: ");
                    self.s(MSG_HEAD.as_bytes());
                    let id = self.client_id;
                    self.s(&id);
                    self.s(b"'. Trace ID: ");
                    self.guid();
                    self.s(b" Correlation ID: ");
                    self.guid();
                    self.s(b" Timestamp: ");
                    self.entra_time();
                }
            }
            5 => {
                match self.rng.below(3) {
                    0 => {}
                    1 => self.django_head("INFO", "social"),
                    _ => self.s(b"social_core.exceptions.AuthTokenError: "),
                }
                self.s(b"Token error: Invalid key/secret, perhaps expired");
            }
            6 => {
                self.s(b"social_core.exceptions.AuthCanceled: Authentication process canceled");
            }
            7 => {
                self.level_prefix("ERROR", "utils");
                self.s(b"Connection error: HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded with url: ");
                if self.rng.chance(0.5) {
                    self.s(b"/common/oauth2/token");
                } else {
                    self.out.push(b'/');
                    let t = self.tenant_id;
                    self.s(&t);
                    self.s(b"/oauth2/v2.0/token");
                }
                self.s(b" (Caused by ");
                let obj_hex = self.rng.below(1 << 40);
                let mut obj = [0u8; 10];
                for (i, o) in obj.iter_mut().enumerate() {
                    *o = HEX[((obj_hex >> (36 - 4 * i)) & 15) as usize];
                }
                match self.rng.below(3) {
                    0 => {
                        self.s(b"NameResolutionError(\"<urllib3.connection.HTTPSConnection object at 0x7f");
                        self.s(&obj);
                        self.s(b">: Failed to resolve 'login.microsoftonline.com' ([Errno -3] Temporary failure in name resolution)\"))");
                    }
                    1 => {
                        self.s(b"NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f");
                        self.s(&obj);
                        self.s(b">: Failed to establish a new connection: [Errno 111] Connection refused'))");
                    }
                    _ => {
                        self.s(b"SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1010)')))");
                    }
                }
            }
            _ => {
                self.level_prefix("ERROR", "utils");
                self.s(b"Request failed with 400: ");
                self.entra_json(
                    "invalid_request",
                    "9999999",
                    "The request was rejected by a tenant policy that this tool does not know about.",
                    false,
                    "",
                );
            }
        }
        self.count_event(kind, 1);
        self.end()
    }

    /// (c) A traceback ending in AuthStateMissing; its first line is written now, the rest
    /// is pending and may interleave with lines of other pods.
    fn start_traceback(&mut self, pod: usize) -> io::Result<()> {
        const SP: &str = "/opt/netbox/venv/lib/python3.12/site-packages/";
        // (file, line, function, code); the outermost frame first.
        const OPTIONAL_OUTER: [(&str, u32, &str, &str); 6] = [
            (
                "django/core/handlers/exception.py",
                55,
                "inner",
                "response = get_response(request)",
            ),
            (
                "django/core/handlers/base.py",
                197,
                "_get_response",
                "response = wrapped_callback(request, *callback_args, **callback_kwargs)",
            ),
            (
                "social_django/utils.py",
                49,
                "wrapper",
                "return func(request, backend, *args, **kwargs)",
            ),
            (
                "social_django/views.py",
                31,
                "complete",
                "return do_complete(",
            ),
            (
                "social_core/actions.py",
                49,
                "do_complete",
                "user = backend.complete(user=user, redirect_name=redirect_name, *args, **kwargs)",
            ),
            (
                "social_core/backends/base.py",
                39,
                "complete",
                "return self.auth_complete(*args, **kwargs)",
            ),
        ];
        const WRAPPER: (&str, u32, &str, &str) = (
            "social_core/utils.py",
            256,
            "wrapper",
            "return func(*args, **kwargs)",
        );
        const AUTH_COMPLETE: (&str, u32, &str, &str) = (
            "social_core/backends/oauth.py",
            424,
            "auth_complete",
            "state = self.validate_state()",
        );
        const VALIDATE: (&str, u32, &str, &str) = (
            "social_core/backends/oauth.py",
            91,
            "validate_state",
            "raise AuthStateMissing(self, \"state\")",
        );

        // 2..=5 frames: always utils.wrapper and validate_state, plus extras in stack order.
        let k = self.rng.range(2, 5) as usize;
        let extra = k - 2;
        let mut frames: Vec<(&str, u32, &str, &str)> = Vec::with_capacity(k);
        // Choose `extra` distinct outer frames (plus possibly auth_complete) keeping order.
        let mut pool: Vec<usize> = (0..OPTIONAL_OUTER.len() + 1).collect();
        let mut chosen = Vec::with_capacity(extra);
        for _ in 0..extra {
            let i = self.rng.below(pool.len() as u64) as usize;
            chosen.push(pool.swap_remove(i));
        }
        chosen.sort_unstable();
        for &i in &chosen {
            if i < OPTIONAL_OUTER.len() {
                frames.push(OPTIONAL_OUTER[i]);
            }
        }
        frames.push(WRAPPER);
        if chosen.contains(&OPTIONAL_OUTER.len()) {
            frames.push(AUTH_COMPLETE);
        }
        frames.push(VALIDATE);
        // Sometimes one frame has no source line (e.g. a frozen or missing file).
        let drop = if self.rng.chance(0.5) {
            Some(self.rng.below(frames.len() as u64) as usize)
        } else {
            None
        };

        let mut lines: Vec<Vec<u8>> = Vec::with_capacity(2 + 2 * frames.len());
        lines.push(b"Traceback (most recent call last):".to_vec());
        for (i, (file, line, func, code)) in frames.iter().enumerate() {
            lines.push(format!("  File \"{SP}{file}\", line {line}, in {func}").into_bytes());
            if drop != Some(i) {
                lines.push(format!("    {code}").into_bytes());
            }
        }
        lines.push(
            b"social_core.exceptions.AuthStateMissing: Session value state missing.".to_vec(),
        );
        let n = lines.len() as u64;
        self.count_event(KIND_C, n);
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        self.s(&lines[0]);
        self.end()?;
        self.traceback = Some(Traceback {
            pod,
            lines,
            next: 1,
        });
        Ok(())
    }

    fn continue_traceback(&mut self) -> io::Result<()> {
        let Some(mut tb) = self.traceback.take() else {
            return Ok(());
        };
        let gap = self.rng.range(1_000, 300_000);
        self.begin(tb.pod, Container::Netbox, gap);
        let line = std::mem::take(&mut tb.lines[tb.next]);
        self.s(&line);
        tb.next += 1;
        self.end()?;
        if tb.next < tb.lines.len() {
            self.traceback = Some(tb);
        }
        Ok(())
    }

    // ----- main loop ---------------------------------------------------------------------

    fn fresh_pod(&mut self) -> usize {
        match &self.traceback {
            Some(tb) => (tb.pod + 1 + self.rng.below(2) as usize) % 3,
            None => self.rng.below(3) as usize,
        }
    }

    fn fresh_line(&mut self) -> io::Result<()> {
        let pod = self.fresh_pod();
        if self.p_event > 0.0 && self.rng.chance(self.p_event) {
            let mut kind = self.rng.below(9) as usize;
            if kind == KIND_C && self.traceback.is_some() {
                // One traceback at a time: draw among the other kinds.
                kind = [0, 1, 3, 4, 5, 6, 7, 8][self.rng.below(8) as usize];
            }
            return self.failure_event(kind, pod);
        }
        let u = self.rng.unit();
        let mut acc = P_LONG;
        if u < acc {
            return self.line_long(pod);
        }
        acc += P_BAD_UTF8;
        if u < acc {
            return if self.rng.chance(0.8) {
                self.line_ui(pod, true)
            } else {
                self.line_django(pod, true)
            };
        }
        acc += P_NEAR_MISS;
        if u < acc {
            return self.line_near_miss(pod);
        }
        acc += P_SSO_FLOW;
        if u < acc && self.flows.len() < MAX_FLOWS {
            return self.start_flow(pod);
        }
        // Ordinary traffic, by weight.
        let r = self.rng.below(100);
        match r {
            0..=37 => self.line_api(pod),
            38..=47 => self.line_ui(pod, false),
            48..=54 => self.line_static(pod),
            55..=64 => self.line_probe(pod),
            65..=83 => self.line_django(pod, false),
            84..=86 => self.line_gunicorn(pod),
            _ => self.line_rq(pod),
        }
    }

    fn run(&mut self) -> io::Result<()> {
        loop {
            let flushing = self.stats.bytes >= self.limit;
            if self.traceback.is_some() && (flushing || self.rng.chance(P_TB_CONTINUE)) {
                self.continue_traceback()?;
                continue;
            }
            let blocked = self.traceback.as_ref().map(|t| t.pod);
            if let Some(i) = self
                .flows
                .iter()
                .position(|f| (f.gap == 0 || flushing) && Some(f.pod) != blocked)
            {
                let mut f = self.flows.swap_remove(i);
                self.flow_step(&mut f)?;
                if f.step < 3 {
                    self.flows.push(f);
                }
                continue;
            }
            if flushing {
                if self.traceback.is_none() && self.flows.is_empty() {
                    break;
                }
                continue;
            }
            self.fresh_line()?;
            for f in &mut self.flows {
                f.gap = f.gap.saturating_sub(1);
            }
        }
        self.sink.write_all(&self.out)?;
        self.out.clear();
        self.sink.flush()
    }
}

fn guid_bytes(rng: &mut SplitMix64) -> [u8; 36] {
    let mut g = [0u8; 36];
    let mut r = rng.next_u64();
    let mut r2 = rng.next_u64();
    let mut n = 0;
    for (i, b) in g.iter_mut().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            *b = b'-';
            continue;
        }
        let src = if n < 16 { &mut r } else { &mut r2 };
        *b = HEX[(*src & 15) as usize];
        *src >>= 4;
        n += 1;
    }
    g[14] = b'4';
    g[19] = b"89ab"[(r2 & 3) as usize];
    g
}

fn manifest_json(seed: u64, rate: f64, s: &Stats) -> String {
    let mut by_kind = String::new();
    for (i, k) in KINDS.iter().enumerate() {
        if i > 0 {
            by_kind.push(',');
        }
        by_kind.push_str(&format!("\"{k}\":{}", s.by_kind[i]));
    }
    format!(
        "{{\"seed\":{seed},\"bytes\":{},\"lines\":{},\"failure_events\":{},\"by_kind\":{{{by_kind}}},\"failure_lines\":{},\"failure_rate\":{rate}}}\n",
        s.bytes, s.lines, s.failure_events, s.failure_lines
    )
}

/// Generates into `sink` and returns the counts.
pub(crate) fn generate<W: Write>(
    seed: u64,
    size: u64,
    failure_rate: f64,
    sink: W,
) -> io::Result<Stats> {
    let mut g = Gen::new(seed, size, failure_rate, sink);
    g.run()?;
    Ok(g.stats)
}

/// The `genlog` command line: see the module docs.
pub fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let result = match &args.out {
        Some(path) => File::create(path).and_then(|f| {
            generate(
                args.seed,
                args.size,
                args.failure_rate,
                BufWriter::with_capacity(4 << 20, f),
            )
        }),
        None => {
            let stdout = io::stdout();
            generate(
                args.seed,
                args.size,
                args.failure_rate,
                BufWriter::with_capacity(4 << 20, stdout.lock()),
            )
        }
    };
    let stats = match result {
        Ok(s) => s,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("genlog: write failed: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(path) = &args.manifest
        && let Err(e) = std::fs::write(path, manifest_json(args.seed, args.failure_rate, &stats))
    {
        eprintln!("genlog: cannot write manifest {path}: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen_bytes(seed: u64, size: u64, rate: f64) -> (Vec<u8>, Stats) {
        let mut v = Vec::new();
        let s = generate(seed, size, rate, &mut v).unwrap();
        (v, s)
    }

    fn count(hay: &[u8], needle: &[u8]) -> u64 {
        hay.windows(needle.len()).filter(|w| *w == needle).count() as u64
    }

    #[test]
    fn splitmix64_reference_values() {
        // Reference outputs of splitmix64 for seed 1234567 (from the public C reference).
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(r.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn prng_is_deterministic_and_seed_dependent() {
        let a: Vec<u64> = {
            let mut r = SplitMix64::new(1);
            (0..100).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = SplitMix64::new(1);
            (0..100).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = SplitMix64::new(2);
            (0..100).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mut r = SplitMix64::new(7);
        for _ in 0..10_000 {
            assert!(r.below(10) < 10);
            let x = r.range(5, 9);
            assert!((5..=9).contains(&x));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn size_parsing() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("1K"), Ok(1024));
        assert_eq!(parse_size("1k"), Ok(1024));
        assert_eq!(parse_size("20M"), Ok(20 * 1_048_576));
        assert_eq!(parse_size("100M"), Ok(104_857_600));
        assert_eq!(parse_size("1G"), Ok(1_073_741_824));
        assert_eq!(parse_size("2MiB"), Ok(2 * 1_048_576));
        assert_eq!(parse_size("3mb"), Ok(3 * 1_048_576));
        assert!(parse_size("").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("12X").is_err());
        assert!(parse_size("1.5G").is_err());
        assert!(parse_size("-1M").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
        assert!(parse_size("18446744073709551615G").is_err());
    }

    #[test]
    fn args_parsing() {
        let a = parse_args(
            [
                "--size",
                "20M",
                "--seed",
                "3",
                "--out=/tmp/x",
                "--failure-rate",
                "0.01",
            ]
            .map(String::from),
        )
        .unwrap();
        assert_eq!(a.size, 20 << 20);
        assert_eq!(a.seed, 3);
        assert_eq!(a.out.as_deref(), Some("/tmp/x"));
        assert!(a.manifest.is_none());
        assert!((a.failure_rate - 0.01).abs() < 1e-12);
        assert!(parse_args(["--seed", "1"].map(String::from)).is_err());
        assert!(parse_args(["--size", "1M", "--bogus"].map(String::from)).is_err());
        assert!(parse_args(["--size", "1M", "--failure-rate", "2"].map(String::from)).is_err());
    }

    #[test]
    fn calendar_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            civil_from_days(days_from_civil(2026, 11, 20)),
            (2026, 11, 20)
        );
        assert_eq!(
            civil_from_days(days_from_civil(2028, 2, 29) + 1),
            (2028, 3, 1)
        );
        assert_eq!(
            civil_from_days(days_from_civil(2026, 12, 31) + 1),
            (2027, 1, 1)
        );
        let c = Clock::new(
            days_from_civil(2026, 11, 20) as u64 * 86_400_000_000_000 + 33_242_123_456_789,
        );
        assert_eq!(&c.date, b"2026-11-20");
        assert_eq!(&c.hms, b"09:14:02");
        assert_eq!(&c.ndate, b"20/Nov/2026");
    }

    #[test]
    fn output_is_deterministic_and_stops_at_a_record_boundary() {
        let (a, sa) = gen_bytes(1, 300_000, 0.005);
        let (b, sb) = gen_bytes(1, 300_000, 0.005);
        assert_eq!(a, b);
        assert_eq!(sa, sb);
        let (c, _) = gen_bytes(2, 300_000, 0.005);
        assert_ne!(a, c);
        assert_eq!(sa.bytes, a.len() as u64);
        assert!(sa.bytes >= 300_000);
        assert_eq!(a.last(), Some(&b'\n'));
        assert_eq!(sa.lines, count(&a, b"\n"));
        // A smaller limit gives a prefix of the same stream, up to the pending records.
        let (small, _) = gen_bytes(1, 100_000, 0.005);
        assert!(small.len() >= 100_000);
    }

    #[test]
    fn every_line_has_prefix_and_increasing_timestamp() {
        let (v, _) = gen_bytes(5, 400_000, 0.02);
        let mut last: Vec<u8> = Vec::new();
        for line in v.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            assert!(
                line.starts_with(b"[pod/netbox-"),
                "{}",
                String::from_utf8_lossy(line)
            );
            let close = line.iter().position(|&b| b == b']').unwrap();
            let ts = &line[close + 2..close + 2 + 30];
            assert_eq!(ts[10], b'T');
            assert_eq!(ts[29], b'Z');
            assert!(ts > last.as_slice(), "timestamps must increase");
            last = ts.to_vec();
        }
    }

    #[test]
    fn planted_events_match_the_manifest() {
        let (v, s) = gen_bytes(3, 3_000_000, 0.05);
        let markers: [&[u8]; 9] = [
            b"AADSTS54005: OAuth2",
            b"AADSTS7000222: The provided",
            b"social_core.exceptions.AuthStateMissing: Session value state missing.",
            b"AADSTS7000215: Invalid client secret",
            b"AADSTS65004%3a",
            b"Invalid key/secret, perhaps expired",
            b"social_core.exceptions.AuthCanceled: Authentication process canceled",
            b"Max retries exceeded with url:",
            b"AADSTS9999999:",
        ];
        for (i, m) in markers.iter().enumerate() {
            assert_eq!(count(&v, m), s.by_kind[i], "kind {}", KINDS[i]);
            assert!(s.by_kind[i] > 0, "kind {} never planted", KINDS[i]);
        }
        assert_eq!(s.by_kind.iter().sum::<u64>(), s.failure_events);
        assert_eq!(
            count(&v, b"Traceback (most recent call last):"),
            s.by_kind[KIND_C]
        );
        let frac = s.failure_lines as f64 / s.lines as f64;
        assert!((0.03..0.07).contains(&frac), "failure line fraction {frac}");
    }

    #[test]
    fn tracebacks_are_not_interleaved_with_their_own_pod() {
        let (v, s) = gen_bytes(9, 3_000_000, 0.05);
        assert!(s.by_kind[KIND_C] > 5);
        // `[pod/netbox-h-id/container]`: the prefix, and the pod part before the container.
        let prefix = |l: &[u8]| l[..=l.iter().position(|&b| b == b']').unwrap()].to_vec();
        let pod_of = |p: &[u8]| p[..p.iter().rposition(|&b| b == b'/').unwrap()].to_vec();
        let mut open: Option<Vec<u8>> = None;
        let mut seen = 0;
        for l in v.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let p = prefix(l);
            let body = &l[p.len() + 32..];
            if body.starts_with(b"Traceback (most recent call last):") {
                assert!(open.is_none(), "nested traceback");
                open = Some(p);
                seen += 1;
                continue;
            }
            let Some(op) = &open else { continue };
            if *op == p {
                assert!(
                    body.starts_with(b"  ")
                        || body.starts_with(b"social_core.exceptions.AuthStateMissing"),
                    "foreign line inside traceback: {}",
                    String::from_utf8_lossy(l)
                );
                if body.starts_with(b"social_core.") {
                    open = None;
                }
            } else {
                // Lines of other pods may interleave; other containers of the same pod may not.
                assert_ne!(pod_of(op), pod_of(&p), "{}", String::from_utf8_lossy(l));
            }
        }
        assert!(open.is_none());
        assert_eq!(seen, s.by_kind[KIND_C]);
    }

    #[test]
    fn long_and_non_utf8_lines_exist() {
        let (v, _) = gen_bytes(1, 8 << 20, 0.005);
        let lines: Vec<&[u8]> = v.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
        assert!(lines.iter().any(|l| l.len() >= 2048));
        assert!(lines.iter().all(|l| l.len() <= 66 * 1024));
        let bad = lines
            .iter()
            .filter(|l| std::str::from_utf8(l).is_err())
            .count();
        assert!(bad > 0);
        // Invalid UTF-8 yes, NUL bytes no: rg and grep would treat the file as binary.
        assert!(!v.contains(&0));
        let mean = v.len() as f64 / lines.len() as f64;
        assert!((200.0..290.0).contains(&mean), "mean line length {mean}");
    }

    #[test]
    fn manifest_shape() {
        let s = Stats {
            bytes: 10,
            lines: 2,
            failure_events: 1,
            failure_lines: 1,
            by_kind: [1, 0, 0, 0, 0, 0, 0, 0, 0],
        };
        let j = manifest_json(1, 0.005, &s);
        assert!(j.starts_with("{\"seed\":1,\"bytes\":10,\"lines\":2,\"failure_events\":1,\"by_kind\":{\"a\":1,\"b\":0,"));
        let parsed: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(parsed["by_kind"]["i"], 0);
    }
}
