use super::*;

#[test]
fn char_offsets() {
    // (text, byte, expected char)
    let table: &[(&str, usize, usize)] = &[
        ("abc", 2, 2),
        ("Zelenskyy", 9, 9),
        ("“Kyiv” said", 3, 1),
        ("“Kyiv” said", 7, 5),
        ("Ölçü x", 7, 4),
    ];
    for &(text, byte, want) in table {
        assert_eq!(CharIndex::new(text).get(byte), want, "{text:?} @ {byte}");
        assert_eq!(CharIndex::new(text).byte(want), byte, "{text:?} @ {want}");
    }
}

#[test]
fn a_slice_keeps_its_words_sentences_and_quotations() {
    // "A b. “C d” e. F" : words A b . “ C d ” e . F
    let text = "A b. “C d” e. F";
    let mut doc = Doc::new("d", text);
    let mut at = 0;
    for w in ["A", "b", ".", "“", "C", "d", "”", "e", ".", "F"] {
        let start = at + text[at..].find(w).unwrap();
        doc.tokens.push(Token {
            start,
            end: start + w.len(),
        });
        at = start + w.len();
    }
    let sentence = |a: usize, b: usize| Sentence {
        start: doc.tokens[a].start,
        end: doc.tokens[b - 1].end,
        tokens: a..b,
    };
    doc.sentences = vec![sentence(0, 3), sentence(3, 9), sentence(9, 10)];
    doc.quotations = std::iter::once(doc.tokens[3].start..doc.tokens[6].end).collect();
    let s = doc.slice(1..8);
    let words: Vec<&str> = (0..s.tokens.len()).map(|i| s.token_text(i)).collect();
    assert_eq!(words, ["b", ".", "“", "C", "d", "”", "e"]);
    assert_eq!(s.text, "b. “C d” e");
    let sentences: Vec<Range<usize>> = s.sentences.iter().map(|x| x.tokens.clone()).collect();
    assert_eq!(sentences, [0..2, 2..7]);
    assert_eq!(&s.text[s.quotations[0].clone()], "“C d”");
}
