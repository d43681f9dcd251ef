use super::*;

#[test]
fn a_fit_learns_which_feature_separates() {
    // positions have a speech cue, candidates that are not have none
    let mut xs = vec![];
    let mut ys = vec![];
    for k in 0..40 {
        let mut x = vec![0.0; FEATURES.len()];
        x[0] = 0.8;
        x[1] = (k % 2) as f32;
        xs.push(x);
        ys.push(k % 2 == 1);
    }
    let m = PrecisionModel::fit(&xs, &ys, &vec![1.0; ys.len()], 0.001, 500);
    assert!(m.weights[1] > 1.0, "{:?}", m.weights);
    assert!(m.probability(&xs[1]) > 0.8 && m.probability(&xs[0]) < 0.2);
}

#[test]
fn a_speech_act_found_twice_is_one_position() {
    let mut doc = Doc::new("d", "x");
    let pos = |cue: Range<usize>, reported_by| Position {
        cue,
        reported_by,
        ..Position::default()
    };
    // a top-level position, its nested copy (same cue), an inner one found from two levels
    doc.positions = vec![
        pos(3..4, None),
        pos(9..10, None),
        pos(3..4, Some(1)),
        pos(12..13, Some(1)),
        pos(12..13, Some(3)),
    ];
    dedupe(&mut doc);
    let got: Vec<_> = doc
        .positions
        .iter()
        .map(|p| (p.cue.clone(), p.reported_by))
        .collect();
    assert_eq!(got, vec![(3..4, None), (9..10, None), (12..13, Some(1))]);
}

#[test]
fn retain_rehangs_a_kept_position_on_the_nearest_kept_reporter() {
    let mut doc = Doc::new("d", "x");
    let pos = |reported_by| Position {
        reported_by,
        ..Position::default()
    };
    doc.positions = vec![pos(None), pos(Some(0)), pos(Some(1)), pos(None)];
    retain(&mut doc, &[true, false, true, false]);
    let got: Vec<_> = doc.positions.iter().map(|p| p.reported_by).collect();
    assert_eq!(got, vec![None, Some(0)]);
}

#[test]
fn both_readings_carry_weights_for_these_features() {
    let (broad, strict) = (
        PrecisionModel::of(Reading::Broad),
        PrecisionModel::of(Reading::Strict),
    );
    for m in [broad, strict] {
        assert_eq!(m.weights.len(), FEATURES.len());
        assert!(m.threshold > 0.0 && m.threshold < 1.0, "{}", m.threshold);
    }
    // a candidate whose cue is an action on a short object ("agreed a deal") is less of a
    // position in the strict reading, which PolNeAR's attributions did not pull up
    let mut x = vec![0.0; FEATURES.len()];
    let set = |x: &mut Vec<f32>, name: &str, v: f32| {
        x[FEATURES.iter().position(|f| *f == name).unwrap()] = v
    };
    set(&mut x, "tagger", 0.9);
    set(&mut x, "cue_action", 1.0);
    set(&mut x, "source_entity", 1.0);
    set(&mut x, "content_short", 1.0);
    assert!(broad.score(&x) >= broad.threshold, "{}", broad.score(&x));
    assert!(strict.score(&x) < strict.threshold, "{}", strict.score(&x));
}

#[test]
fn a_sourceless_passive_of_inference_or_a_naming_verb_is_no_speech() {
    use crate::stages::testing::{segmented, words_of};
    // (text, cue, source, not speech)
    let table: &[(&str, &str, Option<&str>, bool)] = &[
        (
            "Settlements are widely seen as an obstacle.",
            "seen as",
            None,
            true,
        ),
        ("Among them were said to be pupils.", "said", None, true),
        ("It is believed that he fled.", "believed", None, true),
        ("A poem called “Winter Solstice” won.", "called", None, true),
        (
            "The disease is called feather duvet lung.",
            "called",
            None,
            true,
        ),
        // a source, or a call for something, is speech
        (
            "Critics are seen as saying it failed.",
            "seen as",
            Some("Critics"),
            false,
        ),
        (
            "The doctors called for flu shots.",
            "called for",
            None,
            false,
        ),
        ("Analysts said that it failed.", "said", None, false),
        (
            "Officials expected that it would pass.",
            "expected",
            None,
            false,
        ),
    ];
    for &(text, cue, source, want) in table {
        let doc = segmented(text);
        let p = Position {
            cue: words_of(&doc, cue),
            source: source.map(|s| words_of(&doc, s)),
            ..Position::default()
        };
        assert_eq!(not_speech(&doc, &p), want, "{text:?}");
    }
}

#[test]
fn inside_a_content_only_a_speech_act_or_a_stance_is_a_position() {
    use crate::stages::testing::{segmented, words_of};
    // (text, cue, content, a speech act)
    let table: &[(&str, &str, &str, bool)] = &[
        (
            "Zelenskyy had proposed a settlement.",
            "had proposed",
            "a settlement",
            true,
        ),
        (
            "The firm had threatened to close the plant.",
            "had threatened",
            "to close the plant",
            true,
        ),
        (
            "Moscow would block the investigation.",
            "would block",
            "the investigation",
            true,
        ),
        (
            "She believes the talks failed.",
            "believes",
            "the talks failed",
            true,
        ),
        (
            "He knew that it was over.",
            "knew",
            "that it was over",
            true,
        ),
        (
            "The company is facing scrutiny.",
            "is facing",
            "scrutiny",
            false,
        ),
        (
            "She didn't play an instrument.",
            "didn't play",
            "an instrument",
            false,
        ),
        ("The law protects workers.", "protects", "workers", false),
    ];
    for &(text, cue, content, want) in table {
        let doc = segmented(text);
        let p = Position {
            cue: words_of(&doc, cue),
            content: vec![words_of(&doc, content)],
            ..Position::default()
        };
        assert_eq!(speech_act(&doc, &quoted_words(&doc), &p), want, "{text:?}");
    }
}
