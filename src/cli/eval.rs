//! `newsie eval`: scores on annotated data, through the same stages as extract.

use super::args::RunArgs;
use super::{create, pipeline, print_report, Failure, Needs, Phase, NER_ONLY};
use anyhow::{Context, Result};
use newsie::pipeline::Pipeline;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The shared part of `eval ner` and `eval places`: a readable gold file (read once by `check`
/// before the models load, so that a malformed one is the user's to fix: exit 2), the
/// pipeline, an optional predictions file, the report printed.
pub fn eval_file<R: serde::Serialize + std::fmt::Display, G>(
    gold: &Path,
    check: impl FnOnce(&Path) -> Result<G>,
    predictions: Option<&Path>,
    json: bool,
    run: &RunArgs,
    needs: Needs,
    eval: impl FnOnce(&Pipeline, Option<&mut dyn Write>) -> Result<R>,
) -> Result<(), Failure> {
    if !gold.is_file() {
        return Err(Failure::Setup(anyhow::anyhow!(
            "cannot read {}",
            gold.display()
        )));
    }
    check(gold).setup()?;
    let pipeline = pipeline(run, false, needs).setup()?;
    let mut pred_out = predictions.map(create).transpose()?;
    let report = eval(&pipeline, pred_out.as_mut().map(|w| w as &mut dyn Write)).running()?;
    if let Some(mut w) = pred_out {
        w.flush().context("cannot write predictions").running()?;
    }
    print_report(&report, json)
}

pub fn eval_ner(
    conll: &Path,
    predictions: Option<&Path>,
    json: bool,
    run: &RunArgs,
) -> Result<(), Failure> {
    let needs = NER_ONLY;
    let check = newsie::eval::ner::read_conll;
    eval_file(conll, check, predictions, json, run, needs, |p, out| {
        newsie::eval::eval_ner(p, conll, out)
    })
}

pub fn eval_attribution(
    dir: &Path,
    predictions: Option<&Path>,
    json: bool,
    run: &RunArgs,
) -> Result<(), Failure> {
    for sub in ["text", "attributions"] {
        if !dir.join(sub).is_dir() {
            return Err(Failure::Setup(anyhow::anyhow!(
                "{} has no {sub}/ folder",
                dir.display()
            )));
        }
    }
    // PolNeAR annotates the top level only, which the nested stage leaves as it is
    let needs = Needs {
        attribution: true,
        ..NER_ONLY
    };
    let pipeline = pipeline(run, false, needs).setup()?;
    let report = newsie::eval::eval_attribution(&pipeline, dir, predictions).running()?;
    print_report(&report, json)
}

pub fn eval_nested(set: &Path, json: bool, run: &RunArgs) -> Result<(), Failure> {
    newsie::eval::nested::read_nested(set).setup()?;
    let needs = Needs {
        attribution: true,
        nested: true,
        ..NER_ONLY
    };
    let pipeline = pipeline(run, false, needs).setup()?;
    let report = newsie::eval::eval_nested(&pipeline, set).running()?;
    print_report(&report, json)
}

pub fn eval_positions(a: super::args::PositionsArgs) -> Result<(), Failure> {
    let (gold, split, mut run) = (a.gold.as_path(), a.split.as_str(), a.run);
    use newsie::eval::positions;
    positions::read_gold(gold, split).setup()?;
    if let Some(records) = &a.records {
        let report = positions::eval_records(records, gold, split).setup()?;
        return print_report(&report, a.json);
    }
    let pages = a
        .pages
        .as_deref()
        .expect("clap requires --pages without --records");
    if !pages.is_dir() {
        return Err(Failure::Setup(anyhow::anyhow!(
            "{} is not a folder of pages",
            pages.display()
        )));
    }
    // every candidate is kept: the fit learns from all, the scores leave the marked ones out
    run.all_candidates = true;
    let needs = Needs {
        attribution: true,
        nested: true,
        ..NER_ONLY
    };
    let pipeline = pipeline(&run, false, needs).setup()?;
    if let Some(out) = &a.fit {
        let report = positions::fit_precision(
            &pipeline,
            pages,
            gold,
            &positions::FitOptions {
                split,
                polnear: a.polnear.as_deref().map(|p| (p, a.polnear_every)),
                folds: a.folds,
                l2: a.l2,
                threshold: a.threshold,
                news_labels: a.news_labels.as_deref(),
            },
        )
        .running()?;
        let text = serde_json::to_string_pretty(&report.model).expect("weights serialize");
        std::fs::write(out, text + "\n")
            .with_context(|| format!("cannot write {}", out.display()))
            .running()?;
        return print_report(&report, a.json);
    }
    let report = positions::eval_positions(&pipeline, pages, gold, split).running()?;
    print_report(&report, a.json)
}

pub fn eval_roles(set: &Path, json: bool, run: &RunArgs) -> Result<(), Failure> {
    newsie::eval::roles::read_roles(set).setup()?;
    let needs = Needs {
        attribution: true,
        ..NER_ONLY
    };
    let pipeline = pipeline(run, false, needs).setup()?;
    let report = newsie::eval::roles::eval_roles(&pipeline, set).running()?;
    print_report(&report, json)
}

/// Where the set's texts are: PolNeAR dev for its PolNeAR items, and the labelled web pages
/// with their positions file.
pub struct StanceTexts<'a> {
    pub polnear: Option<&'a Path>,
    pub pages: Option<(&'a Path, &'a Path)>,
}

pub fn eval_stance(
    set: &Path,
    texts: StanceTexts,
    split: &str,
    fit_on: &[String],
    folds: usize,
    fit: Option<&Path>,
    json: bool,
) -> Result<(), Failure> {
    use newsie::eval::stance;
    let items = stance::read_stance(set).setup()?;
    let mut examples = stance::examples(&items, texts.polnear).setup()?;
    let left_out = items.len() - examples.len();
    if let Some((dir, gold)) = texts.pages {
        examples.extend(stance::page_examples(gold, dir).setup()?);
    }
    if let Some(out) = fit {
        let model = stance::fit(&examples, fit_on);
        let text = serde_json::to_string_pretty(&model).expect("weights serialize");
        std::fs::write(out, text + "\n")
            .with_context(|| format!("cannot write {}", out.display()))
            .running()?;
    }
    let report = stance::eval_stance(&examples, split, fit_on, folds, left_out);
    print_report(&report, json)
}

pub fn eval_places(
    xml: &Path,
    pages: Option<&Path>,
    predictions: Option<&Path>,
    json: bool,
    run: &RunArgs,
) -> Result<(), Failure> {
    let needs = Needs {
        places: true,
        ..NER_ONLY
    };
    let check = |p: &Path| newsie::eval::geo::read_geo(p, pages);
    eval_file(xml, check, predictions, json, run, needs, |p, out| {
        newsie::eval::eval_places(p, xml, pages, &newsie::eval::places::ablations(), out)
    })
}

pub fn eval_ranker(
    train: &[PathBuf],
    check: &[PathBuf],
    folds: usize,
    l2: f32,
    fit: Option<&Path>,
    json: bool,
    run: &RunArgs,
) -> Result<(), Failure> {
    let train: Vec<&Path> = train.iter().map(PathBuf::as_path).collect();
    let check: Vec<&Path> = check.iter().map(PathBuf::as_path).collect();
    for p in train.iter().chain(&check) {
        newsie::eval::geo::read_geo_xml(p).setup()?;
    }
    let needs = Needs {
        places: true,
        ..NER_ONLY
    };
    let pipeline = pipeline(run, false, needs).setup()?;
    let report =
        newsie::eval::ranker::eval_ranker(&pipeline, &train, &check, folds, l2).running()?;
    if let Some(out) = fit {
        let card = serde_json::json!({
            "weights": report.fitted,
            "trained_on": report.sets[..train.len()],
            "l2": l2,
        });
        let text = serde_json::to_string_pretty(&card).expect("weights serialize");
        std::fs::write(out, text + "\n")
            .with_context(|| format!("cannot write {}", out.display()))
            .running()?;
    }
    print_report(&report, json)
}

pub fn eval_articles(pages: &Path, truth: &Path, compare: bool, json: bool) -> Result<(), Failure> {
    use newsie::eval::articles;
    if !pages.is_dir() {
        return Err(Failure::Setup(anyhow::anyhow!(
            "{} is not a folder of pages",
            pages.display()
        )));
    }
    articles::read_truth(truth).setup()?;
    let others = if compare {
        compare_extractors().setup()?
    } else {
        vec![]
    };
    let report = articles::eval_articles(pages, truth, &others).running()?;
    print_report(&report, json)
}

#[cfg(feature = "compare-extractors")]
fn compare_extractors() -> Result<Vec<newsie::eval::articles::Extractor>> {
    fn smoothie(html: &[u8]) -> String {
        let html = String::from_utf8_lossy(html);
        let cfg = dom_smoothie::Config {
            text_mode: dom_smoothie::TextMode::Formatted,
            ..Default::default()
        };
        dom_smoothie::Readability::new(html.as_ref(), None, Some(cfg))
            .ok()
            .and_then(|mut r| r.parse().ok())
            .map(|a| a.text_content.to_string())
            .unwrap_or_default()
    }
    fn readability(html: &[u8]) -> String {
        let url = url::Url::parse("http://example.com/").expect("url");
        readability::extractor::extract(&mut &html[..], &url)
            .map(|p| p.text)
            .unwrap_or_default()
    }
    fn trafilatura(html: &[u8]) -> String {
        rs_trafilatura::extract_bytes(html)
            .map(|r| r.content_text)
            .unwrap_or_default()
    }
    Ok(vec![
        ("rs-trafilatura", trafilatura as fn(&[u8]) -> String),
        ("dom_smoothie", smoothie),
        ("readability", readability),
    ])
}

#[cfg(not(feature = "compare-extractors"))]
fn compare_extractors() -> Result<Vec<newsie::eval::articles::Extractor>> {
    anyhow::bail!("--compare needs a build with --features compare-extractors")
}
