use super::*;
use crate::stages::testing::{with_entities, words_of};

fn set() -> Vec<StanceItem> {
    read_stance(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/stance.jsonl")).unwrap()
}

#[test]
fn stance_from_cue_and_content() {
    // (sentence, cue, content, stance): the cases, where the cue alone says neutral
    let table: &[(&str, &str, &str, Stance)] = &[
        (
            "He spoke, stressing that his country could not give up the region.",
            "stressing",
            "that his country could not give up the region",
            Stance::Oppose,
        ),
        (
            "She reaffirmed that the country could not legally cede territory.",
            "reaffirmed",
            "that the country could not legally cede territory",
            Stance::Oppose,
        ),
        (
            "He argued that a full agreement would last longer than a truce.",
            "argued",
            "that a full agreement would last longer than a truce",
            Stance::Support,
        ),
        (
            "The minister said the country should join the alliance.",
            "said",
            "the country should join the alliance",
            Stance::Support,
        ),
        (
            "Police said the fire began shortly after 3 a.m. on Monday.",
            "said",
            "the fire began shortly after 3 a.m. on Monday",
            Stance::Neutral,
        ),
        (
            "The president rejected the offer.",
            "rejected",
            "the offer",
            Stance::Oppose,
        ),
    ];
    for &(text, cue, content, want) in table {
        let doc = with_entities(text, &[]);
        let (cue, content) = (words_of(&doc, cue), words_of(&doc, content));
        let got = StanceModel::bundled().predict(&features(&doc, &cue, &[content]));
        assert_eq!(got, want, "{text:?}");
    }
}

#[test]
fn the_model_beats_the_cue_rule_on_the_written_third_kept_aside() {
    let written: Vec<StanceItem> = set().into_iter().filter(|i| i.set == "written").collect();
    let examples = examples(&written, None).unwrap();
    let report = eval_stance(&examples, "test", &["train".to_string()], 0, 0);
    assert!(report.refit.is_none());
    assert!(report.model.n >= 30, "{}", report.model.n);
    assert!(
        report.model.macro_f1 >= report.cue_rule.macro_f1 + 0.15,
        "{report}"
    );
}

#[test]
fn fit_on_other_splits_scores_those_weights_and_cross_validates_over_them() {
    let written: Vec<StanceItem> = set().into_iter().filter(|i| i.set == "written").collect();
    let examples = examples(&written, None).unwrap();
    let on = ["train".to_string(), "test".to_string()];
    let report = eval_stance(&examples, "test", &on, 3, 0);
    let refit = report.refit.expect("weights fitted on train and test");
    assert_eq!(refit.n, report.model.n);
    assert_eq!(report.cross_validation.unwrap().n, examples.len());
    // fitted on the split it is scored on, they do at least as well as the bundled weights
    assert!(refit.macro_f1 >= report.model.macro_f1, "{refit:?}");
}

#[test]
fn kappa_table() {
    use Stance::*;
    assert!((kappa(&[(Support, Support), (Oppose, Oppose)]) - 1.0).abs() < 1e-9);
    // agreement at chance: 0
    let chance = [
        (Support, Support),
        (Support, Oppose),
        (Oppose, Support),
        (Oppose, Oppose),
    ];
    assert!(kappa(&chance).abs() < 1e-9);
}
