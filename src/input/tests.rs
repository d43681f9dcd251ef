use super::*;

#[test]
fn lines_table() {
    // (line, expected: Ok(id) or Err(error kind))
    let table: &[(&str, Result<&str, &str>)] = &[
        (r#"{"id": "a", "text": "Hello."}"#, Ok("a")),
        (r#"{"id": 7, "text": ""}"#, Ok("7")),
        (
            r#"{"id": "a", "text": "x", "title": "T", "extra": 1}"#,
            Ok("a"),
        ),
        ("not json", Err("invalid_json")),
        ("[1, 2]", Err("not_an_object")),
        (r#"{"text": "x"}"#, Err("missing_id")),
        (r#"{"id": null, "text": "x"}"#, Err("missing_id")),
        (r#"{"id": [1], "text": "x"}"#, Err("invalid_id")),
        (r#"{"id": "a"}"#, Err("missing_text")),
        (r#"{"id": "a", "text": null}"#, Err("missing_text")),
        (r#"{"id": "a", "text": 5}"#, Err("invalid_text")),
        ("{\"id\": \"a\", \"text\": \"\u{0}\"", Err("invalid_json")),
        ("\u{feff}{\"id\": \"bom\", \"text\": \"x\"}", Ok("bom")),
        ("{\"id\": \"crlf\", \"text\": \"x\"}\r\n", Ok("crlf")),
        (r#"{"id": "nul", "text": "a\u0000b\u0007"}"#, Ok("nul")),
        (
            "{\"id\": \"raw\", \"text\": \"a\u{1}b\"}",
            Err("invalid_json"),
        ),
    ];
    for (line, want) in table {
        let got = match parse_line(line.as_bytes(), 1, &Fields::default()) {
            Input::Article(a) => Ok(a.id),
            Input::Bad { error, .. } => Err(error.kind.as_str()),
        };
        assert_eq!(got.as_deref().map_err(|e| *e), *want, "{line}");
    }
}

#[test]
fn forms_and_page_ids_by_name() {
    let table: &[(&str, Form, &str)] = &[
        ("a/story.html", Form::Page, "story"),
        ("story.HTM.gz", Form::Page, "story"),
        ("crawl.warc.gz", Form::Warc, "crawl.warc"),
        ("note.txt", Form::Text, "note.txt"),
        ("notes.txt.gz", Form::Jsonl, "notes.txt"),
        ("corpus.jsonl", Form::Jsonl, "corpus.jsonl"),
    ];
    for (name, form, id) in table {
        let p = std::path::Path::new(name);
        assert_eq!(Form::of(p), *form, "{name}");
        if *form == Form::Page {
            assert_eq!(page_id(p), *id, "{name}");
        }
    }
}

#[test]
fn kept_fields_and_field_names() {
    let f = Fields {
        id: "doc_id".into(),
        text: "body".into(),
    };
    let Input::Article(a) = parse_line(
        br#"{"doc_id": "x", "body": "B", "title": "T", "url": null, "n": 1}"#,
        1,
        &f,
    ) else {
        panic!("not an article")
    };
    assert_eq!((a.id.as_str(), a.text.as_str()), ("x", "B"));
    assert_eq!(serde_json::to_string(&a.meta).unwrap(), r#"{"title":"T"}"#);
}

#[test]
fn invalid_utf8_is_its_own_kind() {
    let Input::Bad { error, .. } = parse_line(
        b"{\"id\": \"a\", \"text\": \"\xff\"}",
        3,
        &Fields::default(),
    ) else {
        panic!()
    };
    assert_eq!((error.kind, error.line), (ErrorKind::InvalidUtf8, Some(3)));
}
