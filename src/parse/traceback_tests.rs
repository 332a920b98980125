use super::*;

fn run(lines: &[&str]) -> (Traceback, usize) {
    let mut tb = Traceback::open(lines[0].as_bytes());
    let mut taken = 1;
    for line in &lines[1..] {
        if !tb.offer(line.as_bytes()) {
            break;
        }
        taken += 1;
    }
    (tb, taken)
}

#[test]
fn single_traceback_ends_at_exception_line() {
    let (tb, taken) = run(&[
        "Traceback (most recent call last):",
        "  File \"/opt/netbox/venv/lib/python3.12/site-packages/social_core/utils.py\", line 256, in wrapper",
        "    return func(*args, **kwargs)",
        "social_core.exceptions.AuthStateMissing: Session value state missing.",
        "10.42.0.1 - - [20/Nov/2026:09:14:02 +0000] \"GET / HTTP/1.1\" 200",
    ]);
    assert_eq!(taken, 4);
    assert!(tb.text.ends_with(b"Session value state missing."));
    assert_eq!(tb.lines, 4);
}

#[test]
fn chained_blocks_join() {
    let (tb, taken) = run(&[
        "Traceback (most recent call last):",
        "  File \"x.py\", line 1, in f",
        "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://login.microsoftonline.com/common/oauth2/token",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
        "  File \"y.py\", line 2, in g",
        "social_core.exceptions.AuthForbidden: Your credentials aren't allowed",
        "",
        "INFO next line",
    ]);
    assert_eq!(taken, 10);
    assert_eq!(tb.lines, 9);
    assert_eq!(tb.trailing_blank(), 1);
    let text = String::from_utf8(tb.text).unwrap();
    assert!(text.contains("HTTPError: 401"));
    assert!(text.ends_with("Your credentials aren't allowed"));
}

#[test]
fn during_handling_chain() {
    let (tb, _) = run(&[
        "Traceback (most recent call last):",
        "  File \"a.py\", line 1, in f",
        "KeyError: 'state'",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        "  File \"b.py\", line 2, in g",
        "social_core.exceptions.AuthMissingParameter: Missing needed parameter state",
    ]);
    assert!(tb.text.ends_with(b"Missing needed parameter state"));
    assert_eq!(tb.lines, 9);
}

#[test]
fn bounded() {
    let mut tb = Traceback::open(TRACEBACK_START);
    let mut n = 1;
    while tb.offer(b"  File \"x\"") {
        n += 1;
        assert!(n <= MAX_LINES);
    }
    assert_eq!(n, MAX_LINES);
}
