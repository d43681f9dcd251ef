use super::*;
use crate::doc::EntityType::{LOC, MISC, ORG, PER};
use crate::stages::testing::{with_entities, words_of};

#[test]
fn roles_table() {
    // (text, entities in text order, person, title, affiliation)
    type Row<'a> = (
        &'a str,
        &'a [(&'a str, EntityType)],
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    let table: &[Row] = &[
        (
            "Brazilian President Luiz Lula said it.",
            &[("Brazilian", MISC), ("Luiz Lula", PER)],
            "Luiz Lula",
            Some("President"),
            Some("Brazil"),
        ),
        (
            "Hugh Hill, a doctor, said it.",
            &[("Hugh Hill", PER)],
            "Hugh Hill",
            Some("doctor"),
            None,
        ),
        (
            "Apple CEO Tim Cook said it.",
            &[("Apple", ORG), ("Tim Cook", PER)],
            "Tim Cook",
            Some("CEO"),
            Some("Apple"),
        ),
        (
            "White House spokeswoman Ann Lee said it.",
            &[("White House", LOC), ("Ann Lee", PER)],
            "Ann Lee",
            Some("spokeswoman"),
            Some("White House"),
        ),
        (
            "Ann Lee, a spokeswoman for the Red Cross, said it.",
            &[("Ann Lee", PER), ("Red Cross", ORG)],
            "Ann Lee",
            Some("spokeswoman"),
            Some("Red Cross"),
        ),
        (
            "Sergei Lavrov, Russia's foreign minister, said it.",
            &[("Sergei Lavrov", PER), ("Russia's", LOC)],
            "Sergei Lavrov",
            Some("foreign minister"),
            Some("Russia"),
        ),
        (
            "Jim Ray, a professor of law at Yale, said it.",
            &[("Jim Ray", PER), ("Yale", ORG)],
            "Jim Ray",
            Some("professor of law"),
            Some("Yale"),
        ),
        (
            "Saudi Crown Prince Mohammed said it.",
            &[("Saudi", MISC), ("Mohammed", PER)],
            "Mohammed",
            Some("Crown Prince"),
            Some("Saudi Arabia"),
        ),
        (
            "Rebecca Moore, 34, said it.",
            &[("Rebecca Moore", PER)],
            "Rebecca Moore",
            None,
            None,
        ),
        (
            "Tom Harris said it.",
            &[("Tom Harris", PER)],
            "Tom Harris",
            None,
            None,
        ),
        (
            "Shares of Acme rose, Ann Lee said.",
            &[("Acme", ORG), ("Ann Lee", PER)],
            "Ann Lee",
            None,
            None,
        ),
    ];
    for &(text, entities, person, title, affiliation) in table {
        let doc = with_entities(text, entities);
        let got = role_at(&doc, &words_of(&doc, person));
        let want = title.map(|t| Role {
            title: t.to_string(),
            affiliation: affiliation.map(str::to_string),
        });
        assert_eq!(got, want, "{text:?}");
    }
}

#[test]
fn an_entity_keeps_its_most_frequent_role() {
    let mut doc = with_entities(
        "Ann Lee, a lawyer, spoke. Minister Ann Lee left. Minister Ann Lee said no.",
        &[("Ann Lee", PER)],
    );
    Roles.annotate(&mut doc).unwrap();
    assert_eq!(
        doc.entities[0].role.as_ref().map(|r| r.title.as_str()),
        Some("Minister")
    );
}
