//! The order of the stages, and the streaming around them.
//!
//! Articles are read in chunks; each stage in turn annotates the whole chunk (rule stages in
//! parallel, article by article; the model stage batches the windows of the chunk, see
//! [`Tag`]). Records are written in input order, a chunk at a time. A window's scores do not
//! depend on the other windows of its batch, so neither the thread count nor the batch or chunk
//! size changes the output.

use crate::doc::Doc;
use crate::input::{Article, Input};
use crate::model::{self, Runtime, TokenClassifier};
use crate::output::record::Record;
use crate::output::RecordSink;
use crate::stages::attribution::{
    self, Attribution, ModelStances, Nested, PrecisionStage, Roles, SignedQuotations, Speakers,
    Stances, Turns,
};
use crate::stages::entities::Entities;
use crate::stages::fingerprint::Fingerprint;
use crate::stages::language::Language;
use crate::stages::ner::{self, Ner};
use crate::stages::places::gazetteer::Gazetteer;
use crate::stages::places::{Places, Resolver, Weights};
use crate::stages::segment::Segment;
use crate::stages::tag::Tag;
use crate::stages::{self, Stage};
use crate::{Error, Result};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::Arc;

/// Articles read, annotated and written together: at most this many, and no more once their text
/// reaches `CHUNK_BYTES` (about 80,000 words, some seconds of work; `--chunk-kib` changes it).
/// Enough windows to sort into batches of even length; bounds memory.
pub const CHUNK_ARTICLES: usize = 1024;
/// See [`CHUNK_ARTICLES`].
pub const CHUNK_BYTES: usize = 512 << 10;

#[derive(Debug, Clone)]
/// How a pipeline runs.
pub struct Options {
    /// Windows per model batch at most.
    pub batch_size: usize,
    /// A bad input line stops the run instead of giving an error record.
    pub strict: bool,
    /// Text per chunk (`CHUNK_BYTES` by default): bounds memory.
    pub chunk_bytes: usize,
    /// Positions inside positions: contents read again for the speech acts they report.
    pub nested: bool,
    /// Places resolved with less confidence are marked `"confident": false`
    /// (`places::THRESHOLD` by default).
    pub place_threshold: f32,
    /// Candidates less probable than this are not positions (`None`: the bundled weights').
    pub position_threshold: Option<f32>,
    /// Positions inside positions less probable than this are not positions (`None`: the
    /// bundled weights').
    pub nested_threshold: Option<f32>,
    /// Which candidates count as positions (the precision weights).
    pub reading: attribution::Reading,
    /// Positions below the precision threshold are kept, marked `candidate`.
    pub all_candidates: bool,
    /// Positions of texts in other languages than English are kept.
    pub all_languages: bool,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Records written.
    pub articles: u64,
    /// Error records among them.
    pub errors: u64,
    /// Words of the articles.
    pub words: u64,
    /// Records whose id an earlier record had (all are written).
    pub duplicate_ids: u64,
    /// The first id seen twice.
    pub first_duplicate: Option<String>,
}

/// The models a run uses, run on the same windows, batch by batch, and the heads it reads.
pub struct Models {
    /// The models, each with one head or more.
    pub models: Vec<Box<dyn TokenClassifier>>,
    /// The heads read over whole articles ("ner", "attribution"), in order.
    pub heads: Vec<String>,
    /// The heads a stage reads over parts of articles ("stance": each position's words).
    pub on_demand: Vec<String>,
}

impl Models {
    /// The models of a folder: the `ner` head, and the `attribution` head when asked for
    /// (`newsie eval ner` needs only entities).
    pub fn load(dir: &Path, rt: impl Into<Runtime>, attribution: bool) -> Result<Self> {
        let mut wanted = vec![ner::HEAD];
        if attribution {
            wanted.push(attribution::HEAD);
        }
        // the stance model is optional: without it stances come from the features alone
        let on_demand: Vec<&str> = if attribution && model::has_head(dir, ModelStances::HEAD) {
            vec![ModelStances::HEAD]
        } else {
            vec![]
        };
        let all: Vec<&str> = wanted.iter().chain(&on_demand).copied().collect();
        Ok(Models {
            models: model::load_heads(dir, rt, &all).map_err(Error::Model)?,
            heads: wanted.into_iter().map(String::from).collect(),
            on_demand: on_demand.into_iter().map(String::from).collect(),
        })
    }
}

/// An ordered list of stages, and the chunked streaming of a corpus through them.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
    /// The model stage, also in `stages`.
    tag: Option<Arc<Tag>>,
    /// Absent when places are not wanted (`newsie eval ner`).
    gazetteer: Option<Arc<Gazetteer>>,
    opts: Options,
    provenance: Value,
}

impl Pipeline {
    /// extract's stages: segment, the models, and the decoding stages of the heads they have;
    /// places when there is a gazetteer.
    pub fn new(models: Models, gazetteer: Option<Gazetteer>, opts: Options) -> Result<Self> {
        let heads = [models.heads, models.on_demand.clone()].concat();
        let tag = Tag::new(models.models, heads, opts.batch_size).map_err(Error::Model)?;
        let tag = Arc::new(tag.on_demand(&models.on_demand));
        let gazetteer = gazetteer.map(Arc::new);
        let mut stages: Vec<Box<dyn Stage>> = vec![
            Box::new(Segment),
            Box::new(Language),
            Box::new(Fingerprint),
            Box::new(tag.clone()),
        ];
        if let Some(labels) = tag.labels(ner::HEAD) {
            stages.push(Box::new(Ner::new(labels).map_err(Error::Model)?));
            stages.push(Box::new(Entities));
        }
        if let Some(labels) = tag.labels(attribution::HEAD) {
            stages.push(Box::new(Attribution::new(labels).map_err(Error::Model)?));
            stages.push(Box::new(SignedQuotations));
            stages.push(Box::new(Turns));
            stages.push(Box::new(Speakers));
            stages.push(Box::new(Stances));
            if opts.nested {
                stages.push(Box::new(Nested::new(tag.clone()).map_err(Error::Model)?));
            }
            stages.push(Box::new(Roles));
            let mut precision =
                PrecisionStage::new(opts.reading, opts.all_candidates, opts.all_languages);
            if let Some(t) = opts.position_threshold {
                precision.threshold = t;
            }
            if let Some(t) = opts.nested_threshold {
                precision.nested_threshold = t;
            }
            stages.push(Box::new(precision));
            if tag.labels(ModelStances::HEAD).is_some() {
                stages.push(Box::new(
                    ModelStances::new(tag.clone()).map_err(Error::Model)?,
                ));
            }
        }
        if let Some(g) = &gazetteer {
            stages.push(Box::new(Places {
                gazetteer: g.clone(),
                threshold: opts.place_threshold,
            }));
        }
        let mut pipeline = Pipeline::with_stages(stages, opts)?;
        pipeline.tag = Some(tag);
        pipeline.gazetteer = gazetteer;
        Ok(pipeline)
    }

    /// A pipeline of these stages, in this order; refused when a stage needs what no stage
    /// before it adds.
    pub fn with_stages(stages: Vec<Box<dyn Stage>>, opts: Options) -> Result<Self> {
        stages::check(&stages)?;
        let provenance: Map<String, Value> = stages.iter().flat_map(|s| s.provenance()).collect();
        Ok(Pipeline {
            stages,
            tag: None,
            gazetteer: None,
            opts,
            provenance: Value::Object(provenance),
        })
    }

    /// The stages' names, in order.
    pub fn stage_names(&self) -> Vec<&str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// The model stage (the bench reads its windows).
    pub fn tagger(&self) -> Option<&Tag> {
        self.tag.as_deref()
    }

    /// The places stage's resolver, when the pipeline has a gazetteer.
    pub fn resolver(&self) -> Option<Resolver<'_>> {
        self.gazetteer.as_ref().map(|g| Resolver {
            gazetteer: g,
            weights: Weights::default(),
        })
    }

    /// Every stage on a chunk of Docs, in order (the segment stage keeps words a Doc comes with).
    pub fn annotate(&self, docs: &mut [Doc]) -> Result<()> {
        for s in &self.stages {
            s.annotate_all(docs).map_err(|e| match e {
                Error::Run(e) => Error::Run(e.context(format!("stage '{}'", s.name()))),
                e => e,
            })?;
        }
        Ok(())
    }

    /// Windows per model batch from now on (the output does not change with it).
    pub fn set_batch_size(&mut self, size: usize) {
        if let Some(t) = &self.tag {
            t.set_batch_size(size);
        }
    }

    /// Segments and annotates articles: their Docs, in order.
    pub fn docs(&self, articles: Vec<Article>) -> Result<Vec<Doc>> {
        let mut docs: Vec<Doc> = articles.into_iter().map(Article::into_doc).collect();
        self.annotate(&mut docs)?;
        Ok(docs)
    }

    /// Segments and annotates a chunk of inputs; one record per input, in order.
    pub fn process(&self, chunk: Vec<Input>) -> Result<Vec<Record>> {
        let mut articles = Vec::new();
        let mut slots: Vec<std::result::Result<usize, Record>> = Vec::with_capacity(chunk.len());
        for item in chunk {
            match item {
                Input::Article(a) => {
                    slots.push(Ok(articles.len()));
                    articles.push(a);
                }
                Input::Bad { id, error } => slots.push(Err(Record::error(id, error))),
            }
        }
        let docs = self.docs(articles)?;
        let mut records: Vec<Option<Record>> = docs
            .par_iter()
            .map(|d| Some(d.to_record(&self.provenance)))
            .collect();
        Ok(slots
            .into_iter()
            .map(|s| match s {
                Ok(i) => records[i].take().expect("one record per article"),
                Err(r) => r,
            })
            .collect())
    }

    /// The corpus cut into the chunks `extract` processes. Chunk boundaries depend only on the
    /// input (and `--chunk-bytes`), so a resumed run can restart at one and repeat the bytes.
    pub fn chunks<I: Iterator<Item = anyhow::Result<Input>>>(&self, corpus: I) -> Chunks<I> {
        Chunks {
            corpus: corpus.peekable(),
            strict: self.opts.strict,
            chunk_bytes: self.opts.chunk_bytes,
        }
    }

    /// Reads the corpus, writes one record per article in input order. `progress` is called
    /// after each chunk with the running totals.
    pub fn extract(
        &self,
        corpus: impl Iterator<Item = anyhow::Result<Input>>,
        out: &mut dyn RecordSink,
        progress: &dyn Fn(&Summary),
    ) -> Result<Summary> {
        self.extract_chunks(self.chunks(corpus), out, progress)
    }

    /// `extract` over chunks already cut (some perhaps skipped, on resume).
    pub fn extract_chunks(
        &self,
        chunks: impl Iterator<Item = anyhow::Result<Vec<Input>>>,
        out: &mut dyn RecordSink,
        progress: &dyn Fn(&Summary),
    ) -> Result<Summary> {
        let mut summary = Summary::default();
        // 64-bit hashes, not ids: 16 bytes an article; a collision among 10^8 ids is unlikely
        let mut seen = std::collections::HashSet::new();
        for chunk in chunks {
            let records = self.process(chunk?)?;
            out.write_chunk(&records)?;
            for r in &records {
                summary.articles += 1;
                summary.errors += r.error.is_some() as u64;
                summary.words += r.words as u64;
                if !seen.insert(crate::text::id_hash(&r.id)) {
                    summary.duplicate_ids += 1;
                    summary.first_duplicate.get_or_insert_with(|| r.id.clone());
                }
            }
            progress(&summary);
        }
        out.finish()?;
        Ok(summary)
    }
}

/// Chunks of inputs: at most `CHUNK_ARTICLES` articles, no more once their text reaches the
/// chunk size. A bad input stops it in strict mode.
pub struct Chunks<I: Iterator<Item = anyhow::Result<Input>>> {
    corpus: std::iter::Peekable<I>,
    strict: bool,
    chunk_bytes: usize,
}

impl<I: Iterator<Item = anyhow::Result<Input>>> Iterator for Chunks<I> {
    type Item = anyhow::Result<Vec<Input>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.corpus.peek()?;
        let mut chunk: Vec<Input> = Vec::with_capacity(CHUNK_ARTICLES);
        let mut bytes = 0;
        while chunk.len() < CHUNK_ARTICLES && bytes < self.chunk_bytes {
            let item = match self.corpus.next() {
                Some(Ok(item)) => item,
                Some(Err(e)) => return Some(Err(e)),
                None => break,
            };
            match &item {
                Input::Bad { id, error } if self.strict => {
                    let what = id.clone().or(error.line.map(|l| format!("line {l}")));
                    return Some(Err(anyhow::anyhow!(
                        "bad input {}: {}: {}",
                        what.unwrap_or_default(),
                        error.kind,
                        error.message
                    )));
                }
                Input::Article(a) => bytes += a.text.len(),
                Input::Bad { .. } => {}
            }
            chunk.push(item);
        }
        Some(Ok(chunk))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::Layer;
    use serde_json::json;

    /// A stage outside the core, as a user would add one: it counts the quotations of an
    /// article, and the record carries the count under `extensions`.
    struct QuotationCount;

    impl Stage for QuotationCount {
        fn name(&self) -> &str {
            "quotation count"
        }
        fn requires(&self) -> Vec<Layer> {
            vec![Layer::Words]
        }
        fn adds(&self) -> Vec<Layer> {
            vec![Layer::Extension("quotations".into())]
        }
        fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
            let n = doc.quotations.len();
            doc.extensions.insert("quotations".into(), json!(n));
            Ok(())
        }
    }

    fn opts() -> Options {
        Options {
            batch_size: 8,
            strict: false,
            chunk_bytes: CHUNK_BYTES,
            nested: true,
            place_threshold: crate::stages::places::THRESHOLD,
            position_threshold: None,
            nested_threshold: None,
            reading: Default::default(),
            all_candidates: false,
            all_languages: false,
        }
    }

    #[test]
    fn a_new_stage_is_one_type_and_one_line_in_the_list() {
        let stages: Vec<Box<dyn Stage>> = vec![Box::new(Segment), Box::new(QuotationCount)];
        let pipeline = Pipeline::with_stages(stages, opts()).unwrap();
        assert_eq!(pipeline.stage_names(), ["segment", "quotation count"]);
        let article = |id: &str, text: &str| {
            Input::Article(Article {
                id: id.into(),
                text: text.into(),
                meta: Default::default(),
                keep_text: false,
            })
        };
        let records = pipeline
            .process(vec![
                article("a", "“No,” she said. He said “yes” and “maybe”."),
                article("b", "Nothing quoted."),
            ])
            .unwrap();
        let extensions: Vec<Value> = records
            .iter()
            .map(|r| serde_json::to_value(r).unwrap()["extensions"].clone())
            .collect();
        assert_eq!(
            extensions,
            [json!({"quotations": 3}), json!({"quotations": 0})]
        );
        // out of order, it is refused when the pipeline is built
        let stages: Vec<Box<dyn Stage>> = vec![Box::new(QuotationCount), Box::new(Segment)];
        let err = Pipeline::with_stages(stages, opts()).err().unwrap();
        assert!(
            err.to_string().contains("'quotation count' needs words"),
            "{err}"
        );
    }
}
