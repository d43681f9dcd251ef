//! Reported positions: per-word Source / Cue / Content probabilities to attributions, each with a
//! speaker resolved to an entity of the article, a kind and a stance.
//!
//! Tags are decoded over the whole article at once, since contents run across sentences. Every
//! cue span anchors one position. Its content is every content span for which it is the nearest
//! cue of the content's sentence (so `"X," he said, "Y"` gives one content in two pieces); a cue
//! left without content is not a position. Its source is the nearest source span in the cue's
//! sentence, so one source serves several cues ("Zelenskyy rejected the offer, emphasizing
//! that…"); none there, no source (PolNeAR dev: about 11 of 2,067 sources lie in another
//! sentence).
//!
//! The stages, in the order the pipeline runs them: [`Attribution`] (decoding and grouping,
//! `group`; kind, `kind`), [`SignedQuotations`], [`Speakers`] (`speaker`), [`Stances`]
//! (`stance`), [`Nested`] (positions inside contents).

mod group;
mod kind;
mod nested;
pub mod precision;
pub mod role;
mod signed;
mod speaker;
pub mod stance;
mod stance_model;
mod turns;

pub use nested::Nested;
pub use precision::{PrecisionStage, Reading};
pub use role::Roles;
pub use signed::SignedQuotations;
pub use speaker::Speakers;
pub use stance::Stances;
pub use stance_model::ModelStances;
pub use turns::Turns;

use crate::doc::Doc;
use crate::model::bio::{SpanType, Tagset};
use crate::stages::{Layer, Stage};
use group::group;
use kind::kind;
pub(crate) use kind::quoted_words;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// A role in an attribution, as the tagger's labels name it.
pub enum Role {
    /// Who speaks.
    Source,
    /// The words that report the speech act.
    Cue,
    /// What is said.
    Content,
}

impl SpanType for Role {
    fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "SOURCE" => Some(Role::Source),
            "CUE" => Some(Role::Cue),
            "CONTENT" => Some(Role::Content),
            _ => None,
        }
    }
    const NAMES: &'static str = "SOURCE CUE CONTENT";
}

/// The head whose scores this stage decodes.
pub const HEAD: &str = "attribution";

/// The attribution decoding stage: the `attribution` head's scores to positions (source, cue,
/// content pieces, kind), without speakers or stance yet.
pub struct Attribution {
    tags: Tagset<Role>,
}

impl Attribution {
    /// For a head with these labels (`O`, `B-SOURCE`, …).
    pub fn new(labels: &[String]) -> anyhow::Result<Self> {
        use anyhow::Context;
        Ok(Attribution {
            tags: Tagset::new(labels).context("attribution model")?,
        })
    }
}

impl Stage for Attribution {
    fn name(&self) -> &str {
        "attribution"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Words, Layer::Head(HEAD.into())]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Positions]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        let rows = doc.heads.get(HEAD).map(|h| h.rows()).unwrap_or_default();
        let spans = self.tags.spans(&self.tags.viterbi(&rows), 0);
        let quoted = quoted_words(doc);
        let mut positions = group(doc, &spans, &quoted);
        for p in &mut positions {
            p.kind = kind(doc, &quoted, &p.content);
        }
        doc.positions = positions;
        Ok(())
    }
}

/// The sentence a word is in.
pub(crate) fn sentence_of(doc: &Doc, word: usize) -> usize {
    doc.sentences.partition_point(|s| s.tokens.end <= word)
}

#[cfg(test)]
mod tests {
    use super::group::Span;
    use super::speaker::SpeakerIndex;
    use super::stance::cue_rule as stance;
    use super::*;
    use crate::doc::Mention;
    use crate::doc::{EntityType, Kind, Position, Stance};
    use crate::stages::testing::{with_entities as doc_with, words_of};
    use std::ops::Range;

    /// Mentions in text order, as NER leaves them, the entities' indices following.
    fn sort_mentions(doc: &mut Doc) {
        let mut order: Vec<usize> = (0..doc.mentions.len()).collect();
        order.sort_by_key(|&m| doc.mentions[m].tokens.start);
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        doc.mentions = order.iter().map(|&m| doc.mentions[m].clone()).collect();
        for e in &mut doc.entities {
            for m in &mut e.mentions {
                *m = new_index[*m];
            }
            e.mentions.sort();
        }
    }

    #[test]
    fn stance_table() {
        // (sentence, cue, expected stance)
        let table: &[(&str, &str, Stance)] = &[
            ("Zelenskyy rejected the offer.", "rejected", Stance::Oppose),
            ("He refused to sign it.", "refused to sign", Stance::Oppose),
            ("The ministry denied it.", "denied", Stance::Oppose),
            (
                "Kyiv could not accept it.",
                "could not accept",
                Stance::Oppose,
            ),
            ("Kyiv could not accept it.", "accept", Stance::Oppose),
            ("He did not reject it.", "reject", Stance::Neutral),
            ("Putin proposed a deal.", "proposed", Stance::Support),
            ("Leaders backed the plan.", "backed", Stance::Support),
            ("She welcomed the talks.", "welcomed", Stance::Support),
            ("They agreed that it works.", "agreed", Stance::Support),
            ("He called for a ceasefire.", "called for", Stance::Support),
            ("He ruled out a deal.", "ruled out", Stance::Oppose),
            ("She argued against it.", "argued against", Stance::Oppose),
            ("He never agreed to it.", "agreed", Stance::Oppose),
            ("Biden said it works.", "said", Stance::Neutral),
            ("Biden told them it works.", "told", Stance::Neutral),
            ("Biden noted it works.", "noted", Stance::Neutral),
            ("Biden didn't say it.", "say", Stance::Neutral),
        ];
        for &(text, cue, want) in table {
            let doc = doc_with(text, &[]);
            assert_eq!(
                stance(&doc, &words_of(&doc, cue)),
                want,
                "{text:?} / {cue:?}"
            );
        }
    }

    #[test]
    fn kind_table() {
        // (text, content, expected kind)
        let table: &[(&str, &str, Kind)] = &[
            ("He said “we will win.”", "we will win", Kind::Direct),
            ("He said \"we will win\".", "we will win", Kind::Direct),
            (
                "He said the army would “hold the line” for now.",
                "the army would “hold the line” for now",
                Kind::Mixed,
            ),
            (
                "He said the army would hold.",
                "the army would hold",
                Kind::Indirect,
            ),
        ];
        for &(text, content, want) in table {
            let doc = doc_with(text, &[]);
            let quoted = quoted_words(&doc);
            assert_eq!(
                kind(&doc, &quoted, &[words_of(&doc, content)]),
                want,
                "{text:?}"
            );
        }
    }

    #[test]
    fn speakers_table() {
        let text = "Ukrainian President Volodymyr Zelenskyy met Joe Biden in Geneva. \
                    Zelenskyy rejected the offer. He said Kyiv would hold. \
                    Biden, the American president, spoke later. The Ukrainian president \
                    disagreed. Sources familiar with the talks said little. \
                    The Kremlin said it would wait. It added that talks would go on. \
                    Ukrainian officials said nothing. The Democrats objected.";
        let doc = doc_with(
            text,
            &[
                ("Volodymyr Zelenskyy", EntityType::PER),
                ("Joe Biden", EntityType::PER),
                ("Geneva", EntityType::LOC),
                ("Kremlin", EntityType::ORG),
                ("Ukrainian", EntityType::MISC),
                ("Democrats", EntityType::MISC),
            ],
        );
        // Zelenskyy's and Biden's later mentions join their entities
        let mut doc = doc;
        for (w, e) in [("Zelenskyy", 0usize), ("Biden", 1)] {
            for (i, t) in doc.tokens.clone().iter().enumerate() {
                let inside = doc.mentions.iter().any(|m| m.tokens.contains(&i));
                if &doc.text[t.start..t.end] == w && !inside {
                    doc.entities[e].mentions.push(doc.mentions.len());
                    doc.mentions.push(Mention {
                        tokens: i..i + 1,
                        label: EntityType::PER,
                        confidence: 1.0,
                    });
                }
            }
        }
        sort_mentions(&mut doc);
        let position = |source: Range<usize>, speaker: Option<usize>| Position {
            source: Some(source),
            speaker,
            cue: 0..1,
            content: std::iter::once(0..1).collect(),
            confidence: 1.0,
            ..Position::default()
        };
        let rejected = position(words_of(&doc, "Zelenskyy"), Some(0));
        // (source phrase, earlier positions, expected entity)
        let table: &[(&str, Vec<Position>, Option<usize>)] = &[
            ("Ukrainian President Volodymyr Zelenskyy", vec![], Some(0)),
            ("He", vec![rejected.clone()], Some(0)),
            ("He", vec![], Some(0)),
            ("The Ukrainian president", vec![], Some(0)),
            ("Sources familiar with the talks", vec![], None),
            ("The Kremlin", vec![], Some(3)),
            ("It", vec![], Some(3)),
            // a MISC names the speaker only as the whole source
            ("Ukrainian officials", vec![], None),
            ("The Democrats", vec![], Some(5)),
        ];
        for (phrase, earlier, want) in table {
            let src = words_of(&doc, phrase);
            assert_eq!(
                SpeakerIndex::new(&doc).speaker(&src, &[], earlier),
                *want,
                "{phrase:?}"
            );
        }
    }

    #[test]
    fn grouping_shares_sources_and_joins_split_contents() {
        let text = "“We will not give up,” Zelenskyy said, “not an inch.” \
                    Zelenskyy rejected the offer, emphasizing that Ukraine could not surrender.";
        let doc = doc_with(text, &[]);
        let span = |phrase: &str, kind: Role| Span {
            words: words_of(&doc, phrase),
            kind,
            confidence: 0.9,
        };
        let spans = vec![
            span("We will not give up", Role::Content),
            span("said", Role::Cue),
            span("not an inch", Role::Content),
            span("rejected", Role::Cue),
            span("the offer", Role::Content),
            span("emphasizing", Role::Cue),
            span("Ukraine could not surrender", Role::Content),
        ];
        let mut spans = spans;
        let z: Vec<usize> = (0..doc.tokens.len())
            .filter(|&w| doc.token_text(w) == "Zelenskyy")
            .collect();
        for &w in &z {
            spans.push(Span {
                words: w..w + 1,
                kind: Role::Source,
                confidence: 0.9,
            });
        }
        spans.sort_by_key(|s| s.words.start);
        let got = group(&doc, &spans, &quoted_words(&doc));
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0].content.len(),
            2,
            "quote split by the cue is one content"
        );
        assert_eq!(got[0].source, Some(z[0]..z[0] + 1));
        assert_eq!(got[1].source, Some(z[1]..z[1] + 1));
        assert_eq!(got[2].source, Some(z[1]..z[1] + 1), "source shared");
        assert_eq!(
            doc.text[doc.byte_span(&got[2].content[0])].to_string(),
            "Ukraine could not surrender"
        );
    }

    #[test]
    fn contents_stay_with_a_cue_of_their_sentence() {
        let doc = doc_with(
            "Trump told Zelenskyy on Monday that Russia would accept a truce. Zelenskyy rejected it.",
            &[],
        );
        let span = |phrase: &str, kind: Role| Span {
            words: words_of(&doc, phrase),
            kind,
            confidence: 0.9,
        };
        let spans = vec![
            span("told", Role::Cue),
            span("that Russia would accept a truce", Role::Content),
            span("rejected", Role::Cue),
        ];
        let got = group(&doc, &spans, &quoted_words(&doc));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].cue, words_of(&doc, "told"));
    }

    #[test]
    fn a_quotation_opening_the_next_sentence_continues_the_cue_before_it() {
        // (text, the content spans the tagger found, the pieces of the one position)
        let table: &[(&str, &[&str], &[&str])] = &[
            (
                "“The crisis is now,” Gambill said to cheers. “The issue is funding.”",
                &["The crisis is now", "The issue is funding."],
                &["The crisis is now", "The issue is funding."],
            ),
            // a new paragraph is a new turn
            (
                "“The crisis is now,” Gambill said to cheers.\n“The issue is funding.”",
                &["The crisis is now", "The issue is funding."],
                &["The crisis is now"],
            ),
            // an unquoted sentence is the writer's
            (
                "“The crisis is now,” Gambill said to cheers. The issue is funding.",
                &["The crisis is now", "The issue is funding."],
                &["The crisis is now"],
            ),
            // the quotation does not open the sentence
            (
                "“The crisis is now,” Gambill said to cheers. Later, “the issue is funding.”",
                &["The crisis is now", "the issue is funding."],
                &["The crisis is now"],
            ),
        ];
        for &(text, contents, want) in table {
            let doc = doc_with(text, &[]);
            let mut spans: Vec<Span<Role>> = contents
                .iter()
                .map(|c| Span {
                    words: words_of(&doc, c),
                    kind: Role::Content,
                    confidence: 0.9,
                })
                .collect();
            spans.push(Span {
                words: words_of(&doc, "said"),
                kind: Role::Cue,
                confidence: 0.9,
            });
            spans.sort_by_key(|s| s.words.start);
            let got = group(&doc, &spans, &quoted_words(&doc));
            assert_eq!(got.len(), 1, "{text:?}");
            let pieces: Vec<&str> = got[0]
                .content
                .iter()
                .map(|r| &doc.text[doc.byte_span(r)])
                .collect();
            assert_eq!(pieces, want, "{text:?}");
        }
    }

    #[test]
    fn a_cue_without_content_or_a_lone_source_is_no_position() {
        let doc = doc_with("Biden said. Putin smiled.", &[]);
        let spans = vec![
            Span {
                words: words_of(&doc, "Biden"),
                kind: Role::Source,
                confidence: 0.9,
            },
            Span {
                words: words_of(&doc, "said"),
                kind: Role::Cue,
                confidence: 0.9,
            },
        ];
        assert!(group(&doc, &spans, &quoted_words(&doc)).is_empty());
    }

    #[test]
    fn a_signed_quotation_replaces_what_the_model_read_inside_it() {
        let doc = doc_with(
            "Polls moved.\n“Trump embodies racism. He is ignorant.” ― Sonya Herridge\n\
             Reid said the polls were wrong.",
            &[],
        );
        let position = |cue: &str, content: &[&str]| Position {
            source: None,
            speaker: None,
            cue: words_of(&doc, cue),
            content: content.iter().map(|c| words_of(&doc, c)).collect(),
            confidence: 0.5,
            ..Position::default()
        };
        let model = vec![
            // a cue of the quoted text, and a content that strays into the quotation
            position("embodies", &["racism"]),
            position("said", &["He is ignorant", "the polls were wrong"]),
        ];
        let got = signed::with_rule_positions(model, signed::signed_quotations(&doc));
        let text = |r: &Range<usize>| doc.text[doc.byte_span(r)].to_string();
        let got: Vec<(String, Vec<String>)> = got
            .iter()
            .map(|p| (text(&p.cue), p.content.iter().map(text).collect()))
            .collect();
        let want = [
            ("―", vec!["“Trump embodies racism. He is ignorant.”"]),
            ("said", vec!["the polls were wrong"]),
        ]
        .map(|(c, v)| (c.to_string(), v.into_iter().map(String::from).collect()));
        assert_eq!(got, want);
    }
}
