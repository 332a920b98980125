use super::*;

fn s(v: &str) -> Value {
    Value::Str(v.into())
}

fn one(src: &str) -> Value {
    let doc = parse_document(src);
    assert!(doc.unread.is_empty(), "{src:?}: {:?}", doc.unread);
    assert_eq!(doc.assignments.len(), 1, "{src:?}");
    doc.assignments[0].value.clone()
}

fn unread(src: &str) -> Unread {
    let doc = parse_document(src);
    assert!(doc.assignments.is_empty(), "{src:?}: {:?}", doc.assignments);
    assert_eq!(doc.unread.len(), 1, "{src:?}: {:?}", doc.unread);
    doc.unread[0].clone()
}

#[test]
fn strings_in_every_quoting() {
    assert_eq!(one("A = 'x'"), s("x"));
    assert_eq!(one("A = \"x\"\n"), s("x"));
    assert_eq!(one("A = '''x\ny'''\n"), s("x\ny"));
    assert_eq!(one("A = \"\"\"it's \"q\" \"\"\"\n"), s("it's \"q\" "));
    assert_eq!(one("A = r'a\\b'\n"), s("a\\b"));
    assert_eq!(one("A = R\"a\\\"b\"\n"), s("a\\\"b"));
    assert_eq!(one("A = u'x'"), s("x"));
    assert_eq!(one("A = b'x'"), s("x"));
    assert_eq!(one("A = 'a\\tb\\n\\x41\\u00e9\\'\\\\'"), s("a\tb\nAé'\\"));
    assert_eq!(
        one("A = 'a\\qb'"),
        s("a\\qb"),
        "unknown escapes keep the backslash"
    );
    assert_eq!(
        one("A = 'x' \"y\"  'z'"),
        s("xyz"),
        "implicit concatenation"
    );
    assert_eq!(one("A = 'x' + 'y' + \"z\""), s("xyz"));
    assert_eq!(
        one("A = ('https://'\n     'netbox.example.com')\n"),
        s("https://netbox.example.com")
    );
    assert_eq!(one("A = 'x' \\\n    'y'\n"), s("xy"), "line continuation");
    assert_eq!(one("A = 'héllo'  # comment 'quoted'\n"), s("héllo"));
    assert_eq!(one("A = 'a#b'"), s("a#b"));
}

#[test]
fn scalars() {
    assert_eq!(one("A = 42"), Value::Num("42".into()));
    assert_eq!(one("A = -1.5e3"), Value::Num("-1.5e3".into()));
    assert_eq!(one("A = 1_000"), Value::Num("1_000".into()));
    assert_eq!(one("A = 0x1F"), Value::Num("0x1F".into()));
    assert_eq!(one("A = True"), Value::Bool(true));
    assert_eq!(one("A = False\r\n"), Value::Bool(false));
    assert_eq!(one("A = None"), Value::None);
}

#[test]
fn containers() {
    assert_eq!(one("A = []"), Value::List(vec![]));
    assert_eq!(
        one("A = [\n  'a',  # first\n  'b',\n]\n"),
        Value::List(vec![s("a"), s("b")])
    );
    assert_eq!(one("A = ('a',)"), Value::Tuple(vec![s("a")]));
    assert_eq!(one("A = ('a')"), s("a"));
    assert_eq!(one("A = ()"), Value::Tuple(vec![]));
    assert_eq!(
        one("A = 'HTTP_X_FORWARDED_PROTO', 'https'"),
        Value::Tuple(vec![s("HTTP_X_FORWARDED_PROTO"), s("https")])
    );
    assert_eq!(
        one("A = {'k': [1, {'n': None}], \"j\": True,}"),
        Value::Dict(vec![
            (
                s("k"),
                Value::List(vec![
                    Value::Num("1".into()),
                    Value::Dict(vec![(s("n"), Value::None)])
                ])
            ),
            (s("j"), Value::Bool(true)),
        ])
    );
    assert_eq!(one("A = {}"), Value::Dict(vec![]));
}

#[test]
fn lines_and_names_are_kept() {
    let doc = parse_document(
        "\u{feff}# NetBox overrides\n\nREMOTE_AUTH_BACKEND = 'x'\nB = [\n 1,\n 2]\nC='''\n\n'''\nD = 1\n",
    );
    let got: Vec<(&str, usize)> = doc
        .assignments
        .iter()
        .map(|a| (a.name.as_str(), a.line))
        .collect();
    assert_eq!(
        got,
        [("REMOTE_AUTH_BACKEND", 3), ("B", 4), ("C", 7), ("D", 10)]
    );
    assert_eq!(doc.lines, 10);
    assert!(doc.unread.is_empty());
}

#[test]
fn statements_outside_the_subset_are_skipped_with_a_reason() {
    assert_eq!(unread("import os\n").reason, "import");
    assert_eq!(unread("from x import y\n").reason, "import");
    let u = unread(
        "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET = os.environ.get('AZ_SECRET', 'abc1Q~fallbackvalue')\n",
    );
    assert_eq!(u.reason, "environment lookup");
    assert_eq!(u.name.as_deref(), Some("SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET"));
    assert!(!u.shape.contains("abc1Q"), "{}", u.shape);
    assert!(!u.shape.contains("AZ_SECRET"), "{}", u.shape);
    assert_eq!(
        u.shape,
        "SOCIAL_AUTH_AZUREAD_OAUTH2_SECRET = os.environ.get('…', '…')"
    );
    assert_eq!(unread("A = f'https://{HOST}/'\n").reason, "f-string");
    assert_eq!(unread("A = str(1)\n").reason, "function call");
    assert_eq!(unread("A = 'x'.lower()\n").reason, "function call");
    assert_eq!(unread("A += ['x']\n").reason, "augmented assignment");
    assert_eq!(unread("A = B\n").reason, "reference to another name");
    assert_eq!(unread("A: str = 'x'\n").reason, "annotated assignment");
    assert_eq!(
        unread("A = 1 if B else 2\n").reason,
        "syntax the reader does not know"
    );
    assert_eq!(
        unread("A = 'x' % 3\n").reason,
        "syntax the reader does not know"
    );
    assert_eq!(
        unread("A = 'x' + 1\n").reason,
        "syntax the reader does not know"
    );
    assert_eq!(
        unread("A = {'a', 'b'}\n").reason,
        "syntax the reader does not know"
    );
}

#[test]
fn a_skipped_statement_spans_its_brackets_and_the_rest_is_read() {
    let doc = parse_document("if DEBUG:\n    A = 1\nB = dict(\n  x='1',\n  y=2,\n)\nC = 'c'\n");
    assert_eq!(doc.assignments.len(), 1);
    assert_eq!(doc.assignments[0].name, "C");
    assert_eq!(doc.assignments[0].line, 7);
    let reasons: Vec<(usize, usize, &str)> = doc
        .unread
        .iter()
        .map(|u| (u.line, u.lines, u.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            (1, 1, "block statement"),
            (
                2,
                1,
                "indented line (inside a block the reader does not run)"
            ),
            (3, 4, "function call"),
        ]
    );
}

#[test]
fn unterminated_things_cost_one_line_only() {
    let doc = parse_document("A = ['x',\nB = 'ok'\nC = 'open\nD = '''never closed\nE = 1\n");
    let names: Vec<&str> = doc.assignments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["B", "E"]);
    let lines: Vec<usize> = doc.unread.iter().map(|u| u.line).collect();
    assert_eq!(lines, [1, 3, 4]);
}

#[test]
fn hostile_input_never_panics() {
    let deep = format!(
        "A = {}1{}\nB = 2\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let doc = parse_document(&deep);
    assert_eq!(doc.unread.len(), 1);
    assert_eq!(doc.assignments.len(), 1);
    let nesting_ok = format!("A = {}1{}\n", "[".repeat(20), "]".repeat(20));
    assert_eq!(parse_document(&nesting_ok).assignments.len(), 1);
    for text in [
        "",
        "\n\n\n",
        "=",
        "A =",
        "A = '",
        "A = '\\",
        "A = r'\\",
        "A = '''",
        "\\",
        "A = 'x\\\n",
        "é = 1",
        "A = 'é",
        "A = ('é'",
        "\u{0}\u{1}\u{2}",
        "A = \"\\U0011ffff\"",
        "A = '\\777'",
        "   \t  ",
        "A = 1;B = 2",
        "\r\r\r",
        "[[[[[[",
        "'''",
        "A = [\n#",
    ] {
        let _ = parse_document(text);
    }
    // Every prefix and every byte position of a realistic file.
    let sample = "REMOTE_AUTH_BACKEND = 'social_core.backends.azuread.AzureADOAuth2'\nSOCIAL_AUTH_AZUREAD_OAUTH2_KEY = \"0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d\"  # id\nX = {'a': ('b', [1, 2.5, None]),\n     \"c\": '''d\n'''}\nimport os\nY = os.environ.get('Y')\n";
    for n in 0..=sample.len() {
        if sample.is_char_boundary(n) {
            let _ = parse_document(&sample[..n]);
            let _ = parse_document(&sample[n..]);
        }
    }
}

#[test]
fn value_helpers() {
    let v = one("A = ['a', ('b', {'c': 'd'}), 1]");
    assert_eq!(v.strings(), ["a", "b", "c", "d"]);
    assert_eq!(v.items().len(), 3);
    assert_eq!(s("x").items(), [&s("x")]);
    assert_eq!(s("x").as_str(), Some("x"));
    assert_eq!(Value::None.as_str(), None);
}
