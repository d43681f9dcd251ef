//! The command line: subcommands and their flags (clap).

use clap::{Args, Parser, Subcommand};
use newsie::input::Shard;
use newsie::model::{Backend, Precision};
use std::path::PathBuf;

/// The splits of the stance set (tests/data/stance.jsonl).
const SPLITS: [&str; 6] = ["train", "test", "fresh", "extra", "pages", "pages-heldout"];

#[derive(Parser)]
#[command(
    name = "newsie",
    version,
    about = "Entities, places and reported positions from news, as JSONL"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// One JSONL record per input article, in input order.
    Extract(ExtractArgs),
    /// Scores the models on annotated data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Words, sentences and quotations of each article as JSONL (code point offsets), as the
    /// models see them; the training scripts read this.
    Segment {
        /// Same inputs as extract.
        #[arg(default_value = "-")]
        inputs: Vec<PathBuf>,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// One self-contained HTML page of a run's records: counts, speakers, places on a map, and
    /// each article with its entities and positions marked.
    Report(ReportArgs),
    /// Groups a run's positions into issues by the meaning of their contents: each issue's
    /// label, keywords and positions, and a speaker × issue table of stances (JSON; CSV too).
    Issues(IssuesArgs),
    /// A run's records as tables that join on their keys (articles, entities, mentions,
    /// positions, places, quotes; issues given `newsie issues` output), as Parquet or CSV;
    /// copies of one story (wire copies, syndication, updates) marked or dropped.
    Export(ExportArgs),
    /// One id per real person and organisation across a run's records (JSONL of corpus
    /// entities: id, name, aliases, role, affiliation, counts); `--records-out` writes the
    /// records with each PER and ORG entity's `corpus_id`.
    Entities(EntitiesArgs),
}

#[derive(Args)]
pub struct EntitiesArgs {
    /// The JSONL written by `newsie extract` (several files: the shards of one run).
    #[arg(required = true)]
    pub records: Vec<PathBuf>,
    /// The corpus entities' JSONL (default: stdout).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also write the records here, each PER and ORG entity with its `corpus_id`.
    #[arg(long)]
    pub records_out: Option<PathBuf>,
    #[command(flatten)]
    pub aliases: AliasesArg,
    /// No summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct AliasesArg {
    /// A user's names for entities: TSV of alias, id, name (e.g. from a Wikidata export); a
    /// name listed takes the user's id and name.
    #[arg(long)]
    pub aliases: Option<PathBuf>,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The JSONL written by `newsie extract` (several files: the shards of one run).
    #[arg(required = true)]
    pub records: Vec<PathBuf>,
    #[command(flatten)]
    pub aliases: AliasesArg,
    /// The folder the tables go to.
    #[arg(short, long)]
    pub output: PathBuf,
    /// The tables' format.
    #[arg(long, value_enum, default_value = "parquet")]
    pub format: newsie::analysis::export::table::Format,
    /// The JSON written by `newsie issues` over the same records, for the issues tables.
    #[arg(long)]
    pub issues: Option<PathBuf>,
    /// Leave the copies of a story (all but its earliest article) out of every table.
    #[arg(long)]
    pub drop_duplicates: bool,
    /// No summary.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct IssuesArgs {
    /// The JSONL written by `newsie extract`.
    pub records: PathBuf,
    #[command(flatten)]
    pub aliases: AliasesArg,
    /// The JSON to write (default: stdout).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also write issues.csv, issue_positions.csv and speakers.csv into this folder.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Cosine to an issue's centre at least, for a position to join it.
    #[arg(long, default_value_t = 0.4)]
    pub threshold: f32,
    /// Cosine between two issues' centres at least, to make them one.
    #[arg(long, default_value_t = 0.55)]
    pub merge: f32,
    /// Issues with fewer positions are dropped.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub min_size: u32,
    /// Worker threads; default: all cores.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Number format of the encoder (as extract's).
    #[arg(long, value_enum, default_value = "auto")]
    pub precision: Precision,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct ReportArgs {
    /// The JSONL written by `newsie extract`.
    pub records: PathBuf,
    /// The corpus the records came from (same forms as extract's inputs), to show the texts.
    #[arg(long, num_args = 1..)]
    pub articles: Vec<PathBuf>,
    /// JSON field holding the article id in --articles.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSON field holding the article text in --articles.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// The HTML file to write.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Country outlines, TopoJSON (default: world-atlas's countries-110m.json that
    /// scripts/setup fetches into the newsie cache).
    #[arg(long)]
    pub map: Option<PathBuf>,
    /// Page heading (default: the records file's name).
    #[arg(long)]
    pub title: Option<String>,
    /// The JSON `newsie issues` wrote over these records: the page then shows the issues.
    #[arg(long)]
    pub issues: Option<PathBuf>,
}

#[derive(Args)]
pub struct RunArgs {
    /// Worker threads (rayon and libtorch); default: all cores.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Windows per model batch at most (a batch also holds at most 2,048 wordpieces).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..))]
    pub batch_size: u16,
    /// Number format at inference: bf16 where the CPU has it natively (auto), or fp32 / bf16;
    /// fast: as auto with the CPU's AMX kernels too, faster where there is AMX, but the output
    /// then changes in the last digits with --threads and --batch-size.
    #[arg(long, value_enum, default_value = "auto")]
    pub precision: Precision,
    /// What runs the models: torch (rust-bert on libtorch) or onnx (ONNX Runtime, int8; fp32
    /// with --precision fp32), the graphs scripts/setup exports of the shipped models.
    #[arg(long, value_enum, default_value = "torch")]
    pub backend: Backend,
    /// Folder holding the models (ner/ ...); default: `models/` of `$NEWSIE_HOME`, of the
    /// install beside the executable (`../share/newsie`) or of the checkout it was built in.
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// The gazetteer (default: the one scripts/setup builds into the newsie cache).
    #[arg(long)]
    pub gazetteer: Option<PathBuf>,
    /// Top-level positions only: contents are not read again for the positions they report
    /// (faster where most of the text is reported speech).
    #[arg(long)]
    pub no_nested: bool,
    /// Places resolved with less confidence (0 to 1) keep their best candidate, marked
    /// `"confident": false`.
    #[arg(long, default_value_t = newsie::stages::places::THRESHOLD, value_parser = threshold)]
    pub place_threshold: f32,
    /// Candidate positions less probable than this (0 to 1) are not positions (default: the
    /// threshold the bundled precision weights were fitted with).
    #[arg(long, value_parser = threshold)]
    pub position_threshold: Option<f32>,
    /// Positions inside positions less probable than this are not positions (default: the
    /// bundled precision weights').
    #[arg(long, value_parser = threshold)]
    pub nested_threshold: Option<f32>,
    /// Which candidates count as positions: broad (PolNeAR's attributions too: endorsements,
    /// criticism, actions taken as stances) or strict (only what docs/positions.md names a
    /// position; fewer, more of them right on web pages); docs/reported-positions.md has the
    /// figures of both.
    #[arg(long, value_enum, default_value = "broad")]
    pub positions: newsie::stages::attribution::Reading,
    /// Keep the candidate positions that are less probable than the precision threshold,
    /// marked `"candidate": true`.
    #[arg(long)]
    pub all_candidates: bool,
    /// Keep the positions of texts in other languages than English (the models read English:
    /// such a record gets its `language` and, by default, no positions).
    #[arg(long)]
    pub all_languages: bool,
}

fn threshold(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a number from 0 to 1")),
    }
}

#[derive(Args)]
pub struct ExtractArgs {
    /// JSONL (.jsonl, .jsonl.gz), .txt files, web pages (.html, .htm, also .gz), WARC archives
    /// (.warc, .warc.gz), folders of .txt and page files, or - for stdin (JSONL).
    #[arg(default_value = "-")]
    pub inputs: Vec<PathBuf>,
    /// Every record carries the article's text (web pages' records always do).
    #[arg(long)]
    pub with_text: bool,
    /// Output file (default: stdout).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// JSON field holding the article id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSON field holding the article text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Stop at the first bad input instead of writing an error record.
    #[arg(long)]
    pub strict: bool,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Complete OUTPUT after a run that was killed: keeps its whole chunks, drops the rest (a
    /// torn last line included) and goes on from there, so that OUTPUT ends as an uninterrupted
    /// run would have written it. Same inputs and flags as that run.
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Only share K of N of the inputs (K = 1..N), chosen by article id: N machines (a Slurm job
    /// array) together write every record once.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Longer articles get an error record (too_large) instead of holding the run.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_article_mib: u32,
    /// Text read and annotated at a time, in KiB: bounds memory.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_kib: u32,
    #[command(flatten)]
    pub run: RunArgs,
}

/// `newsie eval positions`.
#[derive(Args)]
pub struct PositionsArgs {
    /// The labels (page ids, offsets, labels).
    #[arg(long, default_value = "tests/data/positions-pages.jsonl", value_parser = home_path)]
    pub gold: PathBuf,
    /// Folder of the labelled pages (`<key>.html.gz`), run through the pipeline.
    #[arg(long, required_unless_present = "records")]
    pub pages: Option<PathBuf>,
    /// Score these records instead (`newsie extract PAGES --with-text`).
    #[arg(long, conflicts_with_all = ["pages", "fit"])]
    pub records: Option<PathBuf>,
    /// The pages scored: tune (fitted on), heldout (the third kept aside) or all.
    #[arg(long, default_value = "tune", value_parser = ["tune", "heldout", "all"])]
    pub split: String,
    /// Fit the precision weights on the split's pages and write them here (JSON).
    #[arg(long, requires = "pages")]
    pub fit: Option<PathBuf>,
    /// With `--polnear`: candidates of its articles judged by docs/positions.md (JSONL: article,
    /// cue, content, position); those articles are fitted on, by those judgements.
    #[arg(long, requires = "polnear")]
    pub news_labels: Option<PathBuf>,
    /// Folds by page for the threshold `--fit` chooses.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// L2 penalty of the fit.
    #[arg(long, default_value_t = 0.001)]
    pub l2: f32,
    /// A PolNeAR split (`text/`, `attributions/`) whose candidates `--fit` learns from too,
    /// so that the threshold keeps clean news' attributions.
    #[arg(long, requires = "fit")]
    pub polnear: Option<PathBuf>,
    /// Every k-th article of `--polnear`, in name order.
    #[arg(long, default_value_t = 6)]
    pub polnear_every: usize,
    /// The threshold `--fit` writes (default: the best pages F1 out of fold).
    #[arg(long, requires = "fit", value_parser = threshold)]
    pub threshold: Option<f32>,
    /// Print the scores as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Entity-level precision, recall and F1 on a CoNLL column file.
    Ner {
        #[arg(long)]
        conll: PathBuf,
        /// Write `token gold pred` lines here.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Source, Cue, Content and whole attributions (exact and overlap P/R/F1) on a PolNeAR-style
    /// folder: `text/*.txt` and `attributions/*.ann` (brat; first annotator in name order).
    Attribution {
        #[arg(long)]
        polnear: PathBuf,
        /// Write one brat `<article>.ann` per article into this folder.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Positions inside positions on a hand-written set (tests/data/nested.jsonl): precision
    /// and recall of the inner positions, and their speakers linked to the right entity.
    Nested {
        #[arg(long, default_value = "tests/data/nested.jsonl", value_parser = home_path)]
        set: PathBuf,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Positions on hand-labelled web pages (docs/positions.md): precision, recall, and of the
    /// matched speaker right, stance right and fully right, per page, with the stance confusion;
    /// `--fit` fits the precision stage's weights on the split's pages.
    Positions(PositionsArgs),
    /// Corpus ids on the hand-labelled set of docs/entities.md: B³ and pairwise precision and
    /// recall over its gold mentions, beside entities joined by their exact name.
    Entities {
        #[arg(long, default_value = "tests/data/entities-gold.jsonl", value_parser = home_path)]
        gold: PathBuf,
        /// The PolNeAR folder (`dev/text/` inside).
        #[arg(long)]
        polnear: PathBuf,
        /// The web pages' folder (`<key>.html.gz`).
        #[arg(long)]
        pages: PathBuf,
        /// The articles scored: tune, heldout (the third kept aside) or all.
        #[arg(long, default_value = "tune", value_parser = ["tune", "heldout", "all"])]
        split: String,
        #[command(flatten)]
        aliases: AliasesArg,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Speakers' roles and affiliations on a hand-labelled set (tests/data/roles.jsonl):
    /// precision and recall.
    Roles {
        #[arg(long, default_value = "tests/data/roles.jsonl", value_parser = home_path)]
        set: PathBuf,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Stance on the labelled set (tests/data/stance.jsonl, docs/stance.md): accuracy, macro-F1
    /// and confusion of the bundled weights beside the cue-word rule; `--fit` writes new weights
    /// fitted on the splits `--fit-on` names (the train split by default).
    Stance {
        #[arg(long, default_value = "tests/data/stance.jsonl", value_parser = home_path)]
        set: PathBuf,
        /// PolNeAR dev (`text/` inside) for the set's PolNeAR items; without it they are left out.
        #[arg(long)]
        polnear: Option<PathBuf>,
        /// The split scored: train, test (the third kept aside), fresh (labelled before any
        /// weights saw them), extra (labelled later, not fitted on by the bundled weights) or all.
        #[arg(long, default_value = "test", value_parser = ["train", "test", "fresh", "extra", "pages", "pages-heldout", "all"])]
        split: String,
        /// The labelled web pages' folder (`../shared/data/article-extraction/html`): the
        /// positions of `--positions` join the set as splits `pages` (tune) and `pages-heldout`.
        #[arg(long)]
        pages: Option<PathBuf>,
        /// The positions labelled on those pages (docs/positions.md).
        #[arg(long, default_value = "tests/data/positions-pages.jsonl", value_parser = home_path)]
        positions: PathBuf,
        /// The splits `--fit` and `--folds` learn from (comma-separated); other than `train`, the
        /// scores of weights fitted on them are printed too.
        #[arg(long, default_value = "train", value_delimiter = ',', value_parser = SPLITS)]
        fit_on: Vec<String>,
        /// Also K-fold cross-validation on the splits fitted on.
        #[arg(long, default_value_t = 0)]
        folds: usize,
        /// Fit the weights on `--fit-on` and write them here (JSON).
        #[arg(long)]
        fit: Option<PathBuf>,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The place ranker fitted and checked: k-fold cross-validation by article over the
    /// training collections, each scored with weights fitted on the others only, the kept-aside
    /// collections, a calibration table and the misses by cause, beside the hand-set weights;
    /// `--fit` writes the weights fitted on every training collection.
    Ranker {
        /// A collection to fit on (LGL / GeoVirus XML); give it once per collection.
        #[arg(long, required = true)]
        train: Vec<PathBuf>,
        /// A collection never fitted on, scored with the weights fitted on all of `--train`.
        #[arg(long)]
        check: Vec<PathBuf>,
        /// Folds of the cross-validation.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// L2 penalty on the weights (0.0001: the best of 0.01 to 0.00001 by cross-validation).
        #[arg(long, default_value_t = 0.0001)]
        l2: f32,
        /// Write the weights fitted on every training collection here (JSON, the layout of
        /// src/stages/places/ranker.json).
        #[arg(long)]
        fit: Option<PathBuf>,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Main-text extraction on saved article pages against the bodies people marked: word
    /// 4-gram precision and recall per page, averaged, and F1, on all pages and on each fixed
    /// half (tune, held-out).
    Articles {
        /// Folder of `<key>.html` or `<key>.html.gz` pages.
        #[arg(long)]
        pages: PathBuf,
        /// JSON `{key: {"articleBody": …}}`.
        #[arg(long)]
        truth: PathBuf,
        /// Also score the extractors tried (rs-trafilatura without newsie's cleaning,
        /// dom_smoothie, readability), on a build with `--features compare-extractors`.
        #[arg(long)]
        compare: bool,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Toponym resolution on LGL / TR-News or GeoVirus XML, or on toponyms labelled on web pages
    /// (tests/data/geo-pages.jsonl with --pages): accuracy within 161 km, median error, AUC, and
    /// the same with each ranking signal taken out.
    Places {
        /// The gold toponyms: an XML collection, or a `.jsonl` of page ids and offsets
        /// (docs/places-labels.md).
        #[arg(long)]
        gazetteer_xml: PathBuf,
        /// The labelled web pages' folder (`../shared/data/article-extraction/html`), for a
        /// `.jsonl` gold file.
        #[arg(long)]
        pages: Option<PathBuf>,
        /// Write one JSON line per toponym here.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
}

/// A path as given where it exists, else where newsie's roots hold it (`newsie::home`): the
/// defaults `models` and `tests/data/…` are found beside the executable, never at a path of the
/// build.
fn home_path(s: &str) -> Result<PathBuf, String> {
    Ok(newsie::home::resolve(std::path::Path::new(s)))
}
