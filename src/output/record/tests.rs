use super::*;

#[test]
fn quote_ids_ignore_case_marks_and_spacing() {
    let id = quote_id("We will not give up the region.", false);
    assert!(id.is_some());
    for same in [
        "“We will NOT give up   the region”",
        "\"we will not give up the region\"",
    ] {
        assert_eq!(quote_id(same, false), id, "{same}");
    }
    assert_ne!(quote_id("We will give up the region.", false), id);
    // a mixed content: its quoted words only
    assert_eq!(
        quote_id(
            "that the country “will not give up the region,” he said",
            true
        ),
        quote_id("will not give up the region", false)
    );
    assert_eq!(quote_id("…", false), None);
}

#[test]
fn the_schema_knows_every_error_kind() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/record.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let kinds = &schema["properties"]["error"]["oneOf"][1]["properties"]["kind"]["enum"];
    let want: Vec<Value> = ErrorKind::ALL
        .iter()
        .map(|k| serde_json::to_value(k).unwrap())
        .collect();
    assert_eq!(kinds.as_array().unwrap(), &want);
    for k in ErrorKind::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
    }
}

#[test]
fn a_pronoun_alone_names_no_one() {
    for (text, pronoun) in [
        ("he", true),
        (" They ", true),
        ("which", true),
        ("who", true),
        ("the company", false),
        ("Vindman", false),
    ] {
        assert_eq!(super::build::is_pronoun(text), pronoun, "{text:?}");
    }
}
