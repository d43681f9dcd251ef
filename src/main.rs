//! `newsie`: a thin CLI over the library. Exit codes: 0 done, 1 failed while running,
//! 2 bad flags, models or inputs (nothing was processed).

mod cli;

use clap::Parser;
use cli::args::{Cli, Command, EvalCommand};
use cli::{broken_pipe, entities, eval, export, extract, issues, report, Failure};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(a) => extract::extract(a),
        Command::Segment { inputs, output } => report::segment(&inputs, output.as_deref()),
        Command::Report(a) => report::report(a),
        Command::Issues(a) => issues::issues(a),
        Command::Export(a) => export::export(a),
        Command::Entities(a) => entities::entities(a),
        Command::Eval(EvalCommand::Ner {
            conll,
            predictions,
            json,
            run,
        }) => eval::eval_ner(&conll, predictions.as_deref(), json, &run),
        Command::Eval(EvalCommand::Attribution {
            polnear,
            predictions,
            json,
            run,
        }) => eval::eval_attribution(&polnear, predictions.as_deref(), json, &run),
        Command::Eval(EvalCommand::Nested { set, json, run }) => {
            eval::eval_nested(&set, json, &run)
        }
        Command::Eval(EvalCommand::Roles { set, json, run }) => eval::eval_roles(&set, json, &run),
        Command::Eval(EvalCommand::Positions(a)) => eval::eval_positions(a),
        Command::Eval(EvalCommand::Entities {
            gold,
            polnear,
            pages,
            split,
            aliases,
            json,
            run,
        }) => entities::eval_entities(&gold, (&polnear, &pages), &split, &aliases, json, &run),
        Command::Eval(EvalCommand::Stance {
            set,
            polnear,
            split,
            pages,
            positions,
            fit_on,
            folds,
            fit,
            json,
        }) => eval::eval_stance(
            &set,
            eval::StanceTexts {
                polnear: polnear.as_deref(),
                pages: pages.as_deref().map(|p| (p, positions.as_path())),
            },
            &split,
            &fit_on,
            folds,
            fit.as_deref(),
            json,
        ),
        Command::Eval(EvalCommand::Articles {
            pages,
            truth,
            compare,
            json,
        }) => eval::eval_articles(&pages, &truth, compare, json),
        Command::Eval(EvalCommand::Places {
            gazetteer_xml,
            pages,
            predictions,
            json,
            run,
        }) => eval::eval_places(
            &gazetteer_xml,
            pages.as_deref(),
            predictions.as_deref(),
            json,
            &run,
        ),
        Command::Eval(EvalCommand::Ranker {
            train,
            check,
            folds,
            l2,
            fit,
            json,
            run,
        }) => eval::eval_ranker(&train, &check, folds, l2, fit.as_deref(), json, &run),
    };
    let (code, e) = match result {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Setup(e)) => (2, e),
        Err(Failure::Run(e)) => (1, e),
    };
    if broken_pipe(&e) {
        // the reader went away (`| head`): what it wanted was written, as Unix tools do
        return ExitCode::SUCCESS;
    }
    eprintln!("newsie: {e:#}");
    ExitCode::from(code)
}
