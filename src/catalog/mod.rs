//! The pattern catalog: rules as data (`patterns/**/*.toml`), loaded strictly, validated, and
//! compiled once into a two-stage matcher. Sits between parsing and matching: the matcher
//! takes a [`compile::Compiled`] catalog and never looks at TOML.

pub mod anchors;
pub mod compile;
pub mod export;
pub mod load;
pub mod teddy;
pub mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One rule as written in its TOML file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable kebab-case id; equals the file stem.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// A key of the symptom vocabulary.
    pub symptom: Symptom,
    /// How bad it is.
    pub severity: Severity,
    /// Lifecycle of the rule.
    #[serde(default)]
    pub status: Status,
    /// Codes the rule reports (AADSTS codes, OAuth error values, exception names).
    #[serde(default)]
    pub codes: Vec<String>,
    /// Case-sensitive literals; every text a pattern matches contains one.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regexes (regex crate syntax, Unicode off) with named captures.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Regexes that keep the rule's patterns from firing on an event they match (the
    /// healthy lines a broad pattern would take: `0 errors`, `"error": null`).
    #[serde(default)]
    pub unless: Vec<String>,
    /// Entra's own message for the rule's code, as Entra prints it (`{name}` stands for a
    /// value): a second key, so the rule fires on the message when a client library
    /// dropped the code. Each run of at least [`MESSAGE_MIN_WORDS`] words between values
    /// becomes a keyword and a pattern at load ([`Rule::add_message_keys`]).
    #[serde(default)]
    pub messages: Vec<String>,
    /// Which Rust check fires the rule; see [`Rule::detector`] for the default.
    #[serde(default)]
    pub detector: Option<Detector>,
    /// The flow-level condition a `flow` rule reports (instead of matching lines).
    #[serde(default)]
    pub flow: Option<FlowCondition>,
    /// Reported only when no other, non-fallback rule matched the event.
    #[serde(default)]
    pub fallback: bool,
    /// The id of a broader rule this one narrows (the same code, told apart by words or the
    /// step in the same event): when both fire on one event only this one is reported, and
    /// it fires by its patterns alone, never by its code.
    #[serde(default)]
    pub refines: Option<String>,
    /// A fallback reported only when no other rule at all (fallback or not, nor an AADSTS
    /// code no rule knows) matched the event: the catch-all for SSO error text.
    #[serde(default)]
    pub last_resort: bool,
    /// Its AADSTS code is an outer wrapper that carries an inner code (AADSTS70002 "Error
    /// validating credentials" before AADSTS54005, 70000, 50012): when the rule of an inner
    /// code fires on the same event, that rule names the cause and this one is folded under
    /// it in the verdict.
    #[serde(default)]
    pub wrapper: bool,
    /// Why this rule claims a code that a rule of another symptom claims too.
    #[serde(default)]
    pub overlap_reason: Option<String>,
    /// Built-in cause refinement applied to the captures.
    #[serde(default)]
    pub refine: Option<Refine>,
    /// What the error means.
    pub meaning: String,
    /// Likely causes in a NetBox Enterprise + Entra ID setup.
    pub causes: Vec<String>,
    /// Ordered resolution steps.
    pub resolution: Vec<String>,
    /// Links to documentation.
    #[serde(default)]
    pub references: Vec<String>,
    /// Inputs the rule's detector must and must not fire on.
    pub examples: Examples,
}

/// The fewest words a run of an Entra message needs to be a key of its own: a message
/// matches by enough of Entra's distinctive wording, never by one word.
pub const MESSAGE_MIN_WORDS: usize = 4;

/// The runs of `message` that are keys: the text between `{value}` placeholders, trimmed of
/// quotes and punctuation at the ends, of at least [`MESSAGE_MIN_WORDS`] words.
pub fn message_keys(message: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut rest = message;
    loop {
        let (run, after) = match rest.find('{') {
            Some(open) => {
                let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
                (&rest[..open], Some(&rest[close..]))
            }
            None => (rest, None),
        };
        let run = run.trim_matches(|c: char| c.is_whitespace() || "'\".,:;()".contains(c));
        if run.split_whitespace().count() >= MESSAGE_MIN_WORDS {
            keys.push(run.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        match after {
            Some(a) => rest = a,
            None => return keys,
        }
    }
}

/// The examples every rule carries; `catalog check` and the test suite run them through the
/// rule's detector: log lines (or a small log, for `flow` and `unknown-code`), configuration
/// overrides (`config`), HAR documents (`har`) or token claims (`token`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Inputs the rule must fire on.
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    /// Inputs the rule must not fire on.
    pub no_match: Vec<String>,
}

impl Rule {
    /// The check that fires the rule: as written, else `flow` for a rule with a `flow`
    /// condition (a flow rule may leave `detector` out), else `log`.
    pub fn detector(&self) -> Detector {
        match (self.detector, self.flow) {
            (Some(d), _) => d,
            (None, Some(_)) => Detector::Flow,
            (None, None) => Detector::Log,
        }
    }

    /// Makes each key of [`Rule::messages`] a keyword and a pattern (the literal text), so
    /// the matcher finds the message as it finds any pattern.
    pub fn add_message_keys(&mut self) {
        for key in self.messages.iter().flat_map(|m| message_keys(m)) {
            let pattern = regex::escape(&key);
            if !self.patterns.contains(&pattern) {
                self.patterns.push(pattern);
            }
            if !self.keywords.contains(&key) {
                self.keywords.push(key);
            }
        }
    }

    /// The AADSTS codes among [`Rule::codes`], as numbers.
    pub fn aadsts_codes(&self) -> impl Iterator<Item = u32> + '_ {
        self.codes.iter().filter_map(|c| parse_aadsts(c))
    }
}

/// Parses `AADSTS50011` (any case of the prefix) or a bare `50011` into the number.
pub fn parse_aadsts(code: &str) -> Option<u32> {
    let digits = if code.len() > 6 && code[..6].eq_ignore_ascii_case("aadsts") {
        &code[6..]
    } else {
        return None;
    };
    if (1..=9).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Deserialize, ::serde::Serialize, ::schemars::JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] $variant),+
        }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable key used in rule files and JSON.
            pub const fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

string_enum! {
    /// The stable symptom vocabulary, reported verbatim in JSON.
    Symptom {
        /// The redirect URI sent is not registered on the app.
        RedirectUriMismatch = "redirect-uri-mismatch",
        /// http:// where Entra demands https.
        HttpsRequired = "https-required",
        /// Entra accepted the user but NetBox did not log them in.
        NotLoggedInAfterAuth = "not-logged-in-after-auth",
        /// Client id or secret wrong.
        InvalidClientCredentials = "invalid-client-credentials",
        /// The client secret expired.
        ClientSecretExpired = "client-secret-expired",
        /// Tenant, authority or application does not fit.
        WrongTenantOrApp = "wrong-tenant-or-app",
        /// OAuth state missing or different.
        SessionStateLost = "session-state-lost",
        /// The code could not be exchanged for tokens.
        TokenRedemptionFailed = "token-redemption-failed",
        /// User not assigned, not in tenant, or consent missing.
        UserNotAssignedOrConsent = "user-not-assigned-or-consent",
        /// Conditional Access or MFA blocked the sign-in.
        ConditionalAccessOrMfa = "conditional-access-or-mfa",
        /// Group claims missing or group mapping failed.
        GroupClaims = "group-claims",
        /// Token times do not fit the pod clock.
        ClockSkew = "clock-skew",
        /// NetBox could not reach the identity provider.
        ProviderUnreachable = "provider-unreachable",
        /// A claim NetBox needs is missing.
        MissingClaim = "missing-claim",
        /// Cancelled or refused with no Entra reason: the user cancelled, or the pipeline
        /// or NetBox refused the user.
        AccessDeniedByPipeline = "access-denied-by-pipeline",
        /// The login started but never came back.
        NoCallback = "no-callback",
        /// The login worked, but the NetBox user has no permissions (403 on every page).
        SignedInNoPermissions = "signed-in-no-permissions",
        /// The NetBox account is not active: only this user is sent back to the login page.
        NetboxUserInactive = "netbox-user-inactive",
        /// Recognised only by its code.
        Unknown = "unknown",
    }
}

string_enum! {
    /// How bad a finding is; ordered from least to most severe.
    Severity {
        /// Worth knowing.
        Info = "info",
        /// Probably part of the problem.
        Warning = "warning",
        /// Breaks sign-in.
        Error = "error",
    }
}

string_enum! {
    /// A rule's lifecycle.
    Status {
        /// New; may be noisy.
        Experimental = "experimental",
        /// Trusted.
        Stable = "stable",
        /// Kept for its id; no longer matched.
        Deprecated = "deprecated",
    }
}

#[allow(clippy::derivable_impls)] // the enum comes from a macro that cannot mark a default
impl Default for Status {
    fn default() -> Self {
        Status::Stable
    }
}

string_enum! {
    /// Flow-level conditions the correlator finds; a rule with `flow = "<key>"` reports one.
    FlowCondition {
        /// Started, no callback within the flow timeout before the end of the log.
        NoCallback = "no-callback",
        /// The callback redirected to the login page with no other error.
        BouncedToLogin = "bounced-to-login",
        /// The same authorization code came back twice.
        ReplayedCode = "replayed-code",
        /// After the callback the user is sent to log in again (`/login/?next=`).
        RedirectLoop = "redirect-loop",
        /// The callback answered 404: the backend is not enabled.
        Callback404 = "callback-404",
        /// The callback answered 400: the host is not allowed.
        Callback400 = "callback-400",
        /// A failed login began on one pod and its callback reached another.
        PodSwitch = "pod-switch",
        /// The login worked, then the client's pages were answered 403 (no permissions).
        NoPermissions = "no-permissions",
        /// Bounced to the login page with no error while other users signed in around it:
        /// this user's account (inactive in NetBox), not the set-up.
        BouncedAlone = "bounced-alone",
    }
}

pub(crate) use string_enum;

string_enum! {
    /// Which Rust check fires a rule. Log rules are the catalog's own matcher; every other
    /// kind names code that reports the rule by its id and carries no patterns.
    Detector {
        /// The matcher: AADSTS codes and `patterns` on log lines (the default).
        Log = "log",
        /// The correlator: a login flow showed the rule's `flow` condition.
        Flow = "flow",
        /// `check-config`: a check of the NetBox configuration override.
        Config = "config",
        /// A check that only a browser capture (HAR) allows.
        Har = "har",
        /// A check of the claims of an id_token or access token (in a HAR or a log line).
        Token = "token",
        /// An AADSTS code that no log rule reports.
        UnknownCode = "unknown-code",
    }
}

string_enum! {
    /// Built-in cause refinements a rule can ask for.
    Refine {
        /// Diagnose the `redirect_uri` capture.
        RedirectUri = "redirect-uri",
        /// Diagnose the `client_id` capture.
        ClientId = "client-id",
        /// Diagnose the `tenant` capture.
        Tenant = "tenant",
    }
}

/// A rule together with where it came from.
#[derive(Debug, Clone)]
pub struct Located {
    /// The rule.
    pub rule: Rule,
    /// File it was read from (`embedded:entra/x.toml` for built-in rules).
    pub file: String,
}

/// The loaded catalog: rules keyed by id, later folders overriding earlier ones.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Rules by id, in id order.
    pub rules: BTreeMap<String, Located>,
}

/// Finds a rule by id: how a detector other than the matcher (a config, HAR or token check)
/// gets the words of the finding it reports. The loaded [`Catalog`] (which `check-config`
/// reads without compiling it) and the [`compile::Compiled`] one both answer.
pub trait RuleLookup {
    /// The rule with this id, if the catalog has it.
    fn rule(&self, id: &str) -> Option<&Rule>;
}

impl RuleLookup for Catalog {
    fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id).map(|l| &l.rule)
    }
}

impl Catalog {
    /// Rules that are not deprecated, in id order.
    pub fn active(&self) -> impl Iterator<Item = &Located> {
        self.rules
            .values()
            .filter(|l| l.rule.status != Status::Deprecated)
    }
}
