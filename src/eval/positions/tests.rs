use super::*;

fn gold(cue: Option<[usize; 2]>, content: [usize; 2], resolved: Option<&str>) -> GoldLine {
    GoldLine {
        page: "p".into(),
        split: "tune".into(),
        sha: None,
        n: Some(1),
        cue,
        content: Some(vec![content]),
        speaker: None,
        resolved: resolved.map(String::from),
        nested_in: None,
        stance: Some(Stance::Oppose),
        stance2: None,
    }
}

#[test]
fn a_match_needs_the_cue_and_half_the_content() {
    let text = "Zelenskyy rejected the offer of a ceasefire. Aides said talks go on.";
    let record = serde_json::json!({
        "id": "p", "text": text,
        "entities": [{"id": "E1", "type": "PER", "name": "Volodymyr Zelenskyy", "mentions": []}],
        "positions": [
            {"id": "P1", "speaker": {"entity": "E1", "name": "Volodymyr Zelenskyy",
              "text": "Zelenskyy", "start": 0, "end": 9},
             "cue": {"text": "rejected", "start": 10, "end": 18},
             "content": {"text": "the offer", "start": 19, "end": 28, "spans": [[19, 28]]},
             "kind": "indirect", "stance": "oppose", "confidence": 0.9},
            {"id": "P2", "speaker": null,
             "cue": {"text": "said", "start": 51, "end": 55},
             "content": {"text": "talks go on", "start": 56, "end": 67, "spans": [[56, 67]]},
             "kind": "indirect", "stance": "support", "confidence": 0.9}
        ]
    });
    let record: Record = serde_json::from_value(record).unwrap();
    let pages = BTreeMap::from([("p".to_string(), text_sha(text))]);
    let golds = vec![
        // the whole object: the prediction holds 2 of its 5 words, no match
        gold(Some([10, 18]), [19, 43], Some("Zelenskyy")),
        // the other cue, its content held whole
        gold(Some([51, 55]), [56, 67], None),
    ];
    let r = score(&pages, &golds, &[record], "tune");
    assert_eq!((r.positions.tp, r.positions.fp, r.positions.fn_), (1, 1, 1));
    // matched: no speaker in gold nor prediction, stance wrong
    assert_eq!((r.speaker_right, r.stance_right), (1.0, 0.0));
    assert_eq!(r.stance_confusion["oppose"]["support"], 1);
}

#[test]
fn names_of_one_speaker() {
    let table = [
        ("Trump", "Donald Trump", true),
        ("the Pentagon", "Pentagon", true),
        ("Mr. Johnson", "Boris Johnson", true),
        ("Dustin Johnson", "Boris Johnson", false),
        ("", "Boris Johnson", false),
    ];
    for (a, b, want) in table {
        assert_eq!(same_name(a, b), want, "{a} / {b}");
    }
}

#[test]
fn a_changed_text_is_left_out_and_named() {
    let record: Record =
        serde_json::from_value(serde_json::json!({"id": "p", "text": "other words"})).unwrap();
    let pages = BTreeMap::from([("p".to_string(), text_sha("the words labelled"))]);
    let r = score(&pages, &[], &[record], "tune");
    assert_eq!(r.changed_pages, ["p"]);
    assert_eq!(r.pages, 0);
}
