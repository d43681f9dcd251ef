use super::*;
use crate::stages::testing::{with_entities, words_of};

fn position(doc: &Doc, source: Option<&str>, cue: &str, content: &str) -> Position {
    Position {
        source: source.map(|s| words_of(doc, s)),
        cue: words_of(doc, cue),
        content: vec![words_of(doc, content)],
        confidence: 1.0,
        ..Position::default()
    }
}

#[test]
fn speakers_a_reader_sees_where_the_tagger_found_no_source() {
    // (text, entities, positions as (source, cue, content), expected (speaker name, inferred))
    type Row<'a> = (
        &'a str,
        &'a [(&'a str, EntityType)],
        &'a [(Option<&'a str>, &'a str, &'a str)],
        (Option<&'a str>, bool),
    );
    let table: &[Row] = &[
        (
            "The minister met the envoy and then insisted on a ceasefire.",
            &[],
            &[(None, "insisted on", "a ceasefire")],
            (Some("The minister"), true),
        ),
        (
            "Olaf Scholz met the envoy and later rejected the plan.",
            &[("Olaf Scholz", EntityType::PER)],
            &[(None, "rejected", "the plan")],
            (Some("Olaf Scholz"), true),
        ),
        (
            "Olaf Scholz said talks would resume and added that Europe must help.",
            &[("Olaf Scholz", EntityType::PER)],
            &[
                (Some("Olaf Scholz"), "said", "talks would resume"),
                (None, "added", "that Europe must help"),
            ],
            (Some("Olaf Scholz"), true),
        ),
        (
            "The talks stalled after the ministers, who rejected the plan, left.",
            &[],
            &[(None, "rejected", "the plan")],
            (Some("the ministers"), true),
        ),
        // the tagger's "who": the pronoun's noun names the speaker
        (
            "It stalled after the ministers, who rejected the plan, left.",
            &[],
            &[(Some("who"), "rejected", "the plan")],
            (Some("the ministers"), false),
        ),
        // a name the tagger missed before the comma
        (
            "The U.N. is working with the International Coalition Forces, who have said they \
             need a security assessment.",
            &[],
            &[(Some("who"), "have said", "they need a security assessment")],
            (Some("the International Coalition Forces"), false),
        ),
        // no subject to share: none
        (
            "Rain fell and then insisted on a ceasefire.",
            &[],
            &[(None, "insisted on", "a ceasefire")],
            (None, false),
        ),
        // not a source inside what the first one said
        (
            "The group said on Twitter that the contract has confused employees, and demanded a \
             deadline extension.",
            &[],
            &[
                (Some("The group"), "said", "that the contract has confused employees"),
                (Some("the contract"), "has confused", "employees"),
                (None, "demanded", "a deadline extension"),
            ],
            (Some("The group"), true),
        ),
        // a name in -ly is a speaker
        (
            "Kelly urged Congress to act.",
            &[],
            &[(Some("Kelly"), "urged", "Congress to act")],
            (Some("Kelly"), false),
        ),
        // "I" inside a quotation is the quotation's speaker
        (
            "\"We will not sign it. I told them so,\" Smith said.",
            &[("Smith", EntityType::PER)],
            &[
                (Some("Smith"), "said", "We will not sign it. I told them so"),
                (Some("I"), "told", "them so"),
            ],
            (Some("Smith"), false),
        ),
        // so is what "my" or "our" words said inside it
        (
            "\"As my statements said, he's in good health,\" Grisham said.",
            &[("Grisham", EntityType::PER)],
            &[
                (Some("Grisham"), "said", "As my statements said, he's in good health"),
                (Some("my statements"), "said", "he's in good health"),
            ],
            (Some("Grisham"), false),
        ),
        // "she" is not the man named last
        (
            "Jennifer Williams testified and she was asked about the call. Kurt Volker, who \
             said he had no indication of a deal, spoke next. \"It sounded political,\" she said.",
            &[
                ("Jennifer Williams", EntityType::PER),
                ("Kurt Volker", EntityType::PER),
            ],
            &[(Some("she"), "said", "It sounded political")],
            (Some("Jennifer Williams"), false),
        ),
        // nor someone named inside her own quotation
        (
            "Mary Steenburgen wrote songs, and she sent them to a lawyer. “He wanted to work with Nellie Wall, but then I \
             showed up instead,” she said.",
            &[
                ("Mary Steenburgen", EntityType::PER),
                ("Nellie Wall", EntityType::PER),
            ],
            &[(
                Some("she"),
                "said",
                "He wanted to work with Nellie Wall, but then I showed up instead",
            )],
            (Some("Mary Steenburgen"), false),
        ),
        // but the name in apposition to "his aunt" is her
        (
            "Mike Ford was a writer. According to his aunt, Jane Starner, he was brilliant.",
            &[("Mike Ford", EntityType::PER), ("Jane Starner", EntityType::PER)],
            &[(Some("his aunt, Jane Starner"), "According to", "he was brilliant")],
            (Some("Jane Starner"), false),
        ),
        (
            "Mike Ford was a writer. According to his aunt, Jane Starner, he was brilliant.",
            &[("Mike Ford", EntityType::PER), ("Jane Starner", EntityType::PER)],
            &[(Some("his aunt"), "According to", "he was brilliant")],
            (Some("Jane Starner"), false),
        ),
        // "his aunt" is not him
        (
            "Mike Ford was a writer. According to his aunt, the stories were sad.",
            &[("Mike Ford", EntityType::PER)],
            &[(Some("his aunt"), "According to", "the stories were sad")],
            (Some("his aunt"), false),
        ),
        // a relative "which" after a dash
        (
            "The talks stalled. The Palestinian Authority - which rejected the plan - left.",
            &[("Palestinian Authority", EntityType::ORG)],
            &[(Some("which"), "rejected", "the plan")],
            (Some("Palestinian Authority"), false),
        ),
        // "it" goes on with the organisation that spoke last, not the one named nearest
        (
            "Boeing confirmed a bid. In a statement sent to NASA, it said the rocket was \
             ready.",
            &[("Boeing", EntityType::ORG), ("NASA", EntityType::ORG)],
            &[
                (Some("Boeing"), "confirmed", "a bid"),
                (Some("it"), "said", "the rocket was ready"),
            ],
            (Some("Boeing"), false),
        ),
        // "the actor" after "actor James Van Der Beek"
        (
            "The show hosted actor James Van Der Beek. The actor said he was sad.",
            &[("James Van Der Beek", EntityType::PER)],
            &[(Some("The actor"), "said", "he was sad")],
            (Some("James Van Der Beek"), false),
        ),
        // "the governor" after "Gov. Eric Holcomb"
        (
            "Republican Gov. Eric Holcomb signed the budget. The governor said he was waiting \
             for a report.",
            &[("Eric Holcomb", EntityType::PER)],
            &[(Some("The governor"), "said", "he was waiting for a report")],
            (Some("Eric Holcomb"), false),
        ),
        // a name the source is tied to is not its speaker
        (
            "Mike Ford wrote books. Multiple friends of Mike Ford had told him to stop.",
            &[("Mike Ford", EntityType::PER)],
            &[(
                Some("Multiple friends of Mike Ford"),
                "had told",
                "him to stop",
            )],
            (Some("Multiple friends of Mike Ford"), false),
        ),
        (
            "Mike Ford wrote books. Ford’s now-deceased father told Starner he was alive.",
            &[("Mike Ford", EntityType::PER), ("Ford’s", EntityType::PER)],
            &[(
                Some("Ford’s now-deceased father"),
                "told",
                "Starner he was alive",
            )],
            (Some("Ford’s now-deceased father"), false),
        ),
        (
            "Rand Paul's statement said the plan would fail.",
            &[("Rand Paul's", EntityType::PER)],
            &[(Some("Rand Paul's statement"), "said", "the plan would fail")],
            (Some("Rand Paul's"), false),
        ),
        (
            "The Foreign Office met Iran. A spokesperson for the Foreign Office said talks go on.",
            &[("Foreign Office", EntityType::ORG)],
            &[(
                Some("A spokesperson for the Foreign Office"),
                "said",
                "talks go on",
            )],
            (Some("A spokesperson for the Foreign Office"), false),
        ),
        // the words before a name are a title, not the clause it stands in
        (
            "Trump met aides. Sources told CNN that Trump made few changes.",
            &[("Trump", EntityType::PER), ("CNN", EntityType::ORG)],
            &[(Some("Sources"), "told", "that Trump made few changes")],
            (Some("Sources"), false),
        ),
        (
            "Assange was jailed. But a judge ruled that Assange should stay in jail.",
            &[("Assange", EntityType::PER)],
            &[(Some("a judge"), "ruled", "that Assange should stay in jail")],
            (Some("a judge"), false),
        ),
        // a plural is a group, never one person
        (
            "His editor, Beth Meacham, and editors at Tor liked it. His editors would ask him \
             to explain.",
            &[("Beth Meacham", EntityType::PER), ("Tor", EntityType::ORG)],
            &[(Some("His editors"), "would ask", "him to explain")],
            (Some("His editors"), false),
        ),
        // "the group" is the one the article named so, not the organisation named last
        (
            "Workers formed a group, WeWorkers Coalition, in 2019. WeWork signed a deal with JLL. \
             The group said the deal was unfair.",
            &[
                ("WeWorkers Coalition", EntityType::ORG),
                ("WeWork", EntityType::ORG),
                ("JLL", EntityType::ORG),
            ],
            &[(Some("The group"), "said", "the deal was unfair")],
            (Some("WeWorkers Coalition"), false),
        ),
        // a sentence whose subject is a pronoun before its names: she goes on, not the name
        (
            "Jane Starner is a nurse. She gave me an address for Ford’s sister, Martha Fry. \
             “I cannot believe it,” she said.",
            &[("Jane Starner", EntityType::PER), ("Martha Fry", EntityType::PER)],
            &[(Some("she"), "said", "I cannot believe it")],
            (Some("Jane Starner"), false),
        ),
        // but a pronoun inside a quotation is someone the quotation speaks of
        (
            "Tom Stafford spoke first. “He will fly,” Doug Cooke said of Bob Lucas. “He is \
             ready,” he added.",
            &[
                ("Tom Stafford", EntityType::PER),
                ("Doug Cooke", EntityType::PER),
                ("Bob Lucas", EntityType::PER),
            ],
            &[
                (Some("Doug Cooke"), "said", "He will fly"),
                (Some("he"), "added", "He is ready"),
            ],
            (Some("Doug Cooke"), false),
        ),
        // a pair of people speaks through the one named first
        (
            "Trump and US Trade Representative Robert Lighthizer recognize that a deal is near.",
            &[("Trump", EntityType::PER), ("Robert Lighthizer", EntityType::PER)],
            &[(
                Some("Trump and US Trade Representative Robert Lighthizer"),
                "recognize",
                "that a deal is near",
            )],
            (Some("Trump"), false),
        ),
        (
            "US President Donald Trump and Vice President Mike Pence said the deal was done.",
            &[("Donald Trump", EntityType::PER), ("Mike Pence", EntityType::PER)],
            &[(
                Some("US President Donald Trump and Vice President Mike Pence"),
                "said",
                "the deal was done",
            )],
            (Some("Donald Trump"), false),
        ),
        (
            "Jim Bridenstine testified. But for the landers, he and Ken Bowersox listed several.",
            &[
                ("Jim Bridenstine", EntityType::PER),
                ("Ken Bowersox", EntityType::PER),
            ],
            &[(Some("he and Ken Bowersox"), "listed", "several")],
            (Some("Jim Bridenstine"), false),
        ),
        // a lede's description of a person named a few sentences on; a bare noun stays no one
        (
            "Austria's interior minister said the house would be a police station. \
             \"It is a signal,\" Interior Minister Wolfgang Peschorn told reporters.",
            &[("Wolfgang Peschorn", EntityType::PER)],
            &[(
                Some("Austria's interior minister"),
                "said",
                "the house would be a police station",
            )],
            (Some("Wolfgang Peschorn"), false),
        ),
        (
            "The minister said the house would be a police station. \
             \"It is a signal,\" Interior Minister Wolfgang Peschorn told reporters.",
            &[("Wolfgang Peschorn", EntityType::PER)],
            &[(
                Some("The minister"),
                "said",
                "the house would be a police station",
            )],
            (Some("The minister"), false),
        ),
        // a co-founder is a founder
        (
            "Sweden dropped its case against Wikileaks co-founder Julian Assange. The Wikileaks \
             founder always argued that he feared extradition.",
            &[("Julian Assange", EntityType::PER)],
            &[(
                Some("The Wikileaks founder"),
                "always argued",
                "that he feared extradition",
            )],
            (Some("Julian Assange"), false),
        ),
        // a capital speaks for its country where the article names the country
        (
            "China bought soy. But Beijing is balking at committing to a specific amount.",
            &[("China", EntityType::LOC), ("Beijing", EntityType::LOC)],
            &[(Some("Beijing"), "is balking at", "committing to a specific amount")],
            (Some("China"), false),
        ),
        (
            "Trade with the U.S. fell. Washington rejected the offer.",
            &[("U.S.", EntityType::LOC), ("Washington", EntityType::LOC)],
            &[(Some("Washington"), "rejected", "the offer")],
            (Some("U.S."), false),
        ),
        // not where the country is not named, nor where the capital qualifies the source
        (
            "Beijing is balking at committing to a specific amount.",
            &[("Beijing", EntityType::LOC)],
            &[(Some("Beijing"), "is balking at", "committing to a specific amount")],
            (Some("Beijing"), false),
        ),
        (
            "China bought soy. But a Beijing official said the amount was too high.",
            &[("China", EntityType::LOC), ("Beijing", EntityType::LOC)],
            &[(Some("a Beijing official"), "said", "the amount was too high")],
            (Some("a Beijing official"), false),
        ),
        // a modifier alone is no speaker
        (
            "Never urged Ukraine to give up the region.",
            &[("Ukraine", EntityType::LOC)],
            &[(Some("Never"), "urged", "Ukraine to give up the region")],
            (None, false),
        ),
    ];
    for &(text, entities, positions, (want, inferred)) in table {
        let mut doc = with_entities(text, entities);
        doc.positions = positions
            .iter()
            .map(|&(s, c, t)| position(&doc, s, c, t))
            .collect();
        Speakers.annotate(&mut doc).unwrap();
        let record = doc.to_record(&serde_json::Value::Null);
        let last = record.positions.last().unwrap();
        let got = last.speaker.as_ref().and_then(|s| s.name.as_deref());
        assert_eq!(got, want, "{text:?}");
        assert_eq!(
            last.speaker.as_ref().is_some_and(|s| s.inferred),
            inferred,
            "{text:?}"
        );
    }
}
