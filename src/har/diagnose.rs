//! What only a browser capture shows, as findings: the redirect URI the authorize request
//! sent (the guide's rules, and the URI the user expects), a session cookie set at the begin
//! and missing at the callback, and the claims of tokens. Also adds the browser-only steps
//! (authorize, Entra error) to the flows the correlator built from NetBox's requests.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};

use super::model::SetCookie;
use super::{Seen, Url};
use crate::catalog::FlowCondition;
use crate::catalog::compile::Compiled;
use crate::correlate::{Correlator, Flow, MAX_STEPS, Outcome, Step, Stop};
use crate::parse::timestamp::rfc3339;
use crate::redact::{Masking, Shown, tag};
use crate::refine;
use crate::report::Finding;
use crate::report::build::FindingBuilder;
use crate::token::{self, Expected, Kind};

crate::catalog::string_enum! {
    /// The checks only a browser capture allows; each reports the catalog rule (detector
    /// `har`) whose id is the key. `HarCheck::ALL` is the list of ids this detector emits.
    HarCheck {
        /// The redirect URI sent breaks the guide's rules.
        RedirectUriInvalid = "har-redirect-uri-invalid",
        /// The redirect URI sent differs from `--redirect-uri`.
        RedirectUriDiffers = "har-redirect-uri-differs",
        /// The session cookie set at the begin was not sent back on the callback.
        SessionCookieLost = "har-session-cookie-lost",
    }
}

/// Rule id: the redirect URI sent breaks the guide's rules.
pub const REDIRECT_URI_SENT: &str = HarCheck::RedirectUriInvalid.key();
/// Rule id: the redirect URI sent differs from `--redirect-uri`.
pub const REDIRECT_URI_DIFFERS: &str = HarCheck::RedirectUriDiffers.key();
/// Rule id: the session cookie set at the begin was not sent back on the callback.
pub const SESSION_COOKIE_LOST: &str = HarCheck::SessionCookieLost.key();

/// Django's session cookie name (SESSION_COOKIE_NAME default).
const SESSION_COOKIE: &str = "sessionid";

/// The authorize request of a login.
#[derive(Debug, Clone, Default)]
struct Authorize {
    line: u64,
    client_id: Option<String>,
    tenant: Option<String>,
    redirect_uri: Option<String>,
    raw_redirect_uri: Option<String>,
}

/// The authorize request at `url` (entry `line`), if it is one.
fn authorize(url: &Url, line: u64) -> Option<Authorize> {
    if !url.is_entra() || !url.path.contains("/oauth2/") || !url.path.ends_with("authorize") {
        return None;
    }
    let tenant = url
        .path
        .trim_start_matches('/')
        .split('/')
        .next()
        .filter(|t| *t != "oauth2")
        .map(str::to_string);
    Some(Authorize {
        line,
        client_id: url.param("client_id").map(str::to_string),
        tenant,
        redirect_uri: url.param("redirect_uri").map(str::to_string),
        raw_redirect_uri: url
            .raw_query
            .iter()
            .find(|(k, _)| k == "redirect_uri")
            .map(|(_, v)| v.clone()),
    })
}

/// Token tags and redirect URIs reported, remembered so each is reported once; past this, a
/// repeated one may be counted again, but memory stays bounded on a capture of millions of
/// entries.
const MAX_REMEMBERED_REPORTED: usize = 65_536;
/// Begins waiting for their callback (a flow the correlator no longer holds is not checked).
const MAX_BEGINS: usize = 4096;

/// What the browser-only parts of entries seen before the first flow began go to (steps,
/// keys, rule ids): the first flow takes them when it begins.
#[derive(Debug, Default)]
struct Bucket {
    steps: Vec<Step>,
    keys: Vec<String>,
    rules: Vec<String>,
}

/// The steps, keys and rule ids of a flow (held by the correlator) or of the [`Bucket`].
struct Target<'t> {
    steps: &'t mut Vec<Step>,
    keys: &'t mut Vec<String>,
    rules: &'t mut Vec<String>,
}

impl Target<'_> {
    /// Adds the id of a rule the flow shows, once.
    fn add_rule(&mut self, rule: &str) {
        if !self.rules.iter().any(|r| r == rule) {
            self.rules.push(rule.to_string());
        }
    }
    fn step(&mut self, step: Step) {
        if self.steps.len() < MAX_STEPS {
            self.steps.push(step);
        }
    }
}

/// A begin that set the session cookie, waiting for its flow's callback.
struct Begin {
    line: u64,
    set: SetCookie,
    url: Option<Url>,
}

/// What kind of NetBox request an entry was, for the flow it joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Request {
    /// `/oauth/login/<backend>/`.
    Begin,
    /// `/oauth/complete/<backend>/`.
    Callback,
    /// Anything else on a login path (the landing).
    Other,
}

/// The browser-only diagnosis, fed one entry at a time: the authorize request and Entra's
/// error as steps of the flow NetBox's requests began, the redirect URI sent, the session
/// cookie between begin and callback, and the claims of tokens. It keeps only the state
/// those need (the latest flow's authorize request, begins waiting for their callback,
/// bounded sets of what was reported), never the entries.
pub(super) struct Diagnosis<'a> {
    /// The browser-only findings so far.
    finding_builder: FindingBuilder<'a>,
    expected_redirect: Option<String>,
    /// Serial of the latest flow: the owner of the entries after its first one.
    current_flow: Option<u64>,
    /// Serial of the first flow: it also owns what came before it.
    first_flow: Option<u64>,
    before: Bucket,
    /// The latest authorize request of the current flow, and the first of the capture.
    flow_auth: Option<Authorize>,
    first_auth: Option<Authorize>,
    redirects_done: HashSet<(&'static str, String)>,
    tokens_seen: HashSet<String>,
    begins: BTreeMap<u64, Begin>,
}

fn target<'t>(
    before: &'t mut Bucket,
    correlator: &'t mut Correlator,
    owner: Option<u64>,
) -> Option<Target<'t>> {
    match owner {
        None => Some(Target {
            steps: &mut before.steps,
            keys: &mut before.keys,
            rules: &mut before.rules,
        }),
        Some(serial) => correlator.flow_mut(serial).map(|f| Target {
            steps: &mut f.steps,
            keys: &mut f.keys,
            rules: &mut f.rules,
        }),
    }
}

fn step(s: &Seen, name: &'static str, detail: String, source: &str) -> Step {
    Step {
        time: s.time.map(rfc3339),
        step: std::borrow::Cow::Borrowed(name),
        source: source.to_string(),
        line: s.line,
        pod: None,
        container: None,
        status: Some(s.entry.response.status),
        // Masked with the rest of the flow when the report is built.
        detail,
    }
}

impl<'a> Diagnosis<'a> {
    pub(super) fn new(
        source: &'a str,
        expected_redirect: Option<&str>,
        masking: Masking,
        compiled: &'a Compiled,
    ) -> Self {
        Diagnosis {
            finding_builder: FindingBuilder {
                compiled,
                source,
                pod: None,
                masking,
                findings: BTreeMap::new(),
            },
            expected_redirect: expected_redirect.map(str::to_string),
            current_flow: None,
            first_flow: None,
            before: Bucket::default(),
            flow_auth: None,
            first_auth: None,
            redirects_done: HashSet::new(),
            tokens_seen: HashSet::new(),
            begins: BTreeMap::new(),
        }
    }

    /// The flow that owns what is seen now (`None`: none began yet).
    pub(super) fn owner(&self) -> Option<u64> {
        self.current_flow
    }

    /// A flow began (serial `serial`) at the entry being read.
    pub(super) fn new_flow(&mut self, serial: u64, correlator: &mut Correlator) {
        self.current_flow = Some(serial);
        if self.first_flow.is_some() {
            self.flow_auth = None;
            return;
        }
        self.first_flow = Some(serial);
        let before = std::mem::take(&mut self.before);
        if let Some(flow) = correlator.flow_mut(serial) {
            for s in before.steps {
                if flow.steps.len() < MAX_STEPS {
                    flow.steps.push(s);
                }
            }
            for k in before.keys {
                if !flow.keys.contains(&k) {
                    flow.keys.push(k);
                }
            }
            for r in before.rules {
                if !flow.rules.contains(&r) {
                    flow.rules.push(r);
                }
            }
        }
    }

    /// Where the browser-only parts of an entry owned by `owner` go.
    fn target<'t>(
        &'t mut self,
        correlator: &'t mut Correlator,
        owner: Option<u64>,
    ) -> Option<Target<'t>> {
        target(&mut self.before, correlator, owner.or(self.first_flow))
    }

    /// Reads one entry. `request`: the flow (serial) and kind of a NetBox request.
    pub(super) fn entry(
        &mut self,
        s: &Seen,
        request: Option<(u64, Request)>,
        correlator: &mut Correlator,
    ) {
        let owner = self.current_flow;
        if let Some(url) = &s.url
            && let Some(a) = authorize(url, s.line)
        {
            self.authorize_step(s, url, owner, correlator);
            self.redirect_uri(s, &a, owner, correlator);
            if self.first_auth.is_none() {
                self.first_auth = Some(a.clone());
            }
            self.flow_auth = Some(a);
        }
        match request {
            Some((serial, Request::Begin)) => self.begin(s, serial, correlator),
            Some((serial, Request::Callback)) => self.callback(s, serial, correlator),
            _ => {}
        }
        self.tokens(s, owner, correlator);
    }

    fn authorize_step(
        &mut self,
        s: &Seen,
        url: &Url,
        owner: Option<u64>,
        correlator: &mut Correlator,
    ) {
        let source = self.finding_builder.source;
        let Some(t) = self.target(correlator, owner) else {
            return;
        };
        if t.steps.iter().any(|st| st.step == "authorize") {
            return;
        }
        let mut detail = format!("{} {}", s.entry.request.method, url.base());
        for key in [
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "prompt",
        ] {
            if let Some(v) = url.param(key) {
                detail.push_str(&format!(" {key}={v}"));
            }
        }
        if let Some(state) = url.param("state") {
            let key = format!("state:{state}");
            if !t.keys.contains(&key) {
                t.keys.push(key);
            }
        }
        let mut t = t;
        t.step(step(s, "authorize", detail, source));
    }

    /// An Entra error the catalog found in an entry (the page, or a redirect that went
    /// nowhere), owned by `at.owner` when it was read: a step (once per entry), and rule ids
    /// of the flow.
    pub(super) fn entra_error(
        &mut self,
        at: &ErrorAt,
        rules: &[String],
        with_step: bool,
        correlator: &mut Correlator,
    ) {
        let source = self.finding_builder.source;
        let Some(mut t) = self.target(correlator, at.owner) else {
            return;
        };
        if with_step {
            t.step(Step {
                time: at.time.map(rfc3339),
                step: std::borrow::Cow::Borrowed("entra-error"),
                source: source.to_string(),
                line: at.line,
                pod: None,
                container: None,
                status: Some(at.status),
                detail: rules.join(", "),
            });
        }
        for r in rules {
            t.add_rule(r);
        }
    }

    fn redirect_uri(
        &mut self,
        s: &Seen,
        a: &Authorize,
        owner: Option<u64>,
        correlator: &mut Correlator,
    ) {
        let Some(uri) = a.redirect_uri.as_deref() else {
            return;
        };
        let evidence = format!("authorize request, entry {}: redirect_uri={uri}", a.line);
        let mut found = Vec::new();
        let mut problems = refine::redirect_uri(uri);
        if let Some(raw) = &a.raw_redirect_uri
            && crate::parse::decode::url(raw).contains('%')
        {
            problems.push(format!(
                "the redirect_uri is encoded twice (sent as {raw:?}): Entra compares the decoded text, so check the proxy or a BASE_PATH that adds an encoding"
            ));
        }
        if !problems.is_empty() && self.first_time(REDIRECT_URI_SENT, uri) {
            self.finding_builder
                .add(REDIRECT_URI_SENT, a.line, s.time, &evidence, problems);
            found.push(REDIRECT_URI_SENT);
        }
        if let Some(expected) = self.expected_redirect.clone() {
            let diffs = compare(uri, &expected);
            if !diffs.is_empty() && self.first_time(REDIRECT_URI_DIFFERS, uri) {
                self.finding_builder
                    .add(REDIRECT_URI_DIFFERS, a.line, s.time, &evidence, diffs);
                found.push(REDIRECT_URI_DIFFERS);
            }
        }
        if owner.is_some()
            && let Some(mut t) = self.target(correlator, owner)
        {
            for r in found {
                t.add_rule(r);
            }
        }
    }

    fn first_time(&mut self, rule: &'static str, uri: &str) -> bool {
        let key = (rule, uri.to_string());
        if self.redirects_done.contains(&key) {
            return false;
        }
        if self.redirects_done.len() < MAX_REMEMBERED_REPORTED {
            self.redirects_done.insert(key);
        }
        true
    }

    /// Whether entry `s` is the first `name` step of flow `serial`.
    fn is_first(correlator: &mut Correlator, serial: u64, name: &str, line: u64) -> bool {
        correlator.flow_mut(serial).is_some_and(|f| {
            f.steps
                .iter()
                .find(|st| st.step == name)
                .is_some_and(|st| st.line == line)
        })
    }

    fn begin(&mut self, s: &Seen, serial: u64, correlator: &mut Correlator) {
        if !Self::is_first(correlator, serial, "begin", s.line) {
            return;
        }
        let Some(set) = s
            .entry
            .response
            .set_cookies()
            .into_iter()
            .find(|c| c.name == SESSION_COOKIE)
        else {
            return;
        };
        self.begins.insert(
            serial,
            Begin {
                line: s.line,
                set,
                url: s.url.clone(),
            },
        );
        while self.begins.len() > MAX_BEGINS {
            self.begins.pop_first();
        }
    }

    fn callback(&mut self, s: &Seen, serial: u64, correlator: &mut Correlator) {
        if !Self::is_first(correlator, serial, "callback", s.line) {
            return;
        }
        let Some(begin) = self.begins.remove(&serial) else {
            return;
        };
        let set = &begin.set;
        let sent = s.entry.request.cookie(SESSION_COOKIE);
        let what = match &sent {
            None => "was not sent",
            Some(v) if *v != set.value => "was sent with another value than the one set",
            Some(_) => return,
        };
        let mut diagnosis = Vec::new();
        if let (Some(bu), Some(cu)) = (begin.url.as_ref(), s.url.as_ref()) {
            if set.attr("secure").is_some() && cu.scheme == "http" {
                diagnosis.push(format!("the cookie is Secure but the callback went to http://{}: the browser sends Secure cookies over https only (the redirect URI is http: fix X-Forwarded-Proto or SOCIAL_AUTH_REDIRECT_IS_HTTPS)", cu.host));
            }
            match set.attr("domain") {
                Some(d) if !d.is_empty() => {
                    let d = d.trim_start_matches('.').to_ascii_lowercase();
                    let h = cu.host.to_ascii_lowercase();
                    if h != d && !h.ends_with(&format!(".{d}")) {
                        diagnosis.push(format!("the cookie's Domain={d} does not cover the callback host {}: SESSION_COOKIE_DOMAIN names another domain", cu.host));
                    }
                }
                _ => {
                    if !bu.host.eq_ignore_ascii_case(&cu.host) {
                        diagnosis.push(format!("the login began at {} but the callback went to {}: the session cookie belongs to the first host only; use one public host name for NetBox and its redirect URI", bu.host, cu.host));
                    }
                }
            }
            if let Some(p) = set
                .attr("path")
                .filter(|p| !p.is_empty() && !cu.path.starts_with(*p))
            {
                diagnosis.push(format!("the cookie's Path={p} does not cover the callback path {}: check BASE_PATH and SESSION_COOKIE_PATH", cu.path));
            }
        }
        match set.attr("samesite").map(str::to_ascii_lowercase).as_deref() {
            Some("strict") => diagnosis.push("the cookie is SameSite=Strict: the browser does not send it on the redirect back from login.microsoftonline.com; set SESSION_COOKIE_SAMESITE = 'Lax'".into()),
            Some("none") if set.attr("secure").is_none() => diagnosis.push("the cookie is SameSite=None without Secure: browsers drop such a cookie".into()),
            _ => {}
        }
        if diagnosis.is_empty() {
            diagnosis.push("nothing in the cookie's attributes or the host names explains it: the browser (private window, blocked cookies, an extension) or a proxy between the browser and NetBox dropped the cookie".into());
        }
        let sent_names = s.entry.request.cookie_names();
        let text = format!(
            "begin, entry {}: {} set {SESSION_COOKIE}; callback, entry {}: {SESSION_COOKIE} {what} (cookies sent: {})",
            begin.line,
            begin.url.as_ref().map_or(String::new(), Url::base),
            s.line,
            if sent_names.is_empty() {
                "none".to_string()
            } else {
                sent_names.join(", ")
            }
        );
        self.finding_builder
            .add(SESSION_COOKIE_LOST, s.line, s.time, &text, diagnosis);
        if let Some(f) = self.finding_builder.findings.get_mut(SESSION_COOKIE_LOST)
            && !f.codes_seen.iter().any(|c| c == "AuthStateMissing")
        {
            f.codes_seen.push(Shown::ours("AuthStateMissing"));
        }
        // First: it explains a bounce to the login page. The outcome is set when the flow
        // is done ([`finish_flow`]): a redirect loop seen later keeps its own.
        if let Some(flow) = correlator.flow_mut(serial)
            && !flow.rules.iter().any(|r| r == SESSION_COOKIE_LOST)
        {
            flow.rules.insert(0, SESSION_COOKIE_LOST.to_string());
        }
    }

    fn tokens(&mut self, s: &Seen, owner: Option<u64>, correlator: &mut Correlator) {
        let e = &s.entry;
        let body = e.response.content.body();
        let post = e.request.post_data.as_ref().and_then(|p| p.text.clone());
        let places: [(&str, Option<&str>); 4] = [
            ("request URL", Some(e.request.url.as_str())),
            ("redirect Location", e.response.location()),
            ("request body", post.as_deref()),
            ("response body", body.as_deref()),
        ];
        let auth = self.flow_auth.as_ref().or(self.first_auth.as_ref());
        let expected = Expected {
            client_id: auth.and_then(|a| a.client_id.clone()),
            tenant: auth.and_then(|a| a.tenant.clone()),
            seen_at: s.time,
        };
        let base = s.url.as_ref().map_or_else(|| "?".to_string(), Url::base);
        // One token may stand under several keys (the same JWT as id_token and
        // access_token): it is checked once, as the most telling kind.
        let mut here: Vec<(String, &str, Kind, &str)> = Vec::new();
        for (place, text) in places {
            let Some(text) = text else { continue };
            for found in token::find(text) {
                let jwt = &text[found.start..found.end];
                let t = tag(jwt);
                match here.iter_mut().find(|h| h.0 == t) {
                    Some(h) if found.kind == Kind::Id => h.2 = Kind::Id,
                    Some(_) => {}
                    None => here.push((t, jwt, found.kind, place)),
                }
            }
        }
        let mut rules = Vec::new();
        for (t, jwt, kind, place) in here {
            if self.tokens_seen.contains(&t) {
                continue;
            }
            if self.tokens_seen.len() < MAX_REMEMBERED_REPORTED {
                self.tokens_seen.insert(t);
            }
            let Ok(claims) = token::decode(jwt) else {
                continue;
            };
            let kind = match kind {
                Kind::Unknown if claims.has_nonce => Kind::Id,
                k => k,
            };
            let summary = token::summary(&claims, kind);
            for problem in token::check(&claims, kind, &expected) {
                let rule = problem.check.key();
                let evidence = format!(
                    "{} in the {place} of entry {} ({} {base}): {summary}",
                    kind.label(),
                    s.line,
                    e.request.method
                );
                self.finding_builder
                    .add(rule, s.line, s.time, &evidence, vec![problem.text]);
                rules.push(rule);
            }
        }
        if !rules.is_empty()
            && owner.or(self.first_flow).is_some()
            && let Some(mut t) = self.target(correlator, owner)
        {
            for r in rules {
                t.add_rule(r);
            }
        }
    }

    /// The findings only a browser shows.
    pub(super) fn findings(self) -> Vec<Finding> {
        self.finding_builder.findings.into_values().collect()
    }
}

/// Where an Entra error was read: the entry, and the flow that owned it then.
#[derive(Debug, Clone)]
pub(super) struct ErrorAt {
    pub line: u64,
    pub time: Option<DateTime<Utc>>,
    pub status: u16,
    pub owner: Option<u64>,
}

/// Settles what the browser's steps say about a flow the correlator is done with: a login
/// refused at Entra stopped at `authorize`, a lost session cookie at the callback (unless a
/// redirect loop shows the callback worked); steps in entry order.
pub(super) fn finish_flow(flow: &mut Flow) {
    let has = |name: &str| flow.steps.iter().any(|s| s.step == name);
    if has("entra-error") && !has("callback") {
        flow.outcome = Outcome::Failed;
        flow.stopped_at = Stop::Authorize;
        flow.conditions
            .retain(|(c, _)| *c != FlowCondition::NoCallback);
    }
    let looped = flow
        .conditions
        .iter()
        .any(|(c, _)| *c == FlowCondition::RedirectLoop);
    if flow.rules.iter().any(|r| r == SESSION_COOKIE_LOST) && !looped {
        flow.outcome = Outcome::Failed;
        flow.stopped_at = Stop::Callback;
    }
    // The lost cookie first (it explains the rest), then what the catalog found, then what
    // was read from the authorize request and from tokens: the order of the report.
    flow.rules.sort_by_key(|r| match r.as_str() {
        SESSION_COOKIE_LOST => 0,
        REDIRECT_URI_SENT | REDIRECT_URI_DIFFERS => 2,
        r if r.starts_with("token-") => 3,
        _ => 1,
    });
    // The authorize request's state, and the callback's (the same value, once).
    let mut seen = HashSet::new();
    flow.keys.retain(|k| seen.insert(k.clone()));
    flow.steps.sort_by_key(|s| s.line);
    flow.ended = flow
        .steps
        .last()
        .and_then(|s| s.time.clone())
        .or(flow.ended.take());
}

/// Each part of `sent` that differs from `expected`, one sentence each.
pub fn compare(sent: &str, expected: &str) -> Vec<String> {
    if sent == expected {
        return Vec::new();
    }
    let (Some(s), Some(e)) = (Url::parse(sent), Url::parse(expected)) else {
        return vec![format!(
            "the redirect URI sent, {sent:?}, differs from the expected {expected:?}"
        )];
    };
    let mut out = Vec::new();
    if s.scheme != e.scheme {
        out.push(format!(
            "scheme: sent {}://, expected {}://",
            s.scheme, e.scheme
        ));
    }
    if !s.host.eq_ignore_ascii_case(&e.host) {
        out.push(format!("host: sent {}, expected {}", s.host, e.host));
    } else if s.host != e.host {
        out.push(format!(
            "host case: sent {}, expected {} (Entra compares case-sensitively)",
            s.host, e.host
        ));
    }
    if s.port != e.port {
        let show = |u: &Url| u.port.map_or("none".to_string(), |p| p.to_string());
        out.push(format!("port: sent {}, expected {}", show(&s), show(&e)));
    }
    let trim = |p: &str| p.trim_end_matches('/').to_string();
    if trim(&s.path) != trim(&e.path) {
        out.push(format!("path: sent {}, expected {}", s.path, e.path));
    } else if s.path != e.path {
        out.push(format!(
            "trailing slash: sent {}, expected {}",
            s.path, e.path
        ));
    }
    if s.raw_query != e.raw_query {
        out.push("query string: the URIs differ in their query part".into());
    }
    if out.is_empty() {
        out.push(format!(
            "the URIs differ in encoding or case: sent {sent:?}, expected {expected:?}"
        ));
    }
    out
}

#[cfg(test)]
mod tests;
