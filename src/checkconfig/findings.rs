//! Turns the hits of the checks into findings, one per check, and notes, with the words of
//! the check's catalog rule. The file's text reaches the report through the masker only. A
//! setting that is not in the file has no line: its finding names it in the diagnosis and
//! cites no evidence, rather than a "line 0".

use std::collections::BTreeMap;

use super::{Checker, Hit, MAX_HITS_LISTED, Note};
use crate::catalog::Status;
use crate::redact::{Masking, Shown};
use crate::report::{EntraIds, Evidence, Finding};

impl Checker<'_> {
    /// Groups the hits into findings, one per check, and notes.
    pub(super) fn findings(&mut self) -> (Vec<Finding>, Vec<Note>) {
        let show = |t: &str| Masking::default().show(t);
        let mut by_check: BTreeMap<&'static str, Vec<Hit>> = BTreeMap::new();
        let mut notes = Vec::new();
        for h in self.hits.drain(..) {
            if !h.check.is_note() {
                by_check.entry(h.check.key()).or_default().push(h);
                continue;
            }
            let Some(rule) = self
                .catalog
                .rule(h.check.key())
                .filter(|r| r.status != Status::Deprecated)
            else {
                continue;
            };
            notes.push(Note {
                rule: rule.id.clone(),
                title: Shown::ours(&rule.title),
                text: show(&h.text),
                detail: show(&h.diagnosis),
                source: show(&h.source),
                line: (h.line > 0).then_some(h.line),
                setting: h.setting.as_deref().map(show),
                advice: rule.resolution.iter().map(Shown::ours).collect(),
            });
        }
        let file = self.opts.source.as_str();
        let mut findings: Vec<(u64, Finding)> = by_check
            .into_values()
            .filter_map(|hits| {
                // A rule deprecated by `--patterns` is not reported.
                let rule = self
                    .catalog
                    .rule(hits[0].check.key())
                    .filter(|r| r.status != Status::Deprecated)?;
                let first = hits
                    .iter()
                    .map(|h| h.line)
                    .filter(|&l| l > 0)
                    .min()
                    .unwrap_or(0);
                let mut sources: Vec<Shown> = hits.iter().map(|h| show(&h.source)).collect();
                sources.sort();
                sources.dedup();
                let mut diagnosis: Vec<Shown> = hits
                    .iter()
                    .map(|h| show(&h.diagnosis))
                    .take(MAX_HITS_LISTED)
                    .collect();
                if hits.len() > MAX_HITS_LISTED {
                    diagnosis.push(Shown::ours(format!(
                        "(+{} more)",
                        hits.len() - MAX_HITS_LISTED
                    )));
                }
                // What the file or a flag says; a setting missing from the file has no line
                // to cite.
                let evidence = hits
                    .iter()
                    .filter(|h| h.line > 0 || h.source != file)
                    .take(MAX_HITS_LISTED)
                    .map(|h| Evidence {
                        source: show(&h.source),
                        line: h.line,
                        lines: 1,
                        pod: None,
                        container: None,
                        time: None,
                        text: show(&h.text),
                        decoded: None,
                        captures: h
                            .setting
                            .iter()
                            .map(|s| ("setting".to_string(), show(s)))
                            .collect(),
                        context_before: Vec::new(),
                        context_after: Vec::new(),
                    })
                    .collect();
                let finding = Finding {
                    rule: rule.id.clone(),
                    symptom: rule.symptom,
                    title: Shown::ours(&rule.title),
                    severity: rule.severity,
                    codes: rule.codes.iter().map(Shown::ours).collect(),
                    codes_seen: Vec::new(),
                    codes_inferred: Vec::new(),
                    errors_seen: Vec::new(),
                    count: hits.len() as u64,
                    first_seen: None,
                    last_seen: None,
                    sources,
                    meaning: Shown::ours(&rule.meaning),
                    likely_causes: rule.causes.iter().map(Shown::ours).collect(),
                    diagnosis,
                    entra: EntraIds::default(),
                    evidence,
                    resolution: rule.resolution.iter().map(Shown::ours).collect(),
                    flows: Vec::new(),
                    references: Vec::new(),
                    also_seen_as: Vec::new(),
                    folded_into: None,
                    incidents: Vec::new(),
                    timeline: Default::default(),
                    hours: Vec::new(),
                };
                Some((first, finding))
            })
            .collect();
        findings.sort_by(|(la, a), (lb, b)| {
            b.severity
                .cmp(&a.severity)
                .then(la.cmp(lb))
                .then(a.rule.cmp(&b.rule))
        });
        (findings.into_iter().map(|(_, f)| f).collect(), notes)
    }
}
