//! Findings made outside the matching of log rules (HAR captures, token claims), in the
//! words of the catalog's rules, and the merging of findings of one rule from several parts.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{EntraIds, Evidence, Finding};
use crate::catalog::RuleLookup;
use crate::catalog::compile::Compiled;
use crate::parse::timestamp::rfc3339;
use crate::redact::{Masking, Shown};

/// Matched events a finding keeps as evidence (a sample: the count says how many there
/// were).
pub const MAX_EVIDENCE_SAMPLES: usize = 5;

/// Findings under construction, by rule id, in the words of the catalog's rules: for the
/// checks that are not log rules (a HAR capture, token claims).
pub struct FindingBuilder<'a> {
    /// Where the words of each finding come from: the rule with its id.
    pub compiled: &'a Compiled,
    /// The input's name.
    pub source: &'a str,
    /// Pod and container of a log line (`None` for a HAR).
    pub pod: Option<(String, Option<String>)>,
    /// How input text is masked.
    pub masking: Masking,
    /// The findings so far, by rule id.
    pub findings: BTreeMap<String, Finding>,
}

impl FindingBuilder<'_> {
    /// Counts one event of the rule with id `rule` at entry `line`, with `text` as evidence
    /// and `diagnosis`. A rule the catalog does not hold (deprecated by `--patterns`) is not
    /// reported.
    pub fn add(
        &mut self,
        rule: &str,
        line: u64,
        time: Option<DateTime<Utc>>,
        text: &str,
        diagnosis: Vec<String>,
    ) {
        let Some(t) = self.compiled.rule(rule) else {
            return;
        };
        let input = self.source.to_string();
        let source = match &self.pod {
            Some((p, Some(c))) => format!("pod/{p}/{c}"),
            Some((p, None)) => format!("pod/{p}"),
            None => input.clone(),
        };
        let f = self
            .findings
            .entry(rule.to_string())
            .or_insert_with(|| Finding {
                rule: rule.to_string(),
                symptom: t.symptom,
                title: Shown::ours(&t.title),
                severity: t.severity,
                codes: t.codes.iter().map(Shown::ours).collect(),
                codes_seen: Vec::new(),
                codes_inferred: Vec::new(),
                errors_seen: Vec::new(),
                count: 0,
                first_seen: None,
                last_seen: None,
                sources: vec![self.masking.show(&source)],
                meaning: Shown::ours(&t.meaning),
                likely_causes: t.causes.iter().map(Shown::ours).collect(),
                diagnosis: Vec::new(),
                entra: EntraIds::default(),
                evidence: Vec::new(),
                resolution: t.resolution.iter().map(Shown::ours).collect(),
                flows: Vec::new(),
                references: Vec::new(),
                also_seen_as: Vec::new(),
                folded_into: None,
                incidents: Vec::new(),
                timeline: Default::default(),
                hours: Vec::new(),
            });
        f.count += 1;
        super::verdict::push_incident(&mut f.incidents, super::Incident::new(&source, line, time));
        let time_text = time.map(rfc3339);
        if f.first_seen.is_none() || time_text.is_some() && time_text < f.first_seen {
            f.first_seen = time_text.clone().or(f.first_seen.take());
        }
        f.last_seen = f.last_seen.take().max(time_text.clone());
        for d in diagnosis {
            let d = self.masking.show(&d);
            if !f.diagnosis.contains(&d) {
                f.diagnosis.push(d);
            }
        }
        if f.evidence.len() < MAX_EVIDENCE_SAMPLES {
            f.evidence.push(Evidence {
                source: self.masking.show(&input),
                line,
                lines: 1,
                pod: self.pod.as_ref().map(|p| self.masking.show(&p.0)),
                container: self
                    .pod
                    .as_ref()
                    .and_then(|p| p.1.as_deref())
                    .map(|c| self.masking.show(c)),
                time: time_text,
                text: self.masking.show(text),
                decoded: None,
                captures: BTreeMap::new(),
                context_before: Vec::new(),
                context_after: Vec::new(),
            });
        }
    }
}

/// Adds `more` to `findings`, joining findings of the same rule (counts, evidence up to the
/// usual cap, diagnosis, times), and keeps the report's order.
pub fn merge_findings(findings: &mut Vec<Finding>, more: Vec<Finding>) {
    for f in more {
        match findings.iter_mut().find(|x| x.rule == f.rule) {
            Some(x) => {
                x.count += f.count;
                for i in f.incidents {
                    super::verdict::push_incident(&mut x.incidents, i);
                }
                for e in f.evidence {
                    if x.evidence.len() < MAX_EVIDENCE_SAMPLES {
                        x.evidence.push(e);
                    }
                }
                for d in f.diagnosis {
                    if !x.diagnosis.contains(&d) {
                        x.diagnosis.push(d);
                    }
                }
                for s in f.sources {
                    if !x.sources.contains(&s) {
                        x.sources.push(s);
                    }
                }
                for c in f.codes_seen {
                    if !x.codes_seen.contains(&c) {
                        x.codes_seen.push(c);
                    }
                }
                for e in f.errors_seen {
                    if !x.errors_seen.contains(&e) {
                        x.errors_seen.push(e);
                    }
                }
                x.first_seen = match (x.first_seen.take(), f.first_seen) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                x.last_seen = x.last_seen.take().max(f.last_seen);
            }
            None => findings.push(f),
        }
    }
}
