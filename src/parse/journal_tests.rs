use super::*;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn short_and_precise_prefixes_have_no_time() {
    let p = prefix(b"May 02 10:11:12 netbox-vm netbox[2211]: ERROR Token request failed").unwrap();
    assert_eq!(text(p.key), "netbox-vm netbox[2211]");
    assert_eq!(p.time, None);
    assert_eq!(p.body, b"ERROR Token request failed");
    let p = prefix(b"May  2 10:11:12.123456 netbox-vm netbox[2211]:     indented").unwrap();
    assert_eq!(p.body, b"    indented");
    let p = prefix(b"Jan 25 15:27:15 hub-vm kernel: oops").unwrap();
    assert_eq!(text(p.key), "hub-vm kernel");
}

#[test]
fn dated_prefixes_keep_their_time() {
    let p = prefix(b"Thu 2024-05-02 10:11:12 UTC netbox-vm netbox[2211]: x").unwrap();
    assert_eq!(p.time, Some(&b"2024-05-02 10:11:12"[..]));
    let p = prefix(b"Thu 2024-05-02 12:11:12 CEST netbox-vm netbox[2211]: x").unwrap();
    assert_eq!(p.time, None, "a named zone other than UTC is not guessed");
    let p = prefix(b"1714644672.123456 netbox-vm netbox[2211]: x").unwrap();
    assert_eq!(p.time, Some(&b"1714644672.123456"[..]));
    let (key, body) = after_time(b"netbox-vm netbox[2211]: x", true).unwrap();
    assert_eq!(
        (text(key).as_str(), body),
        ("netbox-vm netbox[2211]", &b"x"[..])
    );
}

#[test]
fn lookalikes_are_not_journal_lines() {
    for line in [
        &b"May 02 10:11:12"[..],
        b"May 02 10:11:12 host",
        b"Mayday 02 10:11:12 host p[1]: x",
        b"ERROR social: x",
        b"2024-05-02 10:11:12,123 ERROR x",
        b"Thu 2024-05-02 10:11:12 UTC",
    ] {
        assert_eq!(prefix(line), None, "{}", text(line));
    }
    // After a kubectl time only with a process id: `ERROR social: x` is a message.
    assert_eq!(after_time(b"ERROR social: x", true), None);
    assert_eq!(after_time(b"host a b: x", false), None);
}
