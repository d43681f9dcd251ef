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
fn a_position_said_again_word_for_word_by_its_speaker_is_one_position() {
    use crate::stages::testing::{segmented, words_of};
    // (text, the second position's speaker and content, kept); the first position is always
    // "Cooke said" with the quotation before it
    let first = "\u{201c}If NASA focuses on the ongoing SLS, there is a better chance of an earlier date,\u{201d} Cooke said.";
    let cases = [
        // the page renders the story twice: the same words, the same speaker
        (" \u{201c}If NASA focuses on the ongoing SLS, there is a better chance of an earlier date,\u{201d} Cooke said.", "Cooke", "If NASA focuses on the ongoing SLS, there is a better chance of an earlier date", false),
        // most of the words again, one cut shorter
        (" Cooke said that if NASA focuses on the ongoing SLS there is a better chance.", "Cooke", "if NASA focuses on the ongoing SLS there is a better chance", false),
        // another speaker saying the same is a position of their own
        (" \u{201c}If NASA focuses on the ongoing SLS, there is a better chance of an earlier date,\u{201d} Babin said.", "Babin", "If NASA focuses on the ongoing SLS, there is a better chance of an earlier date", true),
        // the same speaker saying something else
        (" Cooke said the agency should order two more rockets before the launch next year.", "Cooke", "the agency should order two more rockets before the launch next year", true),
        // a short content is said again in earnest
        (" Cooke said it was true. Cooke said it was true.", "Cooke", "it was true", true),
    ];
    for (more, speaker, content, kept) in cases {
        let text = format!("{first}{more}");
        let mut doc = segmented(&text);
        let cooke = words_of(&doc, "Cooke");
        let said = |at: usize| {
            let w = doc.text[at..].find("said").unwrap() + at;
            let i = doc.tokens.iter().position(|t| t.start == w).unwrap();
            i..i + 1
        };
        let second_at = first.len() + more.rfind(content).unwrap();
        let source_at = first.len() + more.rfind(speaker).unwrap();
        let word_at = |b: usize| doc.tokens.iter().position(|t| t.start == b).unwrap();
        let content_words =
            word_at(second_at)..word_at(second_at) + segmented(content).tokens.len();
        let source = word_at(source_at)..word_at(source_at) + 1;
        let cue = said(source_at);
        let p1 = Position {
            source: Some(cooke),
            cue: said(0),
            content: vec![words_of(
                &doc,
                "If NASA focuses on the ongoing SLS, there is a better chance of an earlier date",
            )],
            ..Position::default()
        };
        let p2 = Position {
            source: Some(source),
            cue,
            content: vec![content_words],
            ..Position::default()
        };
        doc.positions = vec![p1, p2];
        dedupe(&mut doc);
        assert_eq!(doc.positions.len() == 2, kept, "{more}");
    }
    // what a speaker says inside their own content is no repeat of it
    let mut doc =
        segmented("Cooke said he hoped that NASA would order two more rockets before the launch.");
    let cooke = words_of(&doc, "Cooke");
    let outer = Position {
        source: Some(cooke),
        cue: words_of(&doc, "said"),
        content: vec![words_of(
            &doc,
            "he hoped that NASA would order two more rockets before the launch",
        )],
        ..Position::default()
    };
    let inner = Position {
        source: Some(words_of(&doc, "he")),
        cue: words_of(&doc, "hoped"),
        content: vec![words_of(
            &doc,
            "that NASA would order two more rockets before the launch",
        )],
        reported_by: Some(0),
        ..Position::default()
    };
    doc.positions = vec![outer, inner];
    doc.positions[1].speaker = Some(0);
    doc.positions[0].speaker = Some(0);
    dedupe(&mut doc);
    assert_eq!(doc.positions.len(), 2);
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
