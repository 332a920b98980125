use unicode_width::UnicodeWidthStr;

use super::*;
use crate::catalog::Symptom;
use crate::redact::Shown;
use crate::report::{Summary, timeline::Change};

/// `n` hours from 2026-11-17 22:00 UTC, each from `at(i)`: (logins that worked, failures).
fn hours(n: usize, at: impl Fn(usize) -> (u64, Vec<(Symptom, u64)>)) -> Vec<Hour> {
    let start = parse("2026-11-17T22:00:00.000Z").unwrap();
    (0..n)
        .map(|i| {
            let (succeeded, failed) = at(i);
            Hour {
                hour: crate::parse::timestamp::rfc3339(start + chrono::Duration::hours(i as i64)),
                succeeded,
                failed: failed.into_iter().filter(|(_, n)| *n > 0).collect(),
            }
        })
        .collect()
}

fn change(at: &str, kind: ChangeKind, pod: &str) -> Change {
    Change {
        at: Some(at.into()),
        kind,
        pods_before: Vec::new(),
        pods_after: vec![Shown::ours(pod)],
        pods_still_old: Vec::new(),
        evidence: Vec::new(),
        time: parse(at),
        raw_pods: Default::default(),
    }
}

fn report(hours: Vec<Hour>, changes: Vec<Change>) -> Report {
    Report {
        schema_version: crate::report::SCHEMA_VERSION,
        show_secrets: false,
        inputs: Vec::new(),
        verdict: None,
        findings: Vec::new(),
        flows: Vec::new(),
        changes,
        hours,
        summary: Summary::default(),
    }
}

/// 61 hours from 2026-11-17 22:00: logins all along (60), secret-expired failures in hours
/// 34 to 39 (39), one redirect-uri-mismatch at hour 50, a rollout in hour 40
/// (2026-11-19T14:05), a first start in hour 0.
fn incident() -> Report {
    let h = hours(61, |i| {
        let failed = if (34..40).contains(&i) {
            i as u64 - 30
        } else {
            0
        };
        (
            (i % 3) as u64,
            vec![
                (Symptom::ClientSecretExpired, failed),
                (Symptom::RedirectUriMismatch, u64::from(i == 50)),
            ],
        )
    });
    report(
        h,
        vec![
            change("2026-11-17T22:10:03.226Z", ChangeKind::Start, "netbox-a"),
            change("2026-11-19T14:05:03.000Z", ChangeKind::Rollout, "netbox-b"),
        ],
    )
}

#[test]
fn blocks_scale_to_the_rows_largest_cell() {
    assert_eq!(block(0, 10), ' ');
    assert_eq!(block(3, 0), ' ');
    assert_eq!(block(10, 10), '█');
    // Any count at all shows, however small against the largest.
    assert_eq!(block(1, 1_000_000), '▁');
    assert_eq!(block(5, 10), '▄');
    assert_eq!(block(u64::MAX, u64::MAX), '█');
    let levels: Vec<char> = (0..=16).map(|v| block(v, 16)).collect();
    let rank = |c: char| BLOCKS.iter().position(|&b| b == c).map_or(0, |p| p + 1);
    assert!(
        levels.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{levels:?}"
    );
    assert_eq!(levels.iter().filter(|&&c| c == '█').count(), 2, "15 and 16");
}

#[test]
fn cells_hold_round_hours_and_fit() {
    assert_eq!(hours_per_cell(48, 100), 1);
    assert_eq!(hours_per_cell(100, 40), 3);
    assert_eq!(hours_per_cell(100, 20), 6);
    assert_eq!(hours_per_cell(24 * 92, 20), 120);
    assert_eq!(hours_per_cell(5000, 10), 504);
    assert_eq!(hours_per_cell(7, 0), 8);
    for (n, cells) in [(1, 1), (61, 37), (2208, 150), (2208, 13), (5000, 3)] {
        let per = hours_per_cell(n, cells);
        assert!(
            n.div_ceil(per) <= cells,
            "{n} hours in {cells} cells by {per}"
        );
    }
}

#[test]
fn bucket_counts_add_up() {
    let values: Vec<u64> = (0..61).map(|i| (i * 7 % 11) as u64).collect();
    for per in [1, 2, 3, 6, 24, 100] {
        let cells = bucket(&values, per);
        assert_eq!(cells.len(), values.len().div_ceil(per), "per {per}");
        assert_eq!(cells.iter().sum::<u64>(), values.iter().sum::<u64>());
        assert_eq!(cells[0], values.iter().take(per).sum::<u64>());
    }
}

#[test]
fn series_keep_the_five_most_failing_symptoms_and_sum_the_rest() {
    let symptoms = &Symptom::ALL[..8];
    let h = hours(10, |i| {
        let failed = symptoms
            .iter()
            .enumerate()
            .map(|(k, s)| (*s, (k as u64 + 1) * (i as u64 % 2)))
            .collect();
        (1, failed)
    });
    let rows = series(&h);
    assert_eq!(rows.len(), 1 + MAX_SYMPTOM_ROWS + 1);
    assert_eq!(rows[0].label, WORKED);
    assert_eq!(rows[0].total(), 10);
    // Most failures first: the eighth symptom fails most.
    assert_eq!(rows[1].label, symptoms[7].key());
    assert_eq!(rows[5].label, symptoms[3].key());
    assert_eq!(rows[6].label, "+3 more");
    assert_eq!(rows[6].total(), (1 + 2 + 3) * 5);
    let all: u64 = h
        .iter()
        .map(|h| h.succeeded + h.failed.values().sum::<u64>())
        .sum();
    assert_eq!(rows.iter().map(Series::total).sum::<u64>(), all);
}

#[test]
fn sparklines_fit_40_80_and_200_columns() {
    let r = incident();
    for width in [40, 80, 200] {
        let lines = sparklines(&r, width, false);
        for l in &lines {
            assert!(l.width() <= width, "{l:?} is wider than {width}");
        }
        // The header wraps at narrow widths: read its words as one line.
        let text = lines
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.starts_with("Per "), "{text}");
        assert!(text.contains("2026-11-17 22:00"), "{text}");
        assert!(
            text.contains("2026-11-20 11:00 UTC"),
            "the last hour's end: {text}"
        );
        let rows: Vec<&String> = lines
            .iter()
            .filter(|l| l.contains(['▁', '█']) || l.starts_with(WORKED))
            .collect();
        assert_eq!(rows.len(), 3, "worked and two symptoms: {text}");
        assert!(
            rows[0].starts_with("worked") && rows[0].ends_with(" 60"),
            "{text}"
        );
        assert!(rows[1].starts_with("client-secre") && rows[1].ends_with(" 39"));
        assert!(rows[2].ends_with(" 1"));
    }
    // Wide: an hour a cell; narrow: several.
    assert!(sparklines(&r, 200, false)[0].starts_with("Per hour,"));
    assert!(sparklines(&r, 40, false)[0].starts_with("Per 3 h,"));
}

#[test]
fn changes_are_marked_under_their_cell_and_first_starts_are_not() {
    let r = incident();
    let lines = sparklines(&r, 200, false);
    let marker = lines.iter().find(|l| l.starts_with("changes")).unwrap();
    // The cells start after the label column (the longest label) and two spaces.
    let cells_at = "client-secret-expired".len() + 2;
    // The rollout was in hour 40 (2026-11-19 14:00); one '^', none for the start.
    let marks: Vec<usize> = marker.match_indices('^').map(|(i, _)| i).collect();
    assert_eq!(marks, vec![cells_at + 40], "{marker:?}");
    assert!(
        lines
            .last()
            .unwrap()
            .contains("^ rollout 2026-11-19 14:05 UTC"),
        "{lines:#?}"
    );
    // At 40 columns, three hours a cell: under cell 13 (hours 39 to 41), after a label
    // column of 40 / 3 = 13.
    let narrow = sparklines(&r, 40, false);
    let marker = narrow.iter().find(|l| l.starts_with("changes")).unwrap();
    assert!(narrow[0].starts_with("Per 3 h"), "{narrow:#?}");
    assert_eq!(marker.chars().position(|c| c == '^'), Some(13 + 2 + 13));
    // A change outside the hours, or a start only: no marker row.
    let mut quiet = incident();
    quiet.changes.remove(1);
    quiet
        .changes
        .push(change("2026-12-01T00:00:00.000Z", ChangeKind::Restart, "p"));
    let lines = sparklines(&quiet, 80, false);
    assert!(!lines.iter().any(|l| l.contains('^')), "{lines:#?}");
}

#[test]
fn no_hours_no_rows_and_colour_only_when_asked() {
    assert!(sparklines(&report(Vec::new(), Vec::new()), 80, true).is_empty());
    assert!(svg(&report(Vec::new(), Vec::new())).is_empty());
    let r = incident();
    assert!(!sparklines(&r, 80, false).concat().contains('\x1b'));
    let colored = sparklines(&r, 80, true);
    assert!(colored[0].starts_with("\x1b[1m"), "{colored:#?}");
}

#[test]
fn svg_is_inert_and_escapes_every_text() {
    let mut r = incident();
    r.changes.push(change(
        "2026-11-19T20:00:00.000Z",
        ChangeKind::Restart,
        "<script>alert(1)</script>\"&'",
    ));
    let s = svg(&r);
    assert!(
        s.starts_with("<svg ") && s.trim_end().ends_with("</svg>"),
        "{s}"
    );
    let lower = s.to_lowercase();
    for banned in [
        "<script",
        "href",
        "<foreignobject",
        "url(",
        "javascript:",
        " on",
    ] {
        assert!(!lower.contains(banned), "{banned} in {s}");
    }
    assert!(
        s.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;"),
        "{s}"
    );
    assert!(s.contains("viewBox=\"0 0 800 330\""));
    // A bar per hour (61 hours fit in 96 bars), one rect a non-zero series in it.
    let bars = r
        .hours
        .iter()
        .map(|h| usize::from(h.succeeded > 0) + h.failed.len())
        .sum::<usize>();
    let legend = 3;
    assert_eq!(s.matches("<rect ").count(), bars + legend);
    // Both changes dashed and labelled, the first start not.
    assert_eq!(s.matches("stroke-dasharray").count(), 2);
    assert!(s.contains(">rollout</text>") && s.contains(">restart</text>"));
    assert!(!s.contains(">start</text>"));
    assert!(
        s.contains(">client-secret-expired (39)</text>"),
        "legend: {s}"
    );
    // Dates under the axis.
    assert!(s.contains(">11-17 22:00</text>"), "{s}");
    // Every tag is closed: as many opened as closed, bar self-closing ones.
    for tag in ["text", "title", "svg"] {
        assert_eq!(
            s.matches(&format!("<{tag}")).count(),
            s.matches(&format!("</{tag}>")).count(),
            "{tag}"
        );
    }
}

#[test]
fn html_report_holds_the_chart_and_no_input_as_markup() {
    let mut r = incident();
    r.changes.push(change(
        "2026-11-19T20:00:00.000Z",
        ChangeKind::Restart,
        "<script>x</script>\"&",
    ));
    let mut out = Vec::new();
    crate::report::html::render(&r, &mut out).unwrap();
    let html = String::from_utf8(out).unwrap();
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    let timeline = html.find("<h2>Timeline</h2>").expect("a Timeline section");
    let chart = html.find("<svg ").expect("the chart");
    let findings_or_end = html
        .find("<h2>Timeline of login flows")
        .unwrap_or(html.len());
    assert!(timeline < chart && chart < findings_or_end);
    assert!(html.contains("&lt;script&gt;x&lt;/script&gt;&quot;&amp;"));
    let mut md = Vec::new();
    crate::report::markdown::render(&r, &mut md).unwrap();
    let md = String::from_utf8(md).unwrap();
    assert!(md.contains("## Timeline\n\nFrom 2026-11-17 22:00 to 2026-11-20 11:00 UTC (61 hour(s)): 60 login(s) worked, 40 failure(s).\n"), "{md}");
    assert!(
        md.contains("| 2026-11-19 | 24 | `client-secret-expired` 39 |"),
        "{md}"
    );
    assert!(md.contains("pods after: `<script>x</script>\"&`"), "{md}");
    assert!(!md.contains("<svg"));
}
