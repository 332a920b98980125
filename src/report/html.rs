//! The HTML incident report (`-o html`): the Markdown report rendered to one self-contained
//! HTML file (inline style, no scripts, no external resources) to attach to a ticket.

use std::io::Write;

use pulldown_cmark::{Options, Parser, html};

use crate::error::Result;
use crate::report::{Report, markdown};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}\
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}\
pre{background:#f4f4f4;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}\
code{background:#f4f4f4;padding:0 .2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}";

/// Writes the incident report as one HTML document.
pub fn render(report: &Report, out: &mut dyn Write) -> Result<()> {
    let mut md = Vec::new();
    markdown::render(report, &mut md)?;
    page(&String::from_utf8_lossy(&md), "SSO incident report", out)
}

/// `md` (Markdown of ours, input in code spans) as one self-contained HTML page titled
/// `title`: the one place Markdown becomes HTML, for the report and `check-config`.
pub(crate) fn page(md: &str, title: &str, out: &mut dyn Write) -> Result<()> {
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
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )?;
    Ok(())
}
