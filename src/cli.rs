//! The command line: `backcare [serve]`, `backcare check`, `backcare new` and their options.
//! Parsing only; `main` hands the result to the library.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::content::Category;
use crate::content::front_matter::is_valid_slug;
use crate::rate_limit::RateLimit;
use crate::web::BaseUrl;
use crate::web::contact_email::ContactEmail;

/// backcare: a fast, accessible website about back cramps and back pain.
#[derive(Debug, Parser)]
#[command(name = "backcare", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// The settings file [default: backcare.toml in the current folder or the nearest one above]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Options for `serve`, which also runs when no command is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site over HTTP (the default).
    Serve(ServeArgs),
    /// Check every article (drafts too) for errors and warnings without starting the site.
    Check(CheckArgs),
    /// Start a new article: writes <articles>/<slug>.md with front matter and a skeleton.
    New(NewArgs),
    /// Write the whole site as static files, for any static host or CDN.
    Build(BuildArgs),
    /// Manage the moderators of the reader discussion.
    Moderator(ModeratorArgs),
    /// Work with the reader discussion's posts.
    Comments(CommentsArgs),
    /// Read what readers answered to "Is this page helpful?".
    Feedback(FeedbackArgs),
}

#[derive(Debug, Args)]
pub struct FeedbackArgs {
    #[command(subcommand)]
    pub action: FeedbackAction,
}

#[derive(Debug, Subcommand)]
pub enum FeedbackAction {
    /// Per article: Yes and No answers, % helpful and the newest comments, least helpful first.
    Report(FeedbackReportArgs),
}

#[derive(Debug, Args)]
pub struct FeedbackReportArgs {
    /// Count only answers and comments from this day on (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<time::Date>,

    /// Write CSV (one row per article) instead of a table.
    #[arg(long)]
    pub csv: bool,

    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Where the discussion's posts, moderators and sessions are kept.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// sqlite://FILE?mode=rwc (created if missing) or postgres://USER@HOST/DB
    /// [default: `database_url` in backcare.toml, or sqlite://backcare.db?mode=rwc]
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ModeratorArgs {
    #[command(subcommand)]
    pub action: ModeratorAction,
}

#[derive(Debug, Subcommand)]
pub enum ModeratorAction {
    /// Add a moderator, or set a new password for one (which signs them out everywhere).
    /// The password is asked for twice without echo, or read from standard input.
    Add(ModeratorAddArgs),
    /// List the moderators: name, when added, how many sessions they have open, and for those
    /// with a second factor how many recovery codes are left.
    List(DatabaseArgs),
    /// Remove a moderator; their sessions end at once, in the same transaction.
    Remove(ModeratorRemoveArgs),
    /// Set up a second factor for a moderator: prints a TOTP secret for an authenticator app and
    /// ten one-time recovery codes (again to replace them); signing in then needs a code too.
    Totp(ModeratorTotpArgs),
}

#[derive(Debug, Args)]
pub struct ModeratorTotpArgs {
    /// The moderator's name.
    pub name: String,

    /// Turn the second factor off: signing in needs the password only.
    #[arg(long)]
    pub off: bool,

    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct ModeratorRemoveArgs {
    /// The moderator's name, as `backcare moderator list` shows it.
    pub name: String,

    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct ModeratorAddArgs {
    /// The name to sign in with: 2 to 40 letters, digits, dots, hyphens or underscores.
    pub name: String,

    /// Read the password from the first line of standard input (also used when stdin is not a terminal).
    #[arg(long)]
    pub password_stdin: bool,

    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct CommentsArgs {
    #[command(subcommand)]
    pub action: CommentsAction,
}

#[derive(Debug, Subcommand)]
pub enum CommentsAction {
    /// Write every post (pending, approved and rejected) to standard output as JSON lines, for backups.
    Export(DatabaseArgs),
    /// Delete rejected posts and remove email addresses from posts older than a period.
    Purge(PurgeArgs),
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Age beyond which rejected posts are deleted and email addresses removed, e.g. 30d.
    #[arg(long, value_name = "DAYS", value_parser = crate::discussion::parse_retention)]
    pub older_than: time::Duration,

    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Whether articles have a reader discussion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CommentsMode {
    /// No discussion: article pages are served fully pre-rendered.
    Off,
    /// A discussion under each article; posts appear once a moderator approves them.
    Moderated,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Directory holding the Markdown articles [default: `articles` in backcare.toml, or articles]
    #[arg(long, value_name = "DIR")]
    pub articles: Option<PathBuf>,

    /// Directory holding CSS, images and other static files [default: `static` in backcare.toml, or static]
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Treat warnings as errors: exit with status 1 if there is any warning.
    #[arg(long)]
    pub strict: bool,

    /// Check review dates as if today were this date, e.g. 2027-01-31 [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<time::Date>,

    /// Where the site is published, e.g. https://backcare.example: links that start with it are
    /// checked like the site's own links.
    #[arg(long, env = "BACKCARE_BASE_URL", value_name = "URL")]
    pub base_url: Option<BaseUrl>,

    /// Also ask every other site linked to or cited whether the page is still there (needs the
    /// network); a broken address is a warning.
    #[arg(long)]
    pub external: bool,

    /// With --external: seconds each address may take to answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub external_timeout: u64,

    /// With --external: where addresses that answered well are remembered for 7 days.
    #[arg(long, value_name = "FILE", default_value = crate::authoring::external::DEFAULT_CACHE_FILE)]
    pub link_cache: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    /// Directory holding the Markdown articles [default: `articles` in backcare.toml, or articles]
    #[arg(long, value_name = "DIR")]
    pub articles: Option<PathBuf>,

    /// Directory holding CSS, images and other static files [default: `static` in backcare.toml, or static]
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Where to write the site: a new or empty folder, or one an earlier build wrote, which is
    /// emptied first so no old page survives.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Empty --out even if it holds files that backcare build did not write.
    #[arg(long)]
    pub force: bool,

    /// Where the site will be published, for canonical links, the feed and the sitemap
    /// (or `base_url` in backcare.toml).
    #[arg(long, env = "BACKCARE_BASE_URL", value_name = "URL")]
    pub base_url: Option<BaseUrl>,

    /// Where `backcare serve` runs, e.g. https://app.backcare.example: the search box and the
    /// symptom checker's form post there [default: none; the pages say both need the server]
    #[arg(long, value_name = "URL")]
    pub app_url: Option<BaseUrl>,
}

#[derive(Debug, Clone, Args)]
pub struct NewArgs {
    /// The page's name and address: lowercase letters, digits and single hyphens, e.g. heat-therapy.
    #[arg(value_parser = parse_slug)]
    pub slug: String,

    /// Directory holding the Markdown articles [default: `articles` in backcare.toml, or articles]
    #[arg(long, value_name = "DIR")]
    pub articles: Option<PathBuf>,

    /// The topic: causes, prevention, relief or when-to-get-help.
    #[arg(long, default_value = "causes", value_parser = parse_category)]
    pub category: Category,

    /// The page title [default: made from the slug, e.g. "Heat therapy"]
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
}

fn parse_slug(slug: &str) -> Result<String, String> {
    if is_valid_slug(slug) {
        Ok(slug.to_owned())
    } else {
        Err("use lowercase letters, digits and single hyphens, e.g. heat-therapy".to_owned())
    }
}

fn parse_category(name: &str) -> Result<Category, String> {
    Category::from_slug(name).ok_or_else(|| {
        let names: Vec<&str> = Category::ALL.iter().map(|c| c.slug()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

fn parse_date(text: &str) -> Result<time::Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format).map_err(|_| "write the date like 2027-01-31".to_owned())
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

    /// Directory holding the Markdown articles [default: `articles` in backcare.toml, or articles]
    #[arg(long, value_name = "DIR")]
    pub articles: Option<PathBuf>,

    /// Directory holding CSS, images and other static files [default: `static` in backcare.toml, or static]
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Reload the site whenever an article or static file changes, and show any problems on every page (for authors).
    #[arg(long)]
    pub watch: bool,

    /// Show draft articles, labelled "Draft" (for previewing before publishing).
    #[arg(long)]
    pub drafts: bool,

    /// Serve as if today were this date, e.g. 2027-01-15: articles with a publish date up to it
    /// are live. For previews and tests; the date stays fixed while the server runs [default: today, UTC]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<time::Date>,

    /// The site's public address, e.g. https://backcare.example, used in canonical links, the feed
    /// and the sitemap [default: http:// and the address the server listens on]
    #[arg(long, env = "BACKCARE_BASE_URL", value_name = "URL")]
    pub base_url: Option<BaseUrl>,

    /// The email address readers use to report a mistake, shown on /about and /accessibility
    /// [default: `contact_email` in backcare.toml, or corrections@backcare.example]
    #[arg(long, env = "BACKCARE_CONTACT_EMAIL", value_name = "EMAIL")]
    pub contact_email: Option<ContactEmail>,
    /// Make Strict-Transport-Security cover every subdomain and allow browsers' preload lists
    /// (`includeSubDomains; preload`). Only for a domain whose subdomains all serve https.
    #[arg(long, env = "BACKCARE_HSTS_PRELOAD")]
    pub hsts_preload: bool,

    /// Serve Prometheus metrics at /metrics on this separate address, e.g. 127.0.0.1:9464;
    /// never on the site's own address [default: no metrics]
    #[arg(long, env = "BACKCARE_METRICS_BIND", value_name = "HOST:PORT")]
    pub metrics_bind: Option<String>,

    /// Symptom checker answers each client may send per minute, after a first burst; 0 turns the limit off.
    #[arg(
        long,
        env = "BACKCARE_CHECKER_RATE_LIMIT",
        default_value_t = RateLimit::CHECKER_DEFAULT.per_minute,
        value_name = "N"
    )]
    pub checker_rate_limit: u32,

    /// Symptom checker answers a client may send at once before the per-minute rate applies.
    #[arg(
        long,
        env = "BACKCARE_CHECKER_BURST",
        default_value_t = RateLimit::CHECKER_DEFAULT.burst,
        value_name = "N"
    )]
    pub checker_burst: u32,

    /// Searches each client may make per minute, after a first burst; 0 turns the limit off.
    #[arg(
        long,
        env = "BACKCARE_SEARCH_RATE_LIMIT",
        default_value_t = RateLimit::SEARCH_DEFAULT.per_minute,
        value_name = "N"
    )]
    pub search_rate_limit: u32,

    /// Searches a client may make at once before the per-minute rate applies.
    #[arg(
        long,
        env = "BACKCARE_SEARCH_BURST",
        default_value_t = RateLimit::SEARCH_DEFAULT.burst,
        value_name = "N"
    )]
    pub search_burst: u32,

    /// The address of a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto headers are
    /// believed; repeat for several (env: comma-separated). Without it those headers are ignored.
    #[arg(
        long = "trusted-proxy",
        env = "BACKCARE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "IP"
    )]
    pub trusted_proxies: Vec<IpAddr>,

    /// Connections one client address (an IPv6 /64) may hold open; more are closed at once.
    /// Trusted proxies are not capped: cap their clients there (deploy/nginx.conf: limit_conn).
    #[arg(
        long,
        env = "BACKCARE_MAX_CONNECTIONS_PER_CLIENT",
        default_value_t = crate::web::connections::ConnectionLimits::default().per_client,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_connections_per_client: u32,

    /// Another site whose pages may post the reader forms (the discussion, "Is this page
    /// helpful?") here: the `--base-url` of a `backcare build` whose `--app-url` is this server.
    /// Repeat for several (env: comma-separated).
    #[arg(
        long = "trusted-origin",
        env = "BACKCARE_TRUSTED_ORIGINS",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub trusted_origins: Vec<BaseUrl>,

    /// Threads answering requests [default: one per CPU]
    #[arg(long, env = "BACKCARE_WORKERS", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub workers: Option<u16>,

    /// The reader discussion under each article [default: `comments` in backcare.toml, or moderated]
    #[arg(long, value_enum, env = "BACKCARE_COMMENTS")]
    pub comments: Option<CommentsMode>,

    #[command(flatten)]
    pub database: DatabaseArgs,

    /// A file holding the secret that signs the discussion's form tokens; instances behind one
    /// proxy need the same one. Also read from the environment as BACKCARE_SECRET
    /// [default: random at each start]
    #[arg(long, env = "BACKCARE_SECRET_FILE", value_name = "FILE")]
    pub secret_file: Option<PathBuf>,

    /// How long rejected posts and email addresses are kept; the server purges older ones at
    /// start-up and then daily (as `comments purge --older-than` does).
    #[arg(
        long,
        env = "BACKCARE_COMMENTS_RETENTION",
        default_value = "90d",
        value_name = "DAYS",
        value_parser = crate::discussion::parse_retention
    )]
    pub comments_retention: time::Duration,
}

impl ServeArgs {
    /// The search limit per client, or `None` when `--search-rate-limit 0` turns it off.
    pub fn search_rate_limit(&self) -> Option<RateLimit> {
        (self.search_rate_limit > 0).then_some(RateLimit {
            per_minute: self.search_rate_limit,
            burst: self.search_burst.max(1),
        })
    }

    /// The symptom checker's limit per client, or `None` when `--checker-rate-limit 0` turns it off.
    pub fn checker_rate_limit(&self) -> Option<RateLimit> {
        (self.checker_rate_limit > 0).then_some(RateLimit {
            per_minute: self.checker_rate_limit,
            burst: self.checker_burst.max(1),
        })
    }
}

impl Cli {
    /// The serve options, whether given after `serve` or with no command at all
    /// (for `check` and `new`, which `main` dispatches first, the defaults).
    pub fn serve_args(self) -> ServeArgs {
        match self.command {
            Some(Command::Serve(args)) => args,
            _ => self.serve,
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
    fn discussion_options_and_commands() {
        let args = Cli::try_parse_from(["backcare"]).unwrap().serve_args();
        assert_eq!(args.comments, None, "backcare.toml or the default decides");
        let args = Cli::try_parse_from([
            "backcare",
            "serve",
            "--comments",
            "off",
            "--database-url",
            "postgres://u@localhost/db",
            "--secret-file",
            "secret.txt",
        ])
        .unwrap()
        .serve_args();
        assert_eq!(args.comments, Some(CommentsMode::Off));
        assert_eq!(
            args.database.database_url.as_deref(),
            Some("postgres://u@localhost/db")
        );
        assert_eq!(args.secret_file, Some(PathBuf::from("secret.txt")));
        assert!(Cli::try_parse_from(["backcare", "--comments", "open"]).is_err());

        let cli = Cli::try_parse_from(["backcare", "moderator", "add", "alex", "--password-stdin"])
            .unwrap();
        let Some(Command::Moderator(ModeratorArgs {
            action: ModeratorAction::Add(add),
        })) = cli.command
        else {
            panic!("moderator add");
        };
        assert_eq!(add.name, "alex");
        assert!(add.password_stdin);

        let cli = Cli::try_parse_from([
            "backcare",
            "comments",
            "export",
            "--database-url",
            "sqlite://x.db",
        ])
        .unwrap();
        let Some(Command::Comments(CommentsArgs {
            action: CommentsAction::Export(database),
        })) = cli.command
        else {
            panic!("comments export");
        };
        assert_eq!(database.database_url.as_deref(), Some("sqlite://x.db"));
    }

    #[test]
    fn the_settings_file_is_named_after_the_command() {
        for args in [
            &["backcare", "--config", "site.toml"][..],
            &["backcare", "check", "--config", "site.toml"],
            &[
                "backcare",
                "build",
                "--out",
                "public",
                "--config",
                "site.toml",
            ],
        ] {
            let cli = Cli::try_parse_from(args).unwrap();
            assert_eq!(cli.config, Some(PathBuf::from("site.toml")), "{args:?}");
        }
    }

    #[test]
    fn serve_is_the_default_command() {
        let cli = Cli::try_parse_from(["backcare", "--bind", "0.0.0.0:9000"]).unwrap();
        assert_eq!(cli.serve_args().bind, "0.0.0.0:9000");
        let cli = Cli::try_parse_from(["backcare", "serve", "--articles", "x"]).unwrap();
        assert_eq!(cli.serve_args().articles, Some(PathBuf::from("x")));
    }

    #[test]
    fn authoring_flags_and_a_checked_base_url() {
        let cli = Cli::try_parse_from([
            "backcare",
            "serve",
            "--watch",
            "--drafts",
            "--base-url",
            "https://backcare.example/",
        ])
        .unwrap();
        let args = cli.serve_args();
        assert!(args.watch && args.drafts);
        assert_eq!(
            args.base_url.map(|url| url.to_string()),
            Some("https://backcare.example".to_owned())
        );

        let error = Cli::try_parse_from(["backcare", "--base-url", "backcare.example/site"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("--base-url"), "{error}");
    }

    #[test]
    fn contact_email_has_a_default_and_refuses_what_is_not_an_address() {
        let args = Cli::try_parse_from(["backcare"]).unwrap().serve_args();
        assert!(
            args.contact_email.is_none(),
            "backcare.toml or the default decides"
        );
        let args = Cli::try_parse_from(["backcare", "--contact-email", "editor@nhs.example"])
            .unwrap()
            .serve_args();
        assert_eq!(
            args.contact_email.map(|email| email.to_string()),
            Some("editor@nhs.example".to_owned())
        );
        let error = Cli::try_parse_from(["backcare", "--contact-email", "editor"])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("write an email address like corrections@backcare.example"),
            "{error}"
        );
    }

    #[test]
    fn production_flags_have_safe_defaults() {
        let args = Cli::try_parse_from(["backcare"]).unwrap().serve_args();
        assert_eq!(args.checker_rate_limit(), Some(RateLimit::CHECKER_DEFAULT));
        assert!(args.trusted_proxies.is_empty());
        assert_eq!(args.workers, None);

        let args = Cli::try_parse_from([
            "backcare",
            "serve",
            "--checker-rate-limit",
            "60",
            "--checker-burst",
            "5",
            "--trusted-proxy",
            "127.0.0.1",
            "--trusted-proxy",
            "::1",
            "--workers",
            "4",
        ])
        .unwrap()
        .serve_args();
        assert_eq!(
            args.checker_rate_limit(),
            Some(RateLimit {
                per_minute: 60,
                burst: 5
            })
        );
        assert_eq!(
            args.trusted_proxies,
            [
                "127.0.0.1".parse::<IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert_eq!(args.workers, Some(4));

        let off = Cli::try_parse_from(["backcare", "--checker-rate-limit", "0"]).unwrap();
        assert_eq!(off.serve_args().checker_rate_limit(), None);
        assert!(Cli::try_parse_from(["backcare", "--trusted-proxy", "proxy.local"]).is_err());
        assert!(Cli::try_parse_from(["backcare", "--workers", "0"]).is_err());
    }

    #[test]
    fn check_takes_folders_strict_and_a_date() {
        let cli = Cli::try_parse_from([
            "backcare",
            "check",
            "--articles",
            "a",
            "--static",
            "s",
            "--strict",
            "--today",
            "2027-01-31",
        ])
        .unwrap();
        let Some(Command::Check(args)) = cli.command else {
            panic!("check command");
        };
        assert_eq!(args.articles, Some(PathBuf::from("a")));
        assert_eq!(args.static_dir, Some(PathBuf::from("s")));
        assert!(args.strict);
        assert_eq!(args.today, Some(time::macros::date!(2027 - 01 - 31)));
        assert!(Cli::try_parse_from(["backcare", "check", "--today", "31/01/2027"]).is_err());
    }

    #[test]
    fn new_checks_the_slug_and_the_category() {
        let cli =
            Cli::try_parse_from(["backcare", "new", "ice-packs", "--category", "relief"]).unwrap();
        let Some(Command::New(args)) = cli.command else {
            panic!("new command");
        };
        assert_eq!(args.slug, "ice-packs");
        assert_eq!(args.category, Category::Relief);
        assert_eq!(args.title, None);

        let bad_slug = Cli::try_parse_from(["backcare", "new", "Ice_Packs"]).unwrap_err();
        assert_eq!(bad_slug.exit_code(), 2);
        assert!(
            bad_slug
                .to_string()
                .contains("use lowercase letters, digits and single hyphens"),
            "{bad_slug}"
        );
        let bad_category =
            Cli::try_parse_from(["backcare", "new", "ice", "--category", "treatment"]).unwrap_err();
        assert!(
            bad_category
                .to_string()
                .contains("expected one of causes, prevention, relief, when-to-get-help"),
            "{bad_category}"
        );
    }
}
