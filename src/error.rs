//! The library's error: what went wrong, by kind, so that a caller tells what the user must fix
//! (a model folder, the gazetteer, an input, a stage list) from what failed while running.

use crate::stage::MissingLayer;

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
