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
    about = "Headless Parallax: check, import, summarise and export workshops, and follow them over time",
    after_help = "Each command's options: parallax-cli help <COMMAND>, or parallax-cli <COMMAND> --help.\nExit status: 0 on success; 1 on bad input or a refused file, with the reason on stderr."
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// The man pages say what `--help` says: one page for parallax-cli and one per command,
    /// each command with its description and every option. With PARALLAX_MAN_DIR set (as
    /// `make bundle` does) they are written there for the package.
    #[test]
    fn man_pages() {
        let cli = Cli::command();
        let render = |cmd: clap::Command| {
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .expect("a man page renders");
            String::from_utf8(out).expect("a man page is text")
        };
        let top = render(cli.clone());
        let mut names = Vec::new();
        for sub in cli.get_subcommands().filter(|s| s.get_name() != "help") {
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            assert!(!about.is_empty(), "{} has no description", sub.get_name());
            assert!(top.contains(sub.get_name()), "{}", sub.get_name());
            let name = format!("parallax-cli-{}", sub.get_name());
            let page = render(sub.clone());
            for arg in sub.get_arguments().filter(|a| a.get_id() != "help") {
                assert!(
                    arg.get_help().is_some_and(|h| !h.to_string().is_empty()),
                    "{name}: {} is not described",
                    arg.get_id()
                );
                if let Some(long) = arg.get_long() {
                    assert!(page.contains(long), "{name}: --{long} is not on its page");
                }
            }
            names.push(name);
        }
        assert_eq!(names.len(), 5, "check, import, summary, export, trend");
        if let Some(dir) = std::env::var_os("PARALLAX_MAN_DIR") {
            let dir = std::path::Path::new(&dir);
            std::fs::create_dir_all(dir).expect("the man folder");
            clap_mangen::generate_to(cli, dir).expect("the man pages are written");
            for name in names.iter().map(String::as_str).chain(["parallax-cli"]) {
                assert!(dir.join(format!("{name}.1")).is_file(), "{name}.1");
            }
        }
    }
}
