use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use backcare::cli::Cli;
use backcare::startup::{Application, ServeConfig, StartError};

#[actix_web::main]
async fn main() -> ExitCode {
    let args = Cli::parse().serve_args();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("BACKCARE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let config = ServeConfig {
        bind: args.bind,
        articles: args.articles,
        static_dir: args.static_dir,
    };
    let application = match Application::build(&config) {
        Ok(application) => application,
        Err(StartError::Content(errors)) => {
            eprintln!("{errors}");
            eprintln!("backcare: not starting; fix the problems above and run again");
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("backcare: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "backcare: serving {} articles at http://{}",
        application.article_count(),
        application.address()
    );
    match application.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("backcare: server stopped with an error: {error}");
            ExitCode::FAILURE
        }
    }
}
