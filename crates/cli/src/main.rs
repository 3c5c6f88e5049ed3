//! parallax-cli: Parallax without a window, over the same engine as the app.
//! Each subcommand lives in its own module and only calls the engine. Exit codes: 0 success,
//! 1 bad input (a message on stderr). It must never panic on any input and never modify a file
//! it only reads; every command that writes a workshop uses the engine's durable save.
//! Everything it prints goes through `terminal::safe` here: no message can carry an escape
//! sequence from a file to the terminal.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod export;
mod import;
mod summary;
mod terminal;
mod trend;

#[derive(Parser)]
#[command(
    name = "parallax-cli",
    version,
    about = "Headless Parallax: check, import, summarise and export workshops, and follow them over time"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a workshop file without changing it.
    Check(check::Args),
    /// Build a new workshop from a CSV of changes (and optional placements).
    Import(import::Args),
    /// Summarise where the perspectives disagree: gaps by axis, agreement, queue, candidates.
    Summary(summary::Args),
    /// Export charts (png, svg), the slide deck (pptx), or the data (csv, json, md report).
    Export(export::Args),
    /// Follow the gap between two perspectives across workshops, in date order.
    Trend(trend::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are successes; anything else is bad input (exit 1, not clap's 2).
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // An error quotes the arguments, which may be file names from a glob: plain text,
            // made safe.
            eprintln!("{}", terminal::safe(e.render().to_string().trim_end()));
            return ExitCode::from(1);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Summary(args) => summary::run(&args),
        Command::Export(args) => export::run(&args),
        // The files that could not be read are listed, and the others still reported.
        Command::Trend(args) => match trend::run(&args) {
            Ok(outcome) => {
                for line in &outcome.failed {
                    eprintln!("{}", terminal::safe(line));
                }
                let printed = print(Ok(outcome.out));
                return if outcome.failed.is_empty() {
                    printed
                } else {
                    ExitCode::from(1)
                };
            }
            Err(message) => Err(message),
        },
    };
    print(result)
}

/// Prints a command's output on stdout, or its error on stderr with exit code 1.
fn print(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(out) => {
            // println! panics when stdout is closed (`parallax-cli summary FILE | head`): write
            // instead, treat a closed pipe as the reader having had enough, and any other failure
            // as an error.
            if !out.is_empty() {
                use std::io::Write as _;
                if let Err(e) = writeln!(std::io::stdout().lock(), "{}", terminal::safe(&out)) {
                    if e.kind() != std::io::ErrorKind::BrokenPipe {
                        eprintln!("cannot write the output: {e}");
                        return ExitCode::from(1);
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{}", terminal::safe(&message));
            ExitCode::from(1)
        }
    }
}
