//! `backcare.toml`: the settings an author would otherwise repeat on every command (the site's
//! address, its folders, the discussion's database). Found in the current folder or the nearest
//! folder above it, or given with `--config`; a command-line option always wins over the file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use toml::Spanned;

use crate::cli::CommentsMode;
use crate::content::front_matter::closest;
use crate::web::BaseUrl;
use crate::web::contact_email::ContactEmail;

pub const FILE_NAME: &str = "backcare.toml";

/// Every key the file may hold, in the order the messages list them.
const KEYS: &[&str] = &[
    "base_url",
    "app_url",
    "contact_email",
    "articles",
    "static",
    "comments",
    "database_url",
];

/// What `backcare new` writes when the site has no settings file yet.
pub const STARTER: &str = r#"# backcare.toml: settings for every backcare command run in this folder or a folder below it.
# An option given on the command line wins over the same setting here. See AUTHORING.md.

# Where the site is published. Links written as full addresses to it (http or https, with or
# without www.) are then checked like the site's own links, and `build` needs it.
# base_url = "https://backcare.example"

# Where `backcare serve` runs for a static build, so its search box and symptom checker work.
# app_url = "https://app.backcare.example"

# The address readers use to report a mistake, shown on /about and /accessibility.
# contact_email = "corrections@backcare.example"

# The folders of articles and of styles and images, from the folder this file is in.
articles = "articles"
static = "static"

# The reader discussion under each article: "moderated" or "off", and where its posts are kept.
# comments = "moderated"
# database_url = "sqlite://backcare.db?mode=rwc"
"#;

/// The settings read from a `backcare.toml`; every one is optional.
#[derive(Debug, Clone, Default)]
pub struct SiteConfig {
    /// The file they were read from, if any.
    pub file: Option<PathBuf>,
    pub base_url: Option<BaseUrl>,
    pub app_url: Option<BaseUrl>,
    pub contact_email: Option<ContactEmail>,
    /// Folders, already made relative to the file's own folder.
    pub articles: Option<PathBuf>,
    pub static_dir: Option<PathBuf>,
    pub comments: Option<CommentsMode>,
    pub database_url: Option<String>,
}

/// Why the settings file could not be used: each problem with its line, all at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub problems: Vec<(Option<usize>, String)>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (line, message)) in self.problems.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            match line {
                Some(line) => write!(f, "{}:{line}: {message}", self.file.display())?,
                None => write!(f, "{}: {message}", self.file.display())?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl SiteConfig {
    /// Reads `explicit` (`--config`), or else the nearest `backcare.toml` from `here` upwards;
    /// no file at all gives the defaults.
    /// `here` must be the current folder, as the file found is named relative to it.
    pub fn find(explicit: Option<&Path>, here: &Path) -> Result<SiteConfig, ConfigError> {
        let file = match explicit {
            Some(file) => file.to_path_buf(),
            None => match nearest(here) {
                Some(file) => file,
                None => return Ok(SiteConfig::default()),
            },
        };
        let text = std::fs::read_to_string(&file).map_err(|error| ConfigError {
            file: file.clone(),
            problems: vec![(None, format!("cannot read the settings file: {error}"))],
        })?;
        SiteConfig::parse(&text, &file)
    }

    /// Reads the text of the settings file at `file`, whose folder relative folders start from.
    pub fn parse(text: &str, file: &Path) -> Result<SiteConfig, ConfigError> {
        let fail = |problems| ConfigError {
            file: file.to_path_buf(),
            problems,
        };
        let table: BTreeMap<Spanned<String>, Spanned<toml::Value>> =
            toml::from_str(text).map_err(|error| {
                let line = error.span().map(|span| line_of(text, span.start));
                fail(vec![(line, error.message().trim().to_owned())])
            })?;
        let folder = file.parent().unwrap_or(Path::new(""));
        let mut config = SiteConfig {
            file: Some(file.to_path_buf()),
            ..SiteConfig::default()
        };
        let mut problems = Vec::new();
        for (key, value) in &table {
            let line = line_of(text, key.span().start);
            if let Err(message) = config.set(key.get_ref(), value.get_ref(), folder) {
                problems.push((Some(line), message));
            }
        }
        problems.sort_by_key(|(line, _)| *line);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(fail(problems))
        }
    }

    fn set(&mut self, key: &str, value: &toml::Value, folder: &Path) -> Result<(), String> {
        let text = value
            .as_str()
            .ok_or_else(|| format!("{key} must be text in double quotes, e.g. {key} = \"...\""))
            .map(str::trim);
        match key {
            "base_url" => {
                self.base_url = Some(text?.parse().map_err(|e| format!("base_url: {e}"))?)
            }
            "app_url" => self.app_url = Some(text?.parse().map_err(|e| format!("app_url: {e}"))?),
            "contact_email" => {
                self.contact_email = Some(text?.parse().map_err(|e| format!("contact_email: {e}"))?)
            }
            "articles" => self.articles = Some(folder.join(text?)),
            "static" => self.static_dir = Some(folder.join(text?)),
            "comments" => {
                let text = text?;
                self.comments = Some(CommentsMode::from_str(text, false).map_err(|_| {
                    format!("comments must be \"moderated\" or \"off\", not \"{text}\"")
                })?)
            }
            "database_url" => self.database_url = Some(sqlite_beside(text?, folder)),
            unknown => return Err(unknown_key_message(unknown)),
        }
        Ok(())
    }

    pub fn articles(&self, option: Option<PathBuf>) -> PathBuf {
        option
            .or_else(|| self.articles.clone())
            .unwrap_or_else(|| self.beside_file("articles"))
    }

    pub fn static_dir(&self, option: Option<PathBuf>) -> PathBuf {
        option
            .or_else(|| self.static_dir.clone())
            .unwrap_or_else(|| self.beside_file("static"))
    }

    /// A default folder: next to the settings file (the site's folder), else in the current one.
    fn beside_file(&self, name: &str) -> PathBuf {
        let folder = self.file.as_deref().and_then(Path::parent);
        folder.unwrap_or(Path::new("")).join(name)
    }

    pub fn base_url(&self, option: Option<BaseUrl>) -> Option<BaseUrl> {
        option.or_else(|| self.base_url.clone())
    }

    pub fn app_url(&self, option: Option<BaseUrl>) -> Option<BaseUrl> {
        option.or_else(|| self.app_url.clone())
    }

    pub fn contact_email(&self, option: Option<ContactEmail>) -> ContactEmail {
        option
            .or_else(|| self.contact_email.clone())
            .unwrap_or_default()
    }

    pub fn comments(&self, option: Option<CommentsMode>) -> CommentsMode {
        option.or(self.comments).unwrap_or(CommentsMode::Moderated)
    }

    pub fn database_url(&self, option: Option<String>) -> String {
        option
            .or_else(|| self.database_url.clone())
            .unwrap_or_else(|| crate::discussion::DEFAULT_DATABASE_URL.to_owned())
    }
}

/// The nearest `backcare.toml` in `here` or a folder above it, named from `here`
/// (`backcare.toml`, `../backcare.toml`) so that messages name files as the author sees them.
pub fn nearest(here: &Path) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for folder in here.ancestors() {
        if folder.join(FILE_NAME).is_file() {
            return Some(relative.join(FILE_NAME));
        }
        relative.push("..");
    }
    None
}

/// A SQLite file named relative to the settings file, so `serve` finds the same database from
/// any folder below it; other addresses are kept as written.
fn sqlite_beside(url: &str, folder: &Path) -> String {
    match url.strip_prefix("sqlite://") {
        Some(rest) if !rest.starts_with('/') && !rest.starts_with(':') => {
            let folder = folder.to_string_lossy();
            if folder.is_empty() {
                url.to_owned()
            } else {
                format!("sqlite://{}/{rest}", folder.trim_end_matches('/'))
            }
        }
        _ => url.to_owned(),
    }
}

fn unknown_key_message(unknown: &str) -> String {
    let expected = KEYS.join(", ");
    match closest(unknown, KEYS.iter().copied()) {
        Some(guess) => format!(
            "unknown setting \"{unknown}\", expected one of {expected}; did you mean \"{guess}\"?"
        ),
        None => format!("unknown setting \"{unknown}\", expected one of {expected}"),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SiteConfig, ConfigError> {
        SiteConfig::parse(text, Path::new("site/backcare.toml"))
    }

    #[test]
    fn settings_are_read_and_folders_start_from_the_file() {
        let config = parse(
            "base_url = \"https://backcare.example/\"\narticles = \"pages\"\ncomments = \"off\"\ndatabase_url = \"sqlite://posts.db?mode=rwc\"\n",
        )
        .unwrap();
        assert_eq!(
            config.base_url(None).unwrap().as_str(),
            "https://backcare.example"
        );
        assert_eq!(config.articles(None), PathBuf::from("site/pages"));
        assert_eq!(config.static_dir(None), PathBuf::from("site/static"));
        assert_eq!(
            SiteConfig::default().static_dir(None),
            PathBuf::from("static")
        );
        assert_eq!(config.comments(None), CommentsMode::Off);
        assert_eq!(config.database_url(None), "sqlite://site/posts.db?mode=rwc");
        assert_eq!(
            config.articles(Some(PathBuf::from("x"))),
            PathBuf::from("x"),
            "an option wins"
        );
        assert!(parse(STARTER).is_ok(), "the starter file is valid");
    }

    #[test]
    fn every_problem_is_listed_with_its_line_and_a_suggestion() {
        let error =
            parse("base_url = \"https://backcare.example\"\nbase_ulr = \"x\"\ncomments = \"on\"\n")
                .unwrap_err();
        assert_eq!(
            error.to_string(),
            "site/backcare.toml:2: unknown setting \"base_ulr\", expected one of base_url, app_url, contact_email, articles, static, comments, database_url; did you mean \"base_url\"?\n\
             site/backcare.toml:3: comments must be \"moderated\" or \"off\", not \"on\""
        );
        let error = parse("base_url = https://backcare.example\n").unwrap_err();
        assert_eq!(error.problems[0].0, Some(1));
    }
}
