//! An issue's label: its most telling content words.

use super::*;

/// Words too common to tell issues apart.
pub(super) const STOPWORDS: &[&str] = &[
    "the", "and", "that", "for", "with", "this", "was", "were", "are", "have", "has", "had", "not",
    "but", "they", "their", "them", "his", "her", "she", "him", "its", "our", "you", "your",
    "from", "will", "would", "could", "should", "can", "been", "being", "there", "what", "which",
    "who", "when", "where", "about", "into", "than", "then", "also", "more", "very", "just", "all",
    "any", "some", "one", "said", "says", "say", "because", "over", "out", "only", "other", "such",
    "these", "those", "does", "did", "doing", "how", "mrs", "mr", "ms", "why", "may", "might",
    "must", "own", "both", "each", "few", "most", "much", "many", "after", "before", "again",
    "now", "even", "still", "way", "get", "got", "make", "made", "going", "want", "need", "well",
    "here", "it's", "don't", "we", "he", "it", "is", "be", "to", "of", "in", "on", "a", "an", "as",
    "at", "by", "or", "if", "so", "no", "do", "i", "me", "my", "us",
];

pub(super) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|w| {
            crate::doc::strip_possessive(w)
                .trim_matches(|c| c == '\'' || c == '’')
                .to_lowercase()
        })
        .filter(|w| w.chars().count() >= 3 && !STOPWORDS.contains(&w.as_str()))
        .filter(|w| w.chars().any(char::is_alphabetic))
}

/// Issues from the assignment: members, label (the member nearest the centre), keywords (by
/// frequency in the issue times rarity over all contents), the speaker table.
pub(super) fn label(
    members: Vec<Member>,
    kept: &[usize],
    vectors: &Vectors,
    assign: &[Option<usize>],
) -> Issues {
    let dim = vectors.dim;
    let mut by_issue: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (row, c) in assign.iter().enumerate() {
        if let Some(c) = c {
            by_issue.entry(*c).or_default().push(row);
        }
    }
    let mut doc_freq: HashMap<String, usize> = HashMap::new();
    for &i in kept {
        let mut seen: Vec<String> = words(&members[i].content).collect();
        seen.sort();
        seen.dedup();
        for w in seen {
            *doc_freq.entry(w).or_default() += 1;
        }
    }
    let n_docs = kept.len().max(1) as f32;
    let mut groups: Vec<Vec<usize>> = by_issue.into_values().collect();
    groups.sort_by_key(|rows| (std::cmp::Reverse(rows.len()), rows[0]));
    let mut v = vec![0.0f32; dim];
    let mut issues = Vec::with_capacity(groups.len());
    let mut table = Vec::new();
    for (k, rows) in groups.iter().enumerate() {
        let id = format!("I{}", k + 1);
        let mut centre = vec![0.0f32; dim];
        for &r in rows {
            vectors.get(r, &mut v);
            for (c, x) in centre.iter_mut().zip(&v) {
                *c += x;
            }
        }
        let central = rows
            .iter()
            .map(|&r| {
                vectors.get(r, &mut v);
                (r, dot(&v, &centre))
            })
            .fold((rows[0], f32::MIN), |b, x| if x.1 > b.1 { x } else { b })
            .0;
        let mut counts: HashMap<String, usize> = HashMap::new();
        for &r in rows {
            for w in words(&members[kept[r]].content) {
                *counts.entry(w).or_default() += 1;
            }
        }
        let mut scored: Vec<(f32, String)> = counts
            .into_iter()
            .filter(|(_, c)| *c >= 2 || rows.len() < 3)
            .map(|(w, c)| (c as f32 * (n_docs / doc_freq[&w] as f32).ln(), w))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut speakers: BTreeMap<(&str, Option<&String>), SpeakerStances> = BTreeMap::new();
        for &r in rows {
            let m = &members[kept[r]];
            let s = speakers
                .entry((m.speaker.as_str(), m.speaker_id.as_ref()))
                .or_insert_with(|| SpeakerStances {
                    issue: id.clone(),
                    speaker: m.speaker.clone(),
                    speaker_id: m.speaker_id.clone(),
                    sources: vec![],
                    support: 0,
                    oppose: 0,
                    neutral: 0,
                });
            match m.stance {
                Stance::Support => s.support += 1,
                Stance::Oppose => s.oppose += 1,
                Stance::Neutral => s.neutral += 1,
            }
            if let Some(source) = &m.source {
                if !s.sources.contains(source) {
                    s.sources.push(source.clone());
                }
            }
        }
        let mut rows_of_table: Vec<SpeakerStances> = speakers.into_values().collect();
        rows_of_table.sort_by_key(|s| std::cmp::Reverse(s.support + s.oppose + s.neutral));
        table.extend(rows_of_table);
        issues.push(Issue {
            label: members[kept[central]].content.clone(),
            keywords: scored.into_iter().take(5).map(|(_, w)| w).collect(),
            positions: rows.iter().map(|&r| members[kept[r]].clone()).collect(),
            id,
        });
    }
    Issues {
        positions: members.len(),
        grouped: groups.iter().map(Vec::len).sum(),
        issues,
        table,
    }
}
