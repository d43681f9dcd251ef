//! The library's error: what went wrong, by kind, so that a caller tells what the user must fix
//! (a model folder, the gazetteer, an input, a stage list) from what failed while running.

use crate::doc::Layer;
use serde::{Deserialize, Serialize};

/// What went wrong. Each kind keeps the whole chain of causes (`{:#}` prints it).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A model folder that cannot be used: missing, malformed, or without a head asked for.
    #[error(transparent)]
    Model(anyhow::Error),
    /// The gazetteer cannot be found or read.
    #[error(transparent)]
    Gazetteer(anyhow::Error),
    /// An input, or an annotated file to score against, that cannot be read or is malformed.
    #[error(transparent)]
    Input(anyhow::Error),
    /// A stage list that cannot run: a stage needs what no stage before it adds.
    #[error(transparent)]
    Stages(#[from] MissingLayer),
    /// Writing the records failed (a full disk, a reader gone from a pipe).
    #[error("cannot write the records")]
    Output(#[from] std::io::Error),
    /// Anything else, while running.
    #[error(transparent)]
    Run(#[from] anyhow::Error),
}

impl Error {
    /// Whether the user can fix it before running again (a bad folder, file or stage list),
    /// rather than something that failed while running.
    pub fn is_setup(&self) -> bool {
        matches!(
            self,
            Error::Model(_) | Error::Gazetteer(_) | Error::Input(_) | Error::Stages(_)
        )
    }
}

/// A stage list that cannot run: a stage needs what nothing before it adds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stage '{stage}' needs {needs}, which no stage before it adds (stages: {order})")]
pub struct MissingLayer {
    /// The stage refused.
    pub stage: String,
    /// What it needs.
    pub needs: Layer,
    /// The stage names in order.
    pub order: String,
}

/// What kept an input from being an article, as the record's `error.kind` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The line is not JSON.
    InvalidJson,
    /// The bytes are not UTF-8.
    InvalidUtf8,
    /// JSON, but not an object.
    NotAnObject,
    /// No id field.
    MissingId,
    /// An id that is not a string or number.
    InvalidId,
    /// No text field, or a null one.
    MissingText,
    /// A text that is not a non-empty string.
    InvalidText,
    /// Longer than `--max-article-mib`.
    TooLarge,
    /// The input could not be read on (a truncated `.gz`).
    Unreadable,
    /// A web page with no article text (an index, an error page).
    NoArticle,
}

impl ErrorKind {
    /// Every kind, for the schema test.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::InvalidJson,
        ErrorKind::InvalidUtf8,
        ErrorKind::NotAnObject,
        ErrorKind::MissingId,
        ErrorKind::InvalidId,
        ErrorKind::MissingText,
        ErrorKind::InvalidText,
        ErrorKind::TooLarge,
        ErrorKind::Unreadable,
        ErrorKind::NoArticle,
    ];

    /// The name the record writes.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::InvalidUtf8 => "invalid_utf8",
            ErrorKind::NotAnObject => "not_an_object",
            ErrorKind::MissingId => "missing_id",
            ErrorKind::InvalidId => "invalid_id",
            ErrorKind::MissingText => "missing_text",
            ErrorKind::InvalidText => "invalid_text",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Unreadable => "unreadable",
            ErrorKind::NoArticle => "no_article",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an input record could not be processed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// In words, for people.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The input line, for JSONL.
    pub line: Option<usize>,
}

impl RecordError {
    /// The record's id where the input gave none: "line:N" for JSONL, else empty.
    pub fn fallback_id(&self) -> String {
        match self.line {
            Some(l) => format!("line:{l}"),
            None => String::new(),
        }
    }
}

/// A result of the library.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_keep_their_causes() {
        let cause = anyhow::anyhow!("config.json is not a BERT config")
            .context("cannot load the ner model");
        let e = Error::Model(cause);
        assert!(e.is_setup());
        assert_eq!(
            format!("{:#}", anyhow::Error::from(e)),
            "cannot load the ner model: config.json is not a BERT config"
        );
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let e = anyhow::Error::from(Error::from(pipe));
        assert!(e
            .chain()
            .any(|c| c.downcast_ref::<std::io::Error>().is_some()));
        assert!(!Error::Run(anyhow::anyhow!("x")).is_setup());
    }
}
