//! The language of an article: the models read English, so a page in another language gets its
//! language in the record, and no positions unless the run asks for them.

use crate::doc::Doc;
use crate::stages::{Layer, Stage};

/// Fewer words than this tell too little to name a language.
const MIN_WORDS: usize = 20;

/// The stage that names a text's language where it is reliably not English.
pub struct Language;

impl Stage for Language {
    fn name(&self) -> &str {
        "language"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Words]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Language]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        doc.language = language(&doc.text, doc.tokens.len());
        Ok(())
    }
}

/// ISO 639-3 code of the text's language when it is reliably one other than English.
pub fn language(text: &str, words: usize) -> Option<String> {
    if words < MIN_WORDS {
        return None;
    }
    // the first 20,000 bytes tell as much as the whole and bound the cost of long articles
    let mut end = text.len().min(20_000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    (info.is_reliable() && info.lang() != whatlang::Lang::Eng)
        .then(|| info.lang().code().to_string())
}

#[cfg(test)]
mod tests {
    use super::language;

    #[test]
    fn names_other_languages_and_leaves_english_and_short_texts() {
        let table: &[(&str, Option<&str>)] = &[
            (
                "The minister said on Tuesday that the government would not accept the offer, \
                 and that talks with the unions would resume next week in the capital.",
                None,
            ),
            (
                "O ministro disse na terça-feira que o governo não aceitaria a proposta e que as \
                 negociações com os sindicatos seriam retomadas na próxima semana na capital.",
                Some("por"),
            ),
            (
                "Der Minister sagte am Dienstag, die Regierung werde das Angebot nicht annehmen \
                 und die Gespräche mit den Gewerkschaften würden nächste Woche fortgesetzt.",
                Some("deu"),
            ),
            ("Der Minister sagte nein.", None),
        ];
        for (text, want) in table {
            let words = text.split_whitespace().count();
            assert_eq!(language(text, words).as_deref(), *want, "{text}");
        }
    }
}
