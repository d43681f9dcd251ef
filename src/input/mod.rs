//! Articles in: JSONL (plain or .gz), `.txt` files, web pages (`.html` / `.htm`, plain or .gz),
//! WARC archives (`.warc`, `.warc.gz`), folders of text files and pages, or `-` for stdin (JSONL).
//! Read lazily, one article at a time, so memory stays bounded whatever the corpus size.
//! A bad line becomes an [`Input::Bad`] that the pipeline turns into an error record.

pub mod web;

use crate::doc::{Doc, KEPT_FIELDS};
use crate::error::{ErrorKind, RecordError};
use crate::text::id_hash;
use anyhow::{bail, Context, Result};
use flate2::read::MultiGzDecoder;
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use web::{WarcCounts, WarcReader};

mod jsonl;
pub use jsonl::{parse_line, Fields};

mod shard;
pub use shard::Shard;

#[derive(Debug, Clone, PartialEq)]
/// An input article.
pub struct Article {
    /// Its id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// Input fields kept for the record.
    pub meta: Map<String, Value>,
    /// The record carries the text (a web page's extracted text, or `--with-text`).
    pub keep_text: bool,
}

impl Article {
    /// The Doc the stages annotate.
    pub fn into_doc(self) -> Doc {
        let mut d = Doc::new(self.id, self.text);
        d.meta = self.meta;
        d.keep_text = self.keep_text;
        d
    }
}

/// Articles longer than this (in UTF-8 bytes) get an error record by default: past it an
/// "article" is most likely a dump or a concatenation, and would hold the run for many minutes.
pub const MAX_TEXT_BYTES: usize = 10 << 20;

const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone)]
/// One input: an article, or what kept it from being one.
pub enum Input {
    /// An article to process.
    Article(Article),
    /// An input that gives an error record.
    Bad {
        /// Its id, when one could be read.
        id: Option<String>,
        /// What is wrong with it.
        error: RecordError,
    },
}

impl Input {
    /// The id its record will have.
    pub fn record_id(&self) -> String {
        match self {
            Input::Article(a) => a.id.clone(),
            Input::Bad { id, error } => id.clone().unwrap_or_else(|| error.fallback_id()),
        }
    }
}

enum Source {
    Jsonl {
        name: String,
        reader: Box<dyn BufRead + Send>,
        line: usize,
    },
    Text(PathBuf),
    Page(PathBuf),
    Warc {
        name: String,
        reader: WarcReader<Box<dyn BufRead + Send>>,
    },
}

/// What a file's name says it holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Form {
    Jsonl,
    Text,
    Page,
    Warc,
}

impl Form {
    fn of(path: &std::path::Path) -> Form {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        // pages and archives may be gzipped; a .txt.gz is read as JSONL, as before pages
        let bare = name.strip_suffix(".gz").unwrap_or(&name);
        if bare.ends_with(".warc") {
            Form::Warc
        } else if bare.ends_with(".html") || bare.ends_with(".htm") {
            Form::Page
        } else if name.ends_with(".txt") {
            Form::Text
        } else {
            Form::Jsonl
        }
    }
}

/// A page file's article id: its name without extensions ("story.html.gz" → "story").
fn page_id(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    let mut keep = lower.len();
    for ext in [".gz", ".html", ".htm"] {
        if lower[..keep].ends_with(ext) {
            keep -= ext.len();
        }
    }
    name[..keep].to_string()
}

/// One web page to its article, or to a `no_article` error.
pub fn page_input(id: String, html: &[u8], url: Option<&str>) -> Input {
    match web::page::read(html, url) {
        Some(page) => Input::Article(Article {
            id,
            text: page.text,
            meta: page.meta,
            keep_text: true,
        }),
        None => Input::Bad {
            id: Some(id),
            error: bad(
                ErrorKind::NoArticle,
                format!(
                    "the page has no article text (fewer than {} words of main text)",
                    web::page::MIN_WORDS
                ),
                None,
            ),
        },
    }
}

/// The articles of all inputs, in order.
pub struct Corpus {
    sources: VecDeque<Source>,
    fields: Fields,
    max_text_bytes: usize,
    /// Bytes consumed so far, for progress over plain files.
    bytes_read: Arc<AtomicU64>,
    bytes_total: Option<u64>,
    with_text: bool,
    warc: Arc<Mutex<WarcCounts>>,
}

struct Counting<R> {
    inner: R,
    n: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.fetch_add(k as u64, Ordering::Relaxed);
        Ok(k)
    }
}

impl Corpus {
    /// Opens every input now, so that a missing or unreadable one fails before any work.
    pub fn open(inputs: &[PathBuf], fields: Fields) -> crate::Result<Self> {
        Self::open_at(inputs, fields).map_err(crate::Error::Input)
    }

    fn open_at(inputs: &[PathBuf], fields: Fields) -> Result<Self> {
        let bytes_read = Arc::new(AtomicU64::new(0));
        let mut sources = VecDeque::new();
        let mut total = Some(0u64);
        let inputs = if inputs.is_empty() {
            vec![PathBuf::from("-")]
        } else {
            inputs.to_vec()
        };
        for p in &inputs {
            if p.as_os_str() == "-" {
                total = None;
                let r = Counting {
                    inner: std::io::stdin(),
                    n: bytes_read.clone(),
                };
                sources.push_back(Source::Jsonl {
                    name: "stdin".into(),
                    reader: Box::new(BufReader::new(r)),
                    line: 0,
                });
                continue;
            }
            let meta = std::fs::metadata(p)
                .with_context(|| format!("cannot read input {}", p.display()))?;
            if meta.is_dir() {
                let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                    .with_context(|| format!("cannot read folder {}", p.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| matches!(Form::of(f), Form::Text | Form::Page) && f.is_file())
                    .collect();
                files.sort();
                if files.is_empty() {
                    bail!("folder {} has no .txt or .html / .htm files", p.display());
                }
                for f in files {
                    total = total.map(|t| t + f.metadata().map(|m| m.len()).unwrap_or(0));
                    sources.push_back(match Form::of(&f) {
                        Form::Page => Source::Page(f),
                        _ => Source::Text(f),
                    });
                }
                continue;
            }
            let file =
                File::open(p).with_context(|| format!("cannot open input {}", p.display()))?;
            let name = p.display().to_string();
            let form = Form::of(p);
            if matches!(form, Form::Text | Form::Page) {
                total = total.map(|t| t + meta.len());
                sources.push_back(match form {
                    Form::Page => Source::Page(p.clone()),
                    _ => Source::Text(p.clone()),
                });
            } else if form == Form::Warc {
                total = total.map(|t| t + meta.len());
                let r = Counting {
                    inner: file,
                    n: bytes_read.clone(),
                };
                // a .warc.gz's progress counts compressed bytes against the compressed size
                let r: Box<dyn BufRead + Send> = if name.ends_with(".gz") {
                    Box::new(BufReader::new(MultiGzDecoder::new(BufReader::new(r))))
                } else {
                    Box::new(BufReader::with_capacity(1 << 16, r))
                };
                sources.push_back(Source::Warc {
                    name,
                    reader: WarcReader::new(r),
                });
            } else if name.ends_with(".gz") {
                total = None; // compressed size says little about progress
                let r = MultiGzDecoder::new(Counting {
                    inner: file,
                    n: bytes_read.clone(),
                });
                sources.push_back(Source::Jsonl {
                    name,
                    reader: Box::new(BufReader::new(r)),
                    line: 0,
                });
            } else {
                total = total.map(|t| t + meta.len());
                let r = Counting {
                    inner: file,
                    n: bytes_read.clone(),
                };
                sources.push_back(Source::Jsonl {
                    name,
                    reader: Box::new(BufReader::with_capacity(1 << 16, r)),
                    line: 0,
                });
            }
        }
        Ok(Corpus {
            sources,
            fields,
            max_text_bytes: MAX_TEXT_BYTES,
            bytes_read,
            bytes_total: total,
            with_text: false,
            warc: Default::default(),
        })
    }

    /// JSONL from any reader (a socket, a decoder, bytes in memory), named `name` in messages.
    pub fn from_reader(name: &str, reader: impl BufRead + Send + 'static, fields: Fields) -> Self {
        Corpus {
            sources: VecDeque::from([Source::Jsonl {
                name: name.into(),
                reader: Box::new(reader),
                line: 0,
            }]),
            fields,
            max_text_bytes: MAX_TEXT_BYTES,
            bytes_read: Arc::new(AtomicU64::new(0)),
            bytes_total: None,
            with_text: false,
            warc: Default::default(),
        }
    }

    /// Every record carries its text (`--with-text`); web pages' records always do.
    pub fn with_text(mut self, yes: bool) -> Self {
        self.with_text = yes;
        self
    }

    /// The WARC records read so far, by what became of them; filled as the corpus is read.
    pub fn warc_counts(&self) -> Arc<Mutex<WarcCounts>> {
        self.warc.clone()
    }

    /// Articles longer than `bytes` become error records (default [`MAX_TEXT_BYTES`]).
    pub fn max_text_bytes(mut self, bytes: usize) -> Self {
        self.max_text_bytes = bytes;
        self
    }

    /// Total input bytes when known (plain files), and a counter of bytes read.
    pub fn progress_bytes(&self) -> (Option<u64>, Arc<AtomicU64>) {
        (self.bytes_total, self.bytes_read.clone())
    }
}

impl Iterator for Corpus {
    type Item = Result<Input>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut input = self.read();
        if let Some(Ok(Input::Article(a))) = &mut input {
            a.keep_text |= self.with_text;
        }
        match input {
            Some(Ok(Input::Article(a))) if a.text.len() > self.max_text_bytes => {
                let message = format!(
                    "the text has {} bytes, more than the {} allowed (--max-article-mib)",
                    a.text.len(),
                    self.max_text_bytes
                );
                Some(Ok(Input::Bad {
                    id: Some(a.id),
                    error: bad(ErrorKind::TooLarge, message, None),
                }))
            }
            other => other,
        }
    }
}

impl Corpus {
    fn read(&mut self) -> Option<Result<Input>> {
        loop {
            let fields = &self.fields;
            match self.sources.front_mut()? {
                Source::Text(path) => {
                    let path = path.clone();
                    self.sources.pop_front();
                    let bytes = match std::fs::read(&path) {
                        Ok(b) => b,
                        Err(e) => {
                            return Some(
                                Err(e).with_context(|| format!("cannot read {}", path.display())),
                            )
                        }
                    };
                    self.bytes_read
                        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    let id = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let bytes = match bytes.strip_prefix(BOM) {
                        Some(rest) => rest.to_vec(),
                        None => bytes,
                    };
                    return Some(Ok(match String::from_utf8(bytes) {
                        Ok(text) => Input::Article(Article {
                            id,
                            text,
                            meta: Map::new(),
                            keep_text: false,
                        }),
                        Err(_) => Input::Bad {
                            id: Some(id),
                            error: bad(ErrorKind::InvalidUtf8, "file is not UTF-8".into(), None),
                        },
                    }));
                }
                Source::Page(path) => {
                    let path = path.clone();
                    self.sources.pop_front();
                    let read = std::fs::read(&path).and_then(|b| {
                        self.bytes_read.fetch_add(b.len() as u64, Ordering::Relaxed);
                        if path
                            .extension()
                            .is_some_and(|x| x.eq_ignore_ascii_case("gz"))
                        {
                            let mut out = Vec::new();
                            MultiGzDecoder::new(&b[..]).read_to_end(&mut out)?;
                            Ok(out)
                        } else {
                            Ok(b)
                        }
                    });
                    let id = page_id(&path);
                    return Some(Ok(match read {
                        Ok(html) => page_input(id, &html, None),
                        Err(e) => Input::Bad {
                            id: Some(id),
                            error: bad(
                                ErrorKind::Unreadable,
                                format!("cannot read {}: {e}", path.display()),
                                None,
                            ),
                        },
                    }));
                }
                Source::Warc { name, reader } => match reader.next() {
                    Some(web::warc::WarcItem::Page(p)) => {
                        return Some(Ok(page_input(p.id, &p.html, p.url.as_deref())))
                    }
                    Some(web::warc::WarcItem::Torn { id, message }) => {
                        // cut before its id: the archive and the record's number name it
                        let id =
                            id.unwrap_or_else(|| format!("{name}#{}", reader.counts.records + 1));
                        return Some(Ok(Input::Bad {
                            id: Some(id),
                            error: bad(ErrorKind::Unreadable, message, None),
                        }));
                    }
                    None => {
                        let counts = std::mem::take(&mut reader.counts);
                        let mut all = self.warc.lock().unwrap_or_else(|e| e.into_inner());
                        all.records += counts.records;
                        all.pages += counts.pages;
                        for (why, n) in counts.skipped {
                            *all.skipped.entry(why).or_default() += n;
                        }
                        drop(all);
                        self.sources.pop_front();
                        continue;
                    }
                },
                Source::Jsonl { name, reader, line } => {
                    let mut buf = Vec::new();
                    match reader.read_until(b'\n', &mut buf) {
                        Ok(0) => {
                            self.sources.pop_front();
                            continue;
                        }
                        Ok(_) => {
                            *line += 1;
                            if buf.iter().all(u8::is_ascii_whitespace) {
                                continue; // a blank line is no article
                            }
                            return Some(Ok(parse_line(&buf, *line, fields)));
                        }
                        Err(e) => {
                            // A truncated .gz, say: what came before stays, the torn line
                            // gets an error record, and the next input goes on.
                            let error = bad(
                                ErrorKind::Unreadable,
                                format!("cannot read {name} past line {line}: {e}"),
                                Some(*line + 1),
                            );
                            self.sources.pop_front();
                            return Some(Ok(Input::Bad { id: None, error }));
                        }
                    }
                }
            }
        }
    }
}

fn bad(kind: ErrorKind, message: String, line: Option<usize>) -> RecordError {
    RecordError {
        kind,
        message,
        line,
    }
}

#[cfg(test)]
mod tests;
