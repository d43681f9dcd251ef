//! The resolver on a small gazetteer: one row per signal, and whole articles.

use super::*;
use crate::stages::testing::with_entities as doc;

const GAZ: &str = "# test\n\
    690791\tUkraine\tcountry\tPCLI\tUA\t\t49.0\t32.0\t40000000\t\tUkrainian\n\
    2017370\tRussia\tcountry\tPCLI\tRU\t\t60.0\t100.0\t140000000\t\tRussian\n\
    709716\tDonetska oblast\tregion\tADM1\tUA\t05\t48.0\t37.8\t4000000\tDonetsk\t\n\
    709717\tDonetsk\tcity\tPPL\tUA\t05\t48.02\t37.80\t901645\t\t\n\
    565348\tDonetsk\tcity\tPPL\tRU\t61\t48.34\t39.95\t50850\t\t\n\
    704508\tKramatorsk\tcity\tPPL\tUA\t05\t48.73\t37.56\t147145\t\t\n\
    4315588\tParis\tcity\tPPL\tUS\tTX\t33.66\t-95.56\t25000\t\t\n\
    2988507\tParis\tcity\tPPLC\tFR\t11\t48.85\t2.35\t2138551\t\t\n\
    4736286\tTexas\tregion\tADM1\tUS\tTX\t31.25\t-99.25\t25000000\t\t\n\
    5879092\tAlaska\tregion\tADM1\tUS\tAK\t64.0\t-150.0\t700000\t\t\n\
    4802316\tAlaska\tcity\tPPL\tUS\tWV\t39.4\t-79.0\t300\t\t\n\
    2643743\tLondon\tcity\tPPLC\tGB\tENG\t51.5\t-0.12\t7556900\t\t\n\
    4647963\tParis\tcity\tPPL\tUS\tTN\t36.30\t-88.33\t60000\t\t\n\
    4196508\tHenry County\tdistrict\tADM2\tUS\tGA\t33.45\t-84.15\t240000\t\t\n\
    4626334\tHenry County\tdistrict\tADM2\tUS\tTN\t36.33\t-88.30\t32000\t\t\n\
    4662168\tTennessee\tregion\tADM1\tUS\tTN\t35.75\t-86.25\t6900000\t\t\n\
    614540\tGeorgia\tcountry\tPCLI\tGE\t\t42.0\t43.5\t3700000\t\t\n\
    4197000\tGeorgia\tregion\tADM1\tUS\tGA\t32.75\t-83.5\t10700000\t\t\n\
    4180439\tAtlanta\tcity\tPPLA\tUS\tGA\t33.75\t-84.39\t500000\t\t\n\
    4140963\tWashington\tcity\tPPLC\tUS\tDC\t38.9\t-77.04\t700000\t\t\n\
    5815135\tWashington\tregion\tADM1\tUS\tWA\t47.5\t-120.5\t7700000\t\t\n\
    6254928\tVirginia\tregion\tADM1\tUS\tVA\t37.5\t-78.5\t8600000\t\t\n\
    2921044\tGermany\tcountry\tPCLI\tDE\t\t51.5\t10.5\t82000000\t\tGerman\t6255148\n\
    6252001\tUnited States\tcountry\tPCLI\tUS\t\t39.8\t-98.6\t327000000\tU.S.\tAmerican\t6255149\n\
    6255148\tEurope\tcontinent\tCONT\t\t\t48.7\t9.1\t741000000\t\tEuropean\t\n\
    2925533\tFrankfurt am Main\tcity\tPPL\tDE\t05\t50.11\t8.68\t650000\tFrankfurt\t\n\
    5117856\tFrankfort\tcity\tPPL\tUS\tNY\t43.04\t-75.07\t2507\tFrankfurt\t\n\
    5128581\tNew York City\tcity\tPPL\tUS\tNY\t40.71\t-74.0\t8800000\tNew York\t\n\
    5128638\tNew York\tregion\tADM1\tUS\tNY\t43.0\t-75.5\t19000000\t\t\n";

/// The signals are checked one at a time with the hand-set weights, which give each its own
/// say; `the_fitted_weights_read_articles_as_a_reader_does` checks the fitted ones whole.
fn resolver(g: &Gazetteer) -> Resolver<'_> {
    Resolver {
        gazetteer: g,
        weights: Weights::hand_set(),
    }
}

/// Rows of (text, entities, the (entity, place, country) of each resolved one).
type Table<'a> = &'a [(
    &'a str,
    &'a [(&'a str, EntityType)],
    &'a [(&'a str, &'a str, &'a str)],
)];

fn check_table(weights: Weights, table: Table) {
    for (text, names, want) in table {
        let got = resolve_with(weights, text, names);
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want, "{text:?}");
    }
}

fn resolve_with(
    weights: Weights,
    text: &str,
    names: &[(&str, EntityType)],
) -> Vec<(String, String, String)> {
    let g = Gazetteer::parse(GAZ).unwrap();
    let r = Resolver {
        gazetteer: &g,
        weights,
    };
    let mut d = doc(text, names);
    r.annotate(&mut d);
    d.places
        .iter()
        .map(|r| {
            (
                d.entities[r.entity].name.clone(),
                r.place.name.clone(),
                r.place.country.clone(),
            )
        })
        .collect()
}

/// What a lone comma and a list say: each row's name resolves to the region (admin1) given
/// with every signal, and to the other one without the signal the row names.
#[test]
fn commas_and_lists_say_which_place() {
    use EntityType::LOC;
    let d = Weights::hand_set();
    let no_qualifier = Weights {
        qualifier: 0.0,
        ..d
    };
    let no_peers = Weights { peers: 0.0, ..d };
    // (text, entities, the name, its admin1 with every signal, without the row's signal)
    let table: &[(&str, &[&str], &str, &str, &str, Weights)] = &[
        // the more populous Paris is in Tennessee; the comma puts this one in Texas
        (
            "Paris, Texas, and Tennessee.",
            &["Paris", "Texas", "Tennessee"],
            "Paris",
            "TX",
            "TN",
            no_qualifier,
        ),
        // the Georgia that holds Atlanta, in an article also about Ukraine and Russia
        (
            "Atlanta, Georgia. Ukraine. Russia. Ukraine.",
            &["Atlanta", "Georgia", "Ukraine", "Russia"],
            "Georgia",
            "GA",
            "",
            no_qualifier,
        ),
        // listed with states, Washington is the state, not the capital
        (
            "Virginia, Washington and Texas.",
            &["Virginia", "Washington", "Texas"],
            "Washington",
            "WA",
            "DC",
            no_peers,
        ),
    ];
    let g = Gazetteer::parse(GAZ).unwrap();
    for &(text, names, name, with, without, off) in table {
        for (weights, want) in [(d, with), (off, without)] {
            let r = Resolver {
                gazetteer: &g,
                weights,
            };
            let names: Vec<(&str, EntityType)> = names.iter().map(|&n| (n, LOC)).collect();
            let mut doc = doc(text, &names);
            r.annotate(&mut doc);
            let got = doc
                .places
                .iter()
                .find(|p| doc.entities[p.entity].name == name)
                .map(|p| p.place.admin1.as_str());
            assert_eq!(got, Some(want), "{text:?} {name} {weights:?}");
        }
    }
}

#[test]
fn resolution_table() {
    use EntityType::*;
    // (text, entities, expected (entity, place, country) for each resolved one)
    let table: Table = &[
        // a bare name: the region before the city
        (
            "Shelling hit Donetsk.",
            &[("Donetsk", LOC)],
            &[("Donetsk", "Donetska oblast", "UA")],
        ),
        // a cue word asks for the city
        (
            "Shelling hit the city of Donetsk.",
            &[("Donetsk", LOC)],
            &[("Donetsk", "Donetsk", "UA")],
        ),
        // Paris beside Texas is in Texas; alone it is the capital of France
        (
            "Paris and Texas.",
            &[("Paris", LOC), ("Texas", LOC)],
            &[("Paris", "Paris", "US"), ("Texas", "Texas", "US")],
        ),
        ("Paris.", &[("Paris", LOC)], &[("Paris", "Paris", "FR")]),
        // Alaska is the state, not the hamlet
        ("Alaska.", &[("Alaska", LOC)], &[("Alaska", "Alaska", "US")]),
        // a government named by its capital; a person is not a place
        (
            "London said no. Kramatorsk met Smith.",
            &[("London", ORG), ("Smith", PER)],
            &[("London", "London", "GB")],
        ),
        ("Atlantis.", &[("Atlantis", LOC)], &[]),
        // a one-word "person" that is a town of the article's country is that town
        (
            "Ukraine. Shelling hit Kramatorsk.",
            &[("Ukraine", LOC), ("Kramatorsk", PER)],
            &[
                ("Ukraine", "Ukraine", "UA"),
                ("Kramatorsk", "Kramatorsk", "UA"),
            ],
        ),
        ("Kramatorsk spoke.", &[("Kramatorsk", PER)], &[]),
        // ambiguous alone, they settle together (the second round): both in Tennessee
        (
            "Paris. Henry County. Henry County.",
            &[("Paris", LOC), ("Henry County", LOC)],
            &[
                ("Paris", "Paris", "US"),
                ("Henry County", "Henry County", "US"),
            ],
        ),
    ];
    check_table(Weights::hand_set(), table);
}

#[test]
fn names_ambiguous_alone_settle_together() {
    let g = Gazetteer::parse(GAZ).unwrap();
    let admin1 = |rounds| {
        let r = Resolver {
            gazetteer: &g,
            weights: Weights {
                rounds,
                ..Weights::hand_set()
            },
        };
        let mut d = doc(
            "Paris. Henry County. Henry County.",
            &[
                ("Paris", EntityType::LOC),
                ("Henry County", EntityType::LOC),
            ],
        );
        r.annotate(&mut d);
        let p: Vec<String> = d.places.iter().map(|p| p.place.admin1.clone()).collect();
        p
    };
    // one round: Paris follows the Henry County chosen alone (the largest, in Georgia) to
    // the United States, but Henry County still saw the Paris chosen alone (France)
    assert_eq!(admin1(1), ["TN", "GA"]);
    assert_eq!(admin1(2), ["TN", "TN"]);
}

#[test]
fn a_name_inside_another_entity_resolves_as_the_articles_own() {
    let g = Gazetteer::parse(GAZ).unwrap();
    let r = resolver(&g);
    // "Paris" of "Paris Police" is the article's Paris, in Texas: the Paris entity's own
    // first choice (France) must not count as context
    let d = doc(
        "Paris Police said so. Paris is in Texas.",
        &[
            ("Paris Police", EntityType::ORG),
            ("Paris", EntityType::LOC),
            ("Texas", EntityType::LOC),
        ],
    );
    let (p, _) = r.resolve(&d, "Paris", &(0..1)).unwrap();
    assert_eq!((p.country.as_str(), p.admin1.as_str()), ("US", "TX"));
}

#[test]
fn focus_is_the_main_countries() {
    let g = Gazetteer::parse(GAZ).unwrap();
    let r = resolver(&g);
    let mut d = doc(
        "Ukraine. Kramatorsk. Donetsk. Russia.",
        &[
            ("Ukraine", EntityType::LOC),
            ("Kramatorsk", EntityType::LOC),
            ("Donetsk", EntityType::LOC),
            ("Russia", EntityType::LOC),
        ],
    );
    r.annotate(&mut d);
    assert_eq!(d.focus, ["UA"]);
}

/// The fitted weights (`ranker.json`) on whole articles: what a reader takes each name for.
#[test]
fn the_fitted_weights_read_articles_as_a_reader_does() {
    use EntityType::*;
    let table: Table = &[
        ("Paris.", &[("Paris", LOC)], &[("Paris", "Paris", "FR")]),
        (
            "Paris, Texas, was hit.",
            &[("Paris", LOC), ("Texas", LOC)],
            &[("Paris", "Paris", "US"), ("Texas", "Texas", "US")],
        ),
        ("Alaska.", &[("Alaska", LOC)], &[("Alaska", "Alaska", "US")]),
        (
            "London said no.",
            &[("London", ORG)],
            &[("London", "London", "GB")],
        ),
        (
            "Ukraine. Shelling hit Kramatorsk and Donetsk.",
            &[("Ukraine", LOC), ("Kramatorsk", LOC), ("Donetsk", LOC)],
            &[
                ("Ukraine", "Ukraine", "UA"),
                ("Kramatorsk", "Kramatorsk", "UA"),
                ("Donetsk", "Donetsk", "UA"),
            ],
        ),
        (
            "Atlanta, Georgia, and Savannah.",
            &[("Atlanta", LOC), ("Georgia", LOC)],
            &[("Atlanta", "Atlanta", "US"), ("Georgia", "Georgia", "US")],
        ),
        // the continent an organisation's name points at: the euro zone's bank, not a
        // namesake town near the other city named
        (
            "The European Central Bank met in Frankfurt. Markets in London and New York rose.",
            &[
                ("European Central Bank", ORG),
                ("Frankfurt", LOC),
                ("London", LOC),
                ("New York", LOC),
            ],
            &[
                ("Frankfurt", "Frankfurt am Main", "DE"),
                ("London", "London", "GB"),
                ("New York", "New York", "US"),
            ],
        ),
    ];
    check_table(Weights::default(), table);
}

/// A place below the threshold keeps its best candidate, marked not confident.
#[test]
fn a_doubtful_place_keeps_its_best_candidate_marked_not_confident() {
    let g = Arc::new(Gazetteer::parse(GAZ).unwrap());
    let mark = |threshold: f32| {
        let mut d = doc("Georgia.", &[("Georgia", EntityType::LOC)]);
        Places {
            gazetteer: g.clone(),
            threshold,
        }
        .annotate(&mut d)
        .unwrap();
        let p = &d.places[0];
        (p.place.name.clone(), p.confidence, p.confident)
    };
    let (name, confidence, _) = mark(0.0);
    // the country and the state: neither is sure alone
    assert!(confidence > 0.3 && confidence < 0.99, "{confidence}");
    assert_eq!(mark(confidence), (name.clone(), confidence, true));
    assert_eq!(mark(confidence + 0.01), (name, confidence, false));
}

/// Peoples and continents named, also inside an organisation's name, are context: the share of
/// them on a candidate's continent is its `same_continent` signal.
#[test]
fn an_organisations_people_count_for_the_continent() {
    let g = Gazetteer::parse(GAZ).unwrap();
    let r = resolver(&g);
    let d = doc(
        "The European Central Bank met in Frankfurt.",
        &[("European Central Bank", EntityType::ORG)],
    );
    let at_word = (0..d.tokens.len())
        .find(|&i| d.token_text(i) == "Frankfurt")
        .unwrap();
    let signals = r.candidates(&d, "Frankfurt", &(at_word..at_word + 1));
    let of = |name: &str| {
        signals
            .iter()
            .find(|(p, _)| p.name == name)
            .unwrap_or_else(|| panic!("no candidate {name}"))
            .1[weights::at::SAME_CONTINENT]
    };
    assert_eq!(of("Frankfurt am Main"), 1.0);
    assert_eq!(of("Frankfort"), 0.0);
    // without the bank, no context
    let d = doc("They met in Frankfurt.", &[]);
    let at_word = (0..d.tokens.len())
        .find(|&i| d.token_text(i) == "Frankfurt")
        .unwrap();
    let signals = r.candidates(&d, "Frankfurt", &(at_word..at_word + 1));
    assert!(signals
        .iter()
        .all(|(_, s)| s[weights::at::SAME_CONTINENT] == 0.0));
}
