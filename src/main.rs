use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use backcare::authoring::external::{self, ExternalOptions};
use backcare::authoring::{self, NewArticle};
use backcare::cli::{
    BuildArgs, CheckArgs, Cli, Command, CommentsAction, CommentsMode, FeedbackAction,
    FeedbackReportArgs, ModeratorAction, ModeratorAddArgs, ModeratorRemoveArgs, ModeratorTotpArgs,
    NewArgs,
};
use backcare::discussion::Storage;
use backcare::discussion::commands;
use backcare::discussion::{DiscussionConfig, read_secret};
use backcare::site_config::{self, SiteConfig};
use backcare::site_source::{SiteError, site_load_options};
use backcare::startup::{Application, ServeConfig, StartError};
use backcare::static_build::{self, BuildOptions};
use backcare::telemetry;
use backcare::web::BaseUrl;
use backcare::web::connections::ConnectionLimits;

#[actix_web::main]
async fn main() -> ExitCode {
    let mut cli = Cli::parse();
    let site = match read_settings(cli.config.as_deref()) {
        Some(site) => site,
        None => return ExitCode::FAILURE,
    };
    match cli.command.take() {
        Some(Command::Check(args)) => return check(args, &site),
        Some(Command::Build(args)) => return build_site(args, &site),
        Some(Command::New(args)) => return new_article(args, &site),
        Some(Command::Moderator(args)) => match args.action {
            ModeratorAction::Add(args) => return add_moderator(args, &site).await,
            ModeratorAction::List(database) => {
                return list_moderators(&site.database_url(database.database_url)).await;
            }
            ModeratorAction::Remove(args) => return remove_moderator(args, &site).await,
            ModeratorAction::Totp(args) => return moderator_totp(args, &site).await,
        },
        Some(Command::Comments(args)) => match args.action {
            CommentsAction::Purge(purge) => {
                let url = site.database_url(purge.database.database_url);
                return purge_comments(&url, purge.older_than).await;
            }
            CommentsAction::Export(database) => {
                return export_comments(&site.database_url(database.database_url)).await;
            }
        },
        Some(Command::Feedback(args)) => match args.action {
            FeedbackAction::Report(report) => return feedback_report(report, &site).await,
        },
        Some(Command::Serve(args)) => cli.serve = args,
        None => {}
    }
    let args = cli.serve;
    // Held until `main` returns, so the last log lines are written before the process exits.
    let _logs = telemetry::init();

    let checker_rate_limit = args.checker_rate_limit();
    let search_rate_limit = args.search_rate_limit();
    let comments = match site.comments(args.comments) {
        CommentsMode::Off => None,
        CommentsMode::Moderated => {
            let secret = std::env::var("BACKCARE_SECRET").ok();
            match read_secret(args.secret_file.as_deref(), secret) {
                Ok(secret) => Some(DiscussionConfig {
                    secret,
                    retention: args.comments_retention,
                    ..DiscussionConfig::new(site.database_url(args.database.database_url.clone()))
                }),
                Err(error) => {
                    eprintln!("backcare: cannot read the secret: {error}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let config = ServeConfig {
        watch: args.watch,
        drafts: args.drafts,
        today: args.today,
        base_url: site.base_url(args.base_url),
        contact_email: site.contact_email(args.contact_email),
        hsts_preload: args.hsts_preload,
        metrics_bind: args.metrics_bind,
        checker_rate_limit,
        search_rate_limit,
        trusted_proxies: args.trusted_proxies,
        trusted_origins: args.trusted_origins,
        workers: args.workers.map(usize::from),
        connections: ConnectionLimits {
            per_client: args.max_connections_per_client,
            ..ConnectionLimits::default()
        },
        comments,
        ..ServeConfig::new(
            args.bind,
            site.articles(args.articles),
            site.static_dir(args.static_dir),
        )
    };
    let application = match Application::build(&config).await {
        Ok(application) => application,
        Err(StartError::Site(error)) => return site_not_built("backcare", "not starting", &error),
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
    if config.watch {
        println!(
            "backcare: watching {} and {} for changes",
            config.articles.display(),
            config.static_dir.display()
        );
    }
    application.stop_gracefully_on_signals();
    println!("backcare: press Ctrl-C to stop; requests in flight finish first (graceful shutdown)");
    match application.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("backcare: server stopped with an error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `backcare check`: the report goes to stdout; status 1 when there are errors (or, with --strict, warnings).
fn check(args: CheckArgs, site: &SiteConfig) -> ExitCode {
    let today = args.today.unwrap_or_else(authoring::today);
    let base_url = site.base_url(args.base_url.clone());
    let base_url = base_url.as_ref().map(BaseUrl::as_str);
    let articles = site.articles(args.articles.clone());
    let static_dir = site.static_dir(args.static_dir.clone());
    let load_options = site_load_options(&static_dir, base_url);
    let mut report = authoring::check(&articles, &load_options, today);
    if args.external {
        let options = ExternalOptions {
            timeout: std::time::Duration::from_secs(args.external_timeout),
            cache_file: args.link_cache.clone(),
            ..ExternalOptions::default()
        };
        let library = authoring::check::loadable_articles(&articles, &load_options);
        let progress = progress_bar("checking web addresses");
        let external = external::check_external(&library, base_url, &options, &progress);
        println!("{}", external.summary(&options.cache_file));
        if let Some(hint) = external.offline_hint() {
            println!("{hint}");
        }
        if let Some(error) = &external.cache_error {
            eprintln!("backcare check: {error}");
        }
        report.add_warnings(external.warnings);
    }
    if args.strict {
        report = report.into_strict();
    }
    println!("{report}");
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `backcare build`: status 1 on any problem in the articles or any file that cannot be written.
fn build_site(args: BuildArgs, site: &SiteConfig) -> ExitCode {
    let Some(base_url) = site.base_url(args.base_url) else {
        eprintln!(
            "backcare build: give the address the site will be published at, with --base-url https://backcare.example or base_url in {}",
            site_config::FILE_NAME
        );
        return ExitCode::FAILURE;
    };
    let options = BuildOptions {
        articles: site.articles(args.articles),
        static_dir: site.static_dir(args.static_dir),
        out: args.out,
        base_url,
        app_url: site.app_url(args.app_url).map(|url| url.to_string()),
        force: args.force,
    };
    let started = std::time::Instant::now();
    let progress = progress_bar("writing");
    let built = static_build::build_with_progress(&options, &progress);
    progress.finish_and_clear();
    match built {
        Ok(report) => {
            println!(
                "built {} pages ({} files, {} KiB) in {}, in {} ms",
                report.pages,
                report.files,
                report.bytes / 1024,
                options.out.display(),
                started.elapsed().as_millis()
            );
            match &options.app_url {
                Some(app_url) => println!(
                    "the search box and the symptom checker post to {app_url}, where backcare serve must run"
                ),
                None => eprintln!(
                    "backcare build: warning: no --app-url, so the built site has no search and no symptom checker (both need backcare serve); its pages say so and link to the A to Z. Add --app-url URL, where backcare serve runs, to offer both"
                ),
            }
            ExitCode::SUCCESS
        }
        Err(static_build::BuildError::Site(error)) => {
            site_not_built("backcare build", "nothing written", &error)
        }
        Err(error) => {
            eprintln!("backcare build: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `serve` and `build` refuse a site that cannot be built alike: the articles' problems in full,
/// as `check` lists them, then what to do; any other cause (the static folder, a page that
/// cannot be rendered) on one line.
fn site_not_built(command: &str, consequence: &str, error: &SiteError) -> ExitCode {
    match error {
        SiteError::Content(problems) => {
            eprintln!("{problems}");
            eprintln!("{command}: {consequence}; fix the problems above and run again");
        }
        other => eprintln!("{command}: {other}"),
    }
    ExitCode::FAILURE
}

/// The settings file, if there is one; its problems are printed and give `None`.
fn read_settings(explicit: Option<&std::path::Path>) -> Option<SiteConfig> {
    let here = std::env::current_dir().unwrap_or_default();
    match SiteConfig::find(explicit, &here) {
        Ok(site) => Some(site),
        Err(error) => {
            eprintln!("{error}");
            eprintln!("backcare: fix the settings file above and run again");
            None
        }
    }
}

/// `new` in a folder with no settings file starts one, so the site's address is written once.
fn write_starter_settings(articles: &std::path::Path) {
    let file = std::path::Path::new(site_config::FILE_NAME);
    let text = site_config::STARTER.replace(
        "articles = \"articles\"",
        &format!("articles = {:?}", articles.display().to_string()),
    );
    match std::fs::write(file, text) {
        Ok(()) => println!(
            "created {} (the site's settings: set base_url there once the site has an address)",
            site_config::FILE_NAME
        ),
        Err(error) => eprintln!(
            "backcare new: cannot write {}: {error}",
            site_config::FILE_NAME
        ),
    }
}

/// A progress bar on standard error, drawn only when that is a terminal: piped or redirected
/// output (CI, a log file) gets no escape codes.
fn progress_bar(what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(what);
    bar
}

/// `backcare new`: status 1 if the file exists or cannot be written (clap has already refused a bad slug with 2).
fn new_article(args: NewArgs, site: &SiteConfig) -> ExitCode {
    let article = NewArticle {
        slug: args.slug,
        title: args.title,
        category: args.category,
    };
    let articles = site.articles(args.articles);
    match article.create(&articles, authoring::today()) {
        Ok(path) => {
            println!("created {}", path.display());
            if site.file.is_none() {
                write_starter_settings(&articles);
            }
            let backcare = authoring::command_name();
            println!(
                "next: replace the summary and the source marked REPLACE, then preview with `{backcare} serve --watch --drafts` and check with `{backcare} check`"
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backcare new: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the discussion's database for a command, or says why not.
async fn open_database(url: &str) -> Option<Storage> {
    match Storage::connect(url).await {
        Ok(storage) => Some(storage),
        Err(error) => {
            eprintln!("backcare: {error}");
            None
        }
    }
}

/// `backcare moderator add NAME`: status 1 if the name, password or database is refused.
async fn add_moderator(args: ModeratorAddArgs, site: &SiteConfig) -> ExitCode {
    let password = match commands::read_new_password(args.password_stdin) {
        Ok(password) => password,
        Err(error) => {
            eprintln!("backcare moderator add: {error}");
            return ExitCode::FAILURE;
        }
    };
    let Some(storage) = open_database(&site.database_url(args.database.database_url)).await else {
        return ExitCode::FAILURE;
    };
    let result = commands::add_moderator(&storage, &args.name, &password).await;
    storage.close().await;
    match result {
        Ok(true) => {
            println!("added moderator {}", args.name);
            ExitCode::SUCCESS
        }
        Ok(false) => {
            println!(
                "changed the password of moderator {} (their sessions have ended)",
                args.name
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backcare moderator add: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `backcare moderator list`: one line per moderator on stdout.
async fn list_moderators(url: &str) -> ExitCode {
    let Some(storage) = open_database(url).await else {
        return ExitCode::FAILURE;
    };
    let stdout = std::io::stdout();
    let result = commands::list_moderators(&storage, &mut stdout.lock()).await;
    storage.close().await;
    match result {
        Ok(0) => {
            eprintln!("no moderators yet: add one with `backcare moderator add NAME`");
            ExitCode::SUCCESS
        }
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("backcare moderator list: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `backcare moderator remove NAME`: status 1 if there is no such moderator.
async fn remove_moderator(args: ModeratorRemoveArgs, site: &SiteConfig) -> ExitCode {
    let Some(storage) = open_database(&site.database_url(args.database.database_url)).await else {
        return ExitCode::FAILURE;
    };
    let result = commands::remove_moderator(&storage, &args.name).await;
    storage.close().await;
    match result {
        Ok(()) => {
            println!(
                "removed moderator {} (their sessions have ended)",
                args.name
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backcare moderator remove: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `backcare moderator totp NAME [--off]`: the secret, its `otpauth://` address and the
/// recovery codes on stdout, shown this once.
async fn moderator_totp(args: ModeratorTotpArgs, site: &SiteConfig) -> ExitCode {
    let Some(storage) = open_database(&site.database_url(args.database.database_url)).await else {
        return ExitCode::FAILURE;
    };
    let result = if args.off {
        commands::turn_off_totp(&storage, &args.name)
            .await
            .map(|()| format!("moderator {} signs in with a password only now", args.name))
    } else {
        commands::set_up_totp(&storage, &args.name)
            .await
            .map(|set_up| {
                format!(
                    "Add this account to an authenticator app: scan the address below as a QR code \
                     (e.g. `qrencode -t ansiutf8 'ADDRESS'`) or type the secret.\n\n\
                     secret:  {}\naddress: {}\n\n\
                     Recovery codes, each usable once instead of a code (keep them somewhere safe; \
                     they are not shown again):\n{}\n\n\
                     From now on moderator {} signs in with the password and a code.",
                    set_up.secret,
                    set_up.uri,
                    set_up.recovery_codes.join("\n"),
                    args.name
                )
            })
    };
    storage.close().await;
    match result {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backcare moderator totp: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `backcare comments purge --older-than 30d`: what was removed, on stdout.
async fn purge_comments(url: &str, older_than: time::Duration) -> ExitCode {
    let Some(storage) = open_database(url).await else {
        return ExitCode::FAILURE;
    };
    let result = commands::purge(&storage, older_than, time::OffsetDateTime::now_utc()).await;
    storage.close().await;
    match result {
        Ok(purged) => {
            println!(
                "deleted {} rejected posts and {} feedback comments, and removed {} email addresses, older than {} days",
                purged.rejected_posts,
                purged.feedback_comments,
                purged.emails,
                older_than.whole_days()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backcare comments purge: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `backcare comments export`: JSON lines on stdout, the count on stderr.
/// `backcare feedback report [--since DATE] [--csv]`: the report on standard output.
async fn feedback_report(args: FeedbackReportArgs, site: &SiteConfig) -> ExitCode {
    let Some(storage) = open_database(&site.database_url(args.database.database_url)).await else {
        return ExitCode::FAILURE;
    };
    let result = commands::feedback_report(&storage, args.since, args.csv).await;
    storage.close().await;
    match result {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backcare feedback report: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn export_comments(url: &str) -> ExitCode {
    let Some(storage) = open_database(url).await else {
        return ExitCode::FAILURE;
    };
    let stdout = std::io::stdout();
    let result = commands::export(&storage, &mut std::io::BufWriter::new(stdout.lock())).await;
    storage.close().await;
    match result {
        Ok(count) => {
            eprintln!("exported {count} posts");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backcare comments export: {error}");
            ExitCode::FAILURE
        }
    }
}
