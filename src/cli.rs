//! The command line: `backcare [serve]` and its options.
//! Parsing only; `main` hands the result to the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// backcare: a fast, accessible website about back cramps and back pain.
#[derive(Debug, Parser)]
#[command(name = "backcare", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Options for `serve`, which also runs when no command is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site over HTTP (the default).
    Serve(ServeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; use port 0 to pick a free port.
    #[arg(
        long,
        env = "BACKCARE_BIND",
        default_value = "127.0.0.1:8080",
        value_name = "HOST:PORT"
    )]
    pub bind: String,

    /// Directory holding the Markdown articles.
    #[arg(long, default_value = "articles", value_name = "DIR")]
    pub articles: PathBuf,

    /// Directory holding CSS, images and other static files.
    #[arg(long = "static", default_value = "static", value_name = "DIR")]
    pub static_dir: PathBuf,
}

impl Cli {
    /// The serve options, whether given after `serve` or with no command at all.
    pub fn serve_args(self) -> ServeArgs {
        match self.command {
            Some(Command::Serve(args)) => args,
            None => self.serve,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_is_the_default_command() {
        let cli = Cli::try_parse_from(["backcare", "--bind", "0.0.0.0:9000"]).unwrap();
        assert_eq!(cli.serve_args().bind, "0.0.0.0:9000");
        let cli = Cli::try_parse_from(["backcare", "serve", "--articles", "x"]).unwrap();
        assert_eq!(cli.serve_args().articles, PathBuf::from("x"));
    }
}
