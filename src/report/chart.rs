//! The report's hours drawn (issue 19): logins that worked and failures by symptom, from the
//! first hour of the log to the last, with the rollouts and restarts marked. [`sparklines`]
//! for the terminal (the compact view and `-v`), [`svg`] for the HTML report (inline: no
//! script, no link, no external resource). The Markdown report tells the same in a table
//! (`markdown::timeline_head`, `markdown::timeline_body`), on the [`span`] said here.
//!
//! Several hours make one cell (one bar) when the log is long: [`hours_per_cell`] picks a
//! round number of hours so the cells fit. Symptoms are our keys, but every text drawn is
//! treated as input: cut for the terminal, escaped for the SVG.

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use super::brief::{bold, cut, wrap};
use super::html::escape;
use super::timeline::{Change, ChangeKind, Hour, hour_of};
use super::{Report, Style};

/// The eight blocks, lowest first.
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Most symptom rows drawn; the others are summed in one "+N more" row.
pub const MAX_SYMPTOM_ROWS: usize = 5;

/// The label of the row of logins that worked.
pub const WORKED: &str = "worked";

/// Label of the terminal's row of changes.
const CHANGES: &str = "changes";

/// Most changes named under the terminal's marker row.
const MAX_CHANGES_NAMED: usize = 3;

/// Hours a cell can hold: hours that divide a day, then days, then weeks.
const STEPS: [usize; 14] = [1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 96, 120, 144, 168];

/// Bars the SVG draws at most.
const SVG_BARS: usize = 96;

/// One row of the chart: a label and a count per hour of [`Report::hours`].
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// [`WORKED`], a symptom's key, or "+N more".
    pub label: String,
    /// The count in each hour.
    pub per_hour: Vec<u64>,
}

impl Series {
    /// Its count over the whole log.
    pub fn total(&self) -> u64 {
        self.per_hour.iter().sum()
    }
}

/// The rows: logins that worked, then each failing symptom, most failures first (ties by
/// key), at most [`MAX_SYMPTOM_ROWS`]; the other symptoms summed in one "+N more" row, so
/// the rows add up to every count of the hours.
pub fn series(hours: &[Hour]) -> Vec<Series> {
    let mut rows = vec![Series {
        label: WORKED.into(),
        per_hour: hours.iter().map(|h| h.succeeded).collect(),
    }];
    let mut symptoms: Vec<_> = hours
        .iter()
        .flat_map(|h| h.failed.keys().copied())
        .collect();
    symptoms.sort();
    symptoms.dedup();
    let mut failing: Vec<Series> = symptoms
        .into_iter()
        .map(|s| Series {
            label: s.key().into(),
            per_hour: hours
                .iter()
                .map(|h| h.failed.get(&s).copied().unwrap_or(0))
                .collect(),
        })
        .filter(|s| s.total() > 0)
        .collect();
    // Stable: equal totals keep the keys' order.
    failing.sort_by_key(|s| std::cmp::Reverse(s.total()));
    if failing.len() > MAX_SYMPTOM_ROWS {
        let rest = failing.split_off(MAX_SYMPTOM_ROWS);
        let mut more = Series {
            label: format!("+{} more", rest.len()),
            per_hour: vec![0; hours.len()],
        };
        for s in &rest {
            for (sum, n) in more.per_hour.iter_mut().zip(&s.per_hour) {
                *sum += n;
            }
        }
        failing.push(more);
    }
    rows.extend(failing);
    rows
}

/// Hours one cell holds so that `hours` hours fit in `cells` cells: the smallest of 1, 2,
/// 3, 4, 6, 8, 12 hours, 1 to 7 days, or whole weeks that does.
pub fn hours_per_cell(hours: usize, cells: usize) -> usize {
    let need = hours.div_ceil(cells.max(1)).max(1);
    STEPS
        .iter()
        .copied()
        .find(|&s| s >= need)
        .unwrap_or_else(|| need.div_ceil(168) * 168)
}

/// `values` summed `per` at a time (the last cell may hold fewer).
pub fn bucket(values: &[u64], per: usize) -> Vec<u64> {
    values.chunks(per.max(1)).map(|c| c.iter().sum()).collect()
}

/// The block for `value` in a row whose largest cell holds `max`: a space for none, the
/// lowest block for any at all, the full block for the largest.
pub fn block(value: u64, max: u64) -> char {
    if value == 0 || max == 0 {
        return ' ';
    }
    let level = (u128::from(value) * 8)
        .div_ceil(u128::from(max))
        .clamp(1, 8);
    BLOCKS[level as usize - 1]
}

/// `per` hours in words: "hour", "3 h", "day", "2 days".
fn per_words(per: usize) -> String {
    match per {
        1 => "hour".into(),
        24 => "day".into(),
        p if p % 24 == 0 => format!("{} days", p / 24),
        p => format!("{p} h"),
    }
}

/// An hour of [`Report::hours`] parsed.
fn parse(t: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The first hour's start and the last hour's end, as "2026-11-17 22:00" (UTC); `None`
/// without hours.
pub fn bounds(report: &Report) -> Option<(String, String)> {
    let first = parse(&report.hours.first()?.hour)?;
    let last = parse(&report.hours.last()?.hour)? + chrono::Duration::hours(1);
    let fmt = "%Y-%m-%d %H:%M";
    Some((first.format(fmt).to_string(), last.format(fmt).to_string()))
}

/// What the chart covers, drawn `per` hours a cell: "Per 3 h, logins that worked and
/// failure events, 2026-11-17 22:00 – 2026-11-21 10:00 UTC"; `None` without hours. Failures
/// are events of the root causes (one failed login may log several), not logins.
pub fn span(report: &Report, per: usize) -> Option<String> {
    let (first, last) = bounds(report)?;
    Some(format!(
        "Per {}, logins that worked and failure events, {first} – {last} UTC",
        per_words(per)
    ))
}

/// The rollouts and restarts within the hours: each with its hour's index from the first
/// hour, its kind and its time. A first start is not a change to mark.
pub fn marked_changes(report: &Report) -> Vec<(usize, &Change, DateTime<Utc>)> {
    let Some(first) = report.hours.first().and_then(|h| parse(&h.hour)) else {
        return Vec::new();
    };
    let first = hour_of(first);
    report
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Start)
        .filter_map(|c| {
            let at = parse(c.at.as_deref()?)?;
            let index = usize::try_from(hour_of(at) - first).ok()?;
            (index < report.hours.len()).then_some((index, c, at))
        })
        .collect()
}

/// The terminal rows: a header (the span and the hours a cell holds), a row for the logins
/// that worked and one per failing symptom (`label  ▁▂▃▅▇ total`, each row scaled to its
/// own largest cell), then a row with `^` under the cells of rollouts and restarts and the
/// changes named. Every line within `width` columns (colour aside); none without hours.
pub fn sparklines(report: &Report, width: usize, color: bool) -> Vec<String> {
    let hours = &report.hours;
    if hours.is_empty() {
        return Vec::new();
    }
    let style = Style {
        color,
        width: None,
        details: false,
        local_time: false,
    };
    let rows = series(hours);
    let marks = marked_changes(report);
    let totals: Vec<String> = rows.iter().map(|s| s.total().to_string()).collect();
    let total_w = totals.iter().map(String::len).max().unwrap_or(1);
    let longest = rows
        .iter()
        .map(|s| s.label.width())
        .chain((!marks.is_empty()).then_some(CHANGES.len()))
        .max()
        .unwrap_or(1);
    let label_w = longest.min(width / 3).max(1);
    // "label  cells total"
    let cells = width.saturating_sub(label_w + 2 + 1 + total_w).max(1);
    let per = hours_per_cell(hours.len(), cells);
    let mut lines: Vec<String> = span(report, per)
        .map(|s| wrap(&s, width, "", "  "))
        .unwrap_or_default()
        .into_iter()
        .map(|l| bold(&l, style))
        .collect();
    for (s, total) in rows.iter().zip(&totals) {
        let cells = bucket(&s.per_hour, per);
        let max = cells.iter().copied().max().unwrap_or(0);
        let bar: String = cells.iter().map(|&v| block(v, max)).collect();
        lines.push(format!(
            "{}  {bar} {total:>total_w$}",
            pad(&cut(&s.label, label_w), label_w)
        ));
    }
    if !marks.is_empty() {
        let mut row = vec![' '; hours.len().div_ceil(per)];
        for (index, _, _) in &marks {
            row[index / per] = '^';
        }
        let row: String = row.into_iter().collect();
        lines.push(format!(
            "{}  {}",
            pad(&cut(CHANGES, label_w), label_w),
            bold(row.trim_end(), style)
        ));
        let mut named: Vec<String> = marks
            .iter()
            .take(MAX_CHANGES_NAMED)
            .map(|(_, c, at)| format!("{} {}", c.kind.noun(), at.format("%Y-%m-%d %H:%M")))
            .collect();
        if marks.len() > MAX_CHANGES_NAMED {
            named.push(format!("+{} more", marks.len() - MAX_CHANGES_NAMED));
        }
        let text = format!("^ {} UTC", named.join("; "));
        lines.extend(wrap(&text, width, "", "  "));
    }
    lines
}

/// `text` padded with spaces to `width` columns.
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// Fill colours: logins that worked, then the failing rows in turn.
const COLORS: [&str; 7] = [
    "#2e7d32", "#c62828", "#ef6c00", "#6a1b9a", "#ad1457", "#4e342e", "#546e7a",
];

/// The SVG's size and the plot's box in it.
const VIEW_W: f64 = 800.0;
const VIEW_H: f64 = 330.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 784.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 248.0;

/// A number for an SVG attribute: at most one decimal.
fn num(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0")
        .map_or_else(|| s.clone(), str::to_string)
}

/// The hours as an inline SVG bar chart: a stacked bar per cell (logins that worked at the
/// bottom, the failures by symptom above), the span as a title, the largest bar's count,
/// dates under the axis, a dashed line at each rollout and restart labelled with its kind,
/// and a legend. A fixed viewBox; no script, no link, no external resource; every text
/// escaped. Empty without hours.
pub fn svg(report: &Report) -> String {
    let hours = &report.hours;
    let Some(first) = hours.first().and_then(|h| parse(&h.hour)) else {
        return String::new();
    };
    let rows = series(hours);
    let per = hours_per_cell(hours.len(), SVG_BARS);
    let cells: Vec<Vec<u64>> = rows.iter().map(|s| bucket(&s.per_hour, per)).collect();
    let n = cells[0].len();
    let stack: Vec<u64> = (0..n).map(|i| cells.iter().map(|c| c[i]).sum()).collect();
    let max = stack.iter().copied().max().unwrap_or(0).max(1);
    let (plot_w, plot_h) = (RIGHT - LEFT, BOTTOM - TOP);
    let bar_w = plot_w / n as f64;
    let gap = (bar_w * 0.15).min(2.0);
    let y = |v: u64| BOTTOM - v as f64 / max as f64 * plot_h;
    let title = span(report, per).unwrap_or_default();
    let mut s = format!(
        "<svg class=\"timeline\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-label=\"{}\" font-family=\"system-ui,sans-serif\" font-size=\"11\">\n",
        num(VIEW_W),
        num(VIEW_H),
        escape(&title)
    );
    s.push_str(&format!(
        "<text x=\"{}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{}</text>\n",
        num(LEFT),
        escape(&title)
    ));
    // The axes, the largest bar's count and a light line at its height.
    s.push_str(&format!(
        "<line x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#333\"/>\n<line x1=\"{l}\" y1=\"{t}\" x2=\"{r}\" y2=\"{t}\" stroke=\"#ddd\"/>\n<text x=\"{x}\" y=\"{by}\" text-anchor=\"end\">0</text>\n<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\">{max}</text>\n",
        l = num(LEFT),
        r = num(RIGHT),
        b = num(BOTTOM),
        t = num(TOP),
        x = num(LEFT - 6.0),
        by = num(BOTTOM + 4.0),
        ty = num(TOP + 4.0),
    ));
    let cell_start = |i: usize| first + chrono::Duration::hours((i * per) as i64);
    let when_fmt = if per >= 24 { "%Y-%m-%d" } else { "%m-%d %H:%M" };
    for i in 0..n {
        let mut below = 0;
        let x = LEFT + i as f64 * bar_w + gap;
        let when = cell_start(i).format("%Y-%m-%d %H:%M");
        for (r, (row, values)) in rows.iter().zip(&cells).enumerate() {
            let v = values[i];
            if v == 0 {
                continue;
            }
            let (top, bottom) = (y(below + v), y(below));
            s.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} UTC, {}: {v}</title></rect>\n",
                num(x),
                num(top),
                num((bar_w - 2.0 * gap).max(0.5)),
                num(bottom - top),
                COLORS[r.min(COLORS.len() - 1)],
                escape(&when.to_string()),
                escape(&row.label)
            ));
            below += v;
        }
    }
    // Dates under the axis: six at most, at cell starts.
    let step = n.div_ceil(6).max(1);
    for i in (0..n).step_by(step) {
        s.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{b}\" x2=\"{x}\" y2=\"{t}\" stroke=\"#333\"/>\n<text x=\"{x}\" y=\"{ty}\" text-anchor=\"middle\">{}</text>\n",
            escape(&cell_start(i).format(when_fmt).to_string()),
            x = num(LEFT + i as f64 * bar_w),
            b = num(BOTTOM),
            t = num(BOTTOM + 4.0),
            ty = num(BOTTOM + 17.0),
        ));
    }
    // The changes, where they happened within their hour.
    let span_secs = (n * per * 3600) as f64;
    for (_, change, at) in marked_changes(report) {
        let x = LEFT + (at - first).num_seconds() as f64 / span_secs * plot_w;
        let kind = change.kind;
        let pods: Vec<&str> = change.pods_after.iter().map(|p| p.as_str()).collect();
        let pods = if pods.is_empty() {
            String::new()
        } else {
            format!(", pods after: {}", pods.join(", "))
        };
        s.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{t}\" x2=\"{x}\" y2=\"{b}\" stroke=\"#444\" stroke-dasharray=\"4 3\"><title>{} {} UTC{}</title></line>\n<text x=\"{x}\" y=\"{ty}\" text-anchor=\"middle\" font-size=\"10\">{}</text>\n",
            escape(kind.noun()),
            escape(&at.format("%Y-%m-%d %H:%M:%S").to_string()),
            escape(&pods),
            escape(kind.noun()),
            x = num(x),
            t = num(TOP - 6.0),
            b = num(BOTTOM),
            ty = num(TOP - 10.0),
        ));
    }
    // The legend, in rows across the foot.
    let (mut lx, mut ly) = (LEFT, BOTTOM + 44.0);
    for (r, row) in rows.iter().enumerate() {
        let text = format!("{} ({})", row.label, row.total());
        let w = 16.0 + text.chars().count() as f64 * 6.5 + 18.0;
        if lx + w > VIEW_W && lx > LEFT {
            (lx, ly) = (LEFT, ly + 18.0);
        }
        s.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
            num(lx),
            num(ly - 9.0),
            COLORS[r.min(COLORS.len() - 1)],
            num(lx + 14.0),
            num(ly),
            escape(&text)
        ));
        lx += w;
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
#[path = "chart_tests.rs"]
mod tests;
