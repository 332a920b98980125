//! Login scenarios: `tests/scenarios/<name>/`, one login story each, and what a scan of it
//! must report.

use std::path::PathBuf;

use super::{finding, json, root, rules};

/// `tests/scenarios/<name>/expect.toml`: what a scan of the scenario's `logs/` must report.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    about: String,
    /// Symptoms of the findings at warning or above, exactly.
    symptoms: Vec<String>,
    /// The flows in order.
    #[serde(default)]
    flow: Vec<ExpectFlow>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFlow {
    outcome: String,
    stopped_at: String,
    /// Rule ids, exactly (any order).
    findings: Vec<String>,
}

#[test]
fn login_scenarios_give_the_expected_flows_and_symptoms() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.toml").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 9, "the scenario set is complete");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expect: Expect =
            toml::from_str(&std::fs::read_to_string(dir.join("expect.toml")).unwrap())
                .unwrap_or_else(|e| panic!("{name}/expect.toml: {e}"));
        assert!(!expect.about.is_empty());
        let (code, report, stderr) = json(&[dir.join("logs").to_str().unwrap()]);
        let mut fail = |what: String| failures.push(format!("{name}: {what}"));
        let mut symptoms: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] != "info")
            .map(|f| f["symptom"].as_str().unwrap().to_string())
            .collect();
        symptoms.sort();
        symptoms.dedup();
        let mut want = expect.symptoms.clone();
        want.sort();
        if symptoms != want {
            fail(format!(
                "symptoms {symptoms:?}, expected {want:?} (rules {:?})",
                rules(&report)
            ));
        }
        let want_code = if want.is_empty() { 0 } else { 1 };
        if code != want_code {
            fail(format!("exit {code}, expected {want_code}: {stderr}"));
        }
        let flows = report["flows"].as_array().unwrap();
        if flows.len() != expect.flow.len() {
            fail(format!(
                "{} flows, expected {}: {flows:#?}",
                flows.len(),
                expect.flow.len()
            ));
            continue;
        }
        for (i, (got, want)) in flows.iter().zip(&expect.flow).enumerate() {
            let mut findings: Vec<&str> = got["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            findings.sort();
            let mut want_findings: Vec<&str> = want.findings.iter().map(String::as_str).collect();
            want_findings.sort();
            let shape = (
                got["outcome"].as_str().unwrap(),
                got["stopped_at"].as_str().unwrap(),
                findings,
            );
            let expected = (
                want.outcome.as_str(),
                want.stopped_at.as_str(),
                want_findings,
            );
            if shape != expected {
                fail(format!(
                    "flow {} is {shape:?}, expected {expected:?}",
                    i + 1
                ));
            }
            // Each finding of the flow points back at it.
            let id = got["id"].as_str().unwrap();
            for rule in &expect.flow[i].findings {
                let linked = finding(&report, rule)
                    .is_some_and(|f| f["flows"].as_array().unwrap().iter().any(|v| v == id));
                if !linked {
                    fail(format!("finding {rule} does not list flow {id}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
