//! The HTML incident report (`-o html`): the Markdown report rendered to one self-contained
//! HTML file (inline style, no scripts, no external resources) to attach to a ticket.

use std::io::Write;

use pulldown_cmark::{Options, Parser, html};

use crate::error::Result;
use crate::report::{Report, chart, markdown};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}\
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}\
pre{background:#f4f4f4;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}\
code{background:#f4f4f4;padding:0 .2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}";

/// Writes the incident report as one HTML document: the Markdown report, with the
/// timeline's chart (an inline SVG, [`chart::svg`]) under the timeline's span.
pub fn render(report: &Report, out: &mut dyn Write) -> Result<()> {
    let (mut head, mut tail) = (Vec::new(), Vec::new());
    markdown::render_head(report, &mut head)?;
    markdown::render_tail(report, &mut tail)?;
    let mut html = body(&String::from_utf8_lossy(&head));
    html.push_str(&chart::svg(report));
    html.push_str(&body(&String::from_utf8_lossy(&tail)));
    document(&html, "SSO incident report", out)
}

/// `text` as HTML text or an attribute's value: `&`, `<`, `>`, `"` and `'` as entities,
/// and control characters as spaces. For the HTML this module writes itself (the chart);
/// the Markdown's HTML is pulldown-cmark's.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `md` (Markdown of ours, input in code spans) as one self-contained HTML page titled
/// `title`: the one place Markdown becomes HTML, for the report and `check-config`.
pub(crate) fn page(md: &str, title: &str, out: &mut dyn Write) -> Result<()> {
    document(&body(md), title, out)
}

/// `md` as HTML.
fn body(md: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_TASKLISTS);
    // Raw HTML stays text, and nothing becomes a link or an image: the Markdown puts input
    // in code spans already, and this holds whatever a future change lets through.
    use pulldown_cmark::{Event, Tag, TagEnd};
    let events = Parser::new_ext(md, options).filter_map(|event| match event {
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        Event::Start(Tag::Link { .. } | Tag::Image { .. })
        | Event::End(TagEnd::Link | TagEnd::Image) => None,
        other => Some(other),
    });
    let mut body = String::new();
    html::push_html(&mut body, events);
    body
}

/// `body` in a page with our style, titled `title` (ours).
fn document(body: &str, title: &str, out: &mut dyn Write) -> Result<()> {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )?;
    Ok(())
}
