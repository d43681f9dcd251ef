//! Where newsie finds what it ships with, at run time: never a path of the checkout it was
//! built in, so that a copied install runs anywhere. The roots, in order: `$NEWSIE_HOME`, then
//! from the executable's folder up: an install's `share/newsie` (`PREFIX/bin/newsie` beside
//! `PREFIX/share/newsie`, what `scripts/install` lays out) and a checkout holding `models/`
//! (`target/release/newsie` three folders below it).

use std::path::{Path, PathBuf};

/// The folders that may hold `models/`, `tests/data/` and the set-up files, first first.
pub fn roots() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = vec![];
    if let Some(h) = std::env::var_os("NEWSIE_HOME") {
        out.push(PathBuf::from(h));
    }
    let exe = std::env::current_exe()
        .ok()
        .and_then(|e| e.canonicalize().ok());
    for dir in exe.iter().flat_map(|e| e.ancestors().skip(1).take(4)) {
        let share = dir.join("share/newsie");
        if share.is_dir() {
            out.push(share);
        }
        if dir.join("models").is_dir() {
            out.push(dir.to_path_buf());
        }
    }
    out.dedup();
    out
}

/// The first root's `rel` that exists.
pub fn find(rel: impl AsRef<Path>) -> Option<PathBuf> {
    roots()
        .into_iter()
        .map(|r| r.join(rel.as_ref()))
        .find(|p| p.exists())
}

/// A path as given where it exists (or is absolute), else the first root's that does; as given
/// when none has it, so that the error names what was asked for.
pub fn resolve(path: &Path) -> PathBuf {
    if path.is_absolute() || path.exists() {
        return path.to_path_buf();
    }
    find(path).unwrap_or_else(|| path.to_path_buf())
}
