use super::resolve::{resolve, Aliases, Item};
use super::{Who, UNATTRIBUTED, UNNAMED};
use crate::doc::EntityType;
use crate::output::record::Record;

/// Items of articles given as lists of (type, name, role).
fn items(articles: &[&[(&str, &str)]]) -> Vec<Item> {
    let mut out = vec![];
    for (a, names) in articles.iter().enumerate() {
        for (kind, name) in names.iter() {
            out.push(Item {
                article: a as u32,
                label: EntityType::parse(kind).unwrap(),
                name: name.to_string(),
                mentions: 1,
                role: None,
                affiliation: None,
            });
        }
    }
    out
}

/// The corpus id of each item.
fn ids(items: &[Item], aliases: &Aliases) -> Vec<String> {
    let r = resolve(items, aliases);
    r.of_item
        .iter()
        .map(|&i| r.entities[i as usize].id.clone())
        .collect()
}

#[test]
fn forms_of_one_name_get_one_id_and_namesakes_stay_apart() {
    let articles: &[&[(&str, &str)]] = &[
        &[("PER", "Donald Trump")],                                     // 0
        &[("PER", "Trump")],                                            // 1
        &[("PER", "President Donald J. Trump")],                        // 2
        &[("PER", "Donald Trump"), ("PER", "Donald Trump Jr.")],        // 3
        &[("PER", "Zelensky")],                                         // 4
        &[("PER", "Zelenskyy")],                                        // 5
        &[("PER", "Volodymyr Zelenskiy")],                              // 6
        &[("PER", "Boris Johnson"), ("ORG", "Conservative Party")],     // 7
        &[("PER", "Dustin Johnson"), ("ORG", "PGA Tour")],              // 8
        &[("PER", "Johnson"), ("ORG", "PGA Tour")],                     // 9
        &[("PER", "Johnson"), ("ORG", "Conservative Party")],           // 10
        &[("PER", "Boris Johnson"), ("ORG", "The Conservative Party")], // 11
        &[("ORG", "FBI"), ("ORG", "GOP")],                              // 12
        &[
            ("ORG", "Federal Bureau of Investigation"),
            ("ORG", "Republican Party"),
        ], // 13
    ];
    let it = items(articles);
    let id = ids(&it, &Aliases::default());
    let of = |a: u32, name: &str| {
        let k = it
            .iter()
            .position(|i| i.article == a && i.name == name)
            .unwrap();
        id[k].clone()
    };
    let trump = of(0, "Donald Trump");
    assert_eq!(trump, "per:donald-trump");
    assert_eq!(of(1, "Trump"), trump);
    assert_eq!(of(2, "President Donald J. Trump"), trump);
    assert_eq!(of(3, "Donald Trump"), trump);
    assert_ne!(of(3, "Donald Trump Jr."), trump);
    let zelensky = of(6, "Volodymyr Zelenskiy");
    assert_eq!(of(4, "Zelensky"), zelensky);
    assert_eq!(of(5, "Zelenskyy"), zelensky);
    let (boris, dustin) = (of(7, "Boris Johnson"), of(8, "Dustin Johnson"));
    assert_ne!(boris, dustin);
    assert_eq!(of(9, "Johnson"), dustin, "the golf article's Johnson");
    assert_eq!(of(10, "Johnson"), boris, "the party article's Johnson");
    assert_eq!(of(12, "FBI"), of(13, "Federal Bureau of Investigation"));
    assert_eq!(of(12, "GOP"), of(13, "Republican Party"));
    assert_eq!(
        of(7, "Conservative Party"),
        of(11, "The Conservative Party")
    );
}

#[test]
fn a_users_aliases_pin_names_to_their_ids() {
    let aliases = Aliases::parse("alias\tid\tname\nZelensky\tQ3881622\tVolodymyr Zelenskyy\nZelenskyy\tQ3881622\tVolodymyr Zelenskyy\n").unwrap();
    let it = items(&[
        &[("PER", "Zelensky")],
        &[("PER", "Zelenskyy")],
        &[("PER", "Trump")],
    ]);
    let r = resolve(&it, &aliases);
    let e = &r.entities[r.of_item[0] as usize];
    assert_eq!(
        (e.id.as_str(), e.name.as_str()),
        ("Q3881622", "Volodymyr Zelenskyy")
    );
    assert_eq!(r.of_item[0], r.of_item[1]);
    assert_eq!(r.entities[r.of_item[2] as usize].id, "per:trump");
    assert!(Aliases::parse("just one column\n").is_err());
}

/// Two hand-written records: Trump by full name and by surname, a pronoun no one resolved,
/// officials, and a Donald Trump Jr. beside his father.
const RECORDS: &str = r#"{"id":"a","entities":[{"id":"E1","type":"PER","name":"Donald Trump","mentions":[{"start":0,"end":12,"text":"Donald Trump","confidence":1}]},{"id":"E2","type":"PER","name":"Donald Trump Jr.","mentions":[{"start":40,"end":56,"text":"Donald Trump Jr.","confidence":1}]}],"places":[],"positions":[{"id":"P1","speaker":{"entity":"E1","name":"Donald Trump","text":"Donald Trump","start":0,"end":12},"cue":{"text":"said","start":13,"end":17},"content":{"text":"x","start":18,"end":19,"spans":[[18,19]]},"kind":"indirect","stance":"support","confidence":0.9},{"id":"P2","speaker":{"entity":"E2","name":"Donald Trump Jr.","text":"Donald Trump Jr.","start":40,"end":56},"cue":{"text":"said","start":57,"end":61},"content":{"text":"y","start":62,"end":63,"spans":[[62,63]]},"kind":"indirect","stance":"support","confidence":0.9}]}
{"id":"b","entities":[{"id":"E1","type":"PER","name":"Trump","mentions":[{"start":0,"end":5,"text":"Trump","confidence":1}]}],"places":[],"positions":[{"id":"P1","speaker":{"entity":"E1","name":"Trump","text":"Trump","start":0,"end":5},"cue":{"text":"said","start":6,"end":10},"content":{"text":"x","start":11,"end":12,"spans":[[11,12]]},"kind":"indirect","stance":"oppose","confidence":0.9},{"id":"P2","speaker":{"entity":null,"name":null,"text":"they","start":20,"end":24},"cue":{"text":"said","start":25,"end":29},"content":{"text":"z","start":30,"end":31,"spans":[[30,31]]},"kind":"indirect","stance":"neutral","confidence":0.9},{"id":"P3","speaker":{"entity":null,"name":"officials","text":"officials","start":40,"end":49},"cue":{"text":"said","start":50,"end":54},"content":{"text":"w","start":55,"end":56,"spans":[[55,56]]},"kind":"indirect","stance":"neutral","confidence":0.9},{"id":"P4","speaker":null,"cue":{"text":"said","start":60,"end":64},"content":{"text":"v","start":65,"end":66,"spans":[[65,66]]},"kind":"direct","stance":"neutral","confidence":0.9}]}
"#;

#[test]
fn speakers_are_counted_by_corpus_id_and_no_row_is_a_pronoun() {
    let records: Vec<Record> = RECORDS
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let who = Who::of_slice(&records, &Aliases::default());
    let rows: Vec<(String, Option<String>)> = records
        .iter()
        .enumerate()
        .flat_map(|(a, r)| {
            let who = &who;
            r.positions.iter().map(move |p| {
                let row = who.speaker_row(a as u32, p.speaker.as_ref());
                (row.name, row.id)
            })
        })
        .collect();
    let trump = (
        "Donald Trump".to_string(),
        Some("per:donald-trump".to_string()),
    );
    assert_eq!(rows[0], trump);
    assert_eq!(rows[1].1.as_deref(), Some("per:donald-trump-jr"));
    assert_eq!(rows[2], trump, "the surname alone is the same person");
    assert_eq!(
        rows[3],
        (UNATTRIBUTED.to_string(), None),
        "a pronoun that names no one"
    );
    assert_eq!(rows[4], (UNNAMED.to_string(), None));
    assert_eq!(rows[5], (UNATTRIBUTED.to_string(), None), "no speaker");
    // the records gain corpus ids only when asked
    let mut r: Record = serde_json::from_str(RECORDS.lines().next().unwrap()).unwrap();
    assert!(!serde_json::to_string(&r).unwrap().contains("corpus_id"));
    who.annotate(0, &mut r);
    assert_eq!(r.entities[0].corpus_id.as_deref(), Some("per:donald-trump"));
}
