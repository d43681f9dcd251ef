use super::*;
use crate::model::Precision;

/// (topic, content): three topics, each phrased five ways, by speakers for and against.
pub(super) const TOPICS: &[(usize, &str)] = &[
    (
        0,
        "both armies should stop firing and hold their lines during a ceasefire",
    ),
    (
        0,
        "the truce must include a withdrawal of troops from the occupied towns",
    ),
    (
        0,
        "the country could not accept a ceasefire that leaves foreign soldiers on its soil",
    ),
    (
        0,
        "a halt to the fighting would give both sides time to exchange prisoners",
    ),
    (
        0,
        "any armistice has to be monitored by international observers along the front",
    ),
    (1, "tariffs on imported steel would protect jobs at home"),
    (
        1,
        "the new import duties will raise prices for American consumers",
    ),
    (
        1,
        "taxing Chinese goods at the border is the only way to cut the trade deficit",
    ),
    (
        1,
        "farmers would lose their export markets if the levies on foreign products stay",
    ),
    (
        1,
        "the administration should lift the customs duties on Canadian aluminum",
    ),
    (
        2,
        "hospital workers must be vaccinated against the virus to keep their jobs",
    ),
    (
        2,
        "requiring employees to get the shot violates their personal freedom",
    ),
    (
        2,
        "the state will not enforce the federal rule that makes immunization compulsory",
    ),
    (
        2,
        "mandatory vaccination is the best way to protect patients in nursing homes",
    ),
    (
        2,
        "teachers who refuse the jab should be tested weekly instead of being fired",
    ),
];

#[test]
fn three_topics_phrased_five_ways_come_out_as_three_issues() {
    let Ok(encoder) = SentenceEncoder::load(Precision::Auto) else {
        eprintln!("skipped: no base encoder (run scripts/setup)");
        return;
    };
    let members: Vec<Member> = TOPICS
        .iter()
        .enumerate()
        .map(|(i, (_, content))| Member {
            article: format!("a{}", i / 2),
            position: format!("P{}", i % 2 + 1),
            speaker: format!("speaker {}", i % 4),
            speaker_id: None,
            source: None,
            stance: if i % 3 == 0 {
                Stance::Oppose
            } else {
                Stance::Support
            },
            content: content.to_string(),
        })
        .collect();
    let got = group(members, &encoder, &Options::default(), |_| ()).unwrap();
    let mut groups: Vec<Vec<usize>> = got
        .issues
        .iter()
        .map(|issue| {
            issue
                .positions
                .iter()
                .map(|m| TOPICS.iter().position(|(_, c)| *c == m.content).unwrap())
                .collect()
        })
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        vec![
            vec![0, 1, 2, 3, 4],
            vec![5, 6, 7, 8, 9],
            vec![10, 11, 12, 13, 14]
        ],
        "{:#?}",
        got.issues
            .iter()
            .map(|i| (&i.label, &i.keywords))
            .collect::<Vec<_>>()
    );
    // the table counts each speaker's stances per issue
    let counted: usize = got
        .table
        .iter()
        .map(|s| s.support + s.oppose + s.neutral)
        .sum();
    assert_eq!(counted, 15);
}
