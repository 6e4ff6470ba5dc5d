//! What `serve --comments moderated` is configured with: the database, the signing secret, the
//! limits and how long things are kept. Read by `main` and `startup`; no HTTP here.

use std::path::Path;
use std::time::Duration;

use crate::rate_limit::RateLimit;

/// How long rejected posts and email addresses are kept by default (`--comments-retention`).
pub const DEFAULT_RETENTION: time::Duration = time::Duration::days(90);

/// A moderator session unused for this long ends (on top of the 12-hour limit).
pub const SESSION_IDLE: time::Duration = time::Duration::minutes(30);

/// Everything `serve --comments moderated` needs to know.
#[derive(Debug, Clone)]
pub struct DiscussionConfig {
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// Signs form tokens and keys digests; instances behind one proxy need the same. `None`:
    /// made on the first start and kept beside the database (`secret`).
    pub secret: Option<Vec<u8>>,
    /// Stored posts per client.
    pub post_limit: RateLimit,
    /// Sign-in attempts per client.
    pub login_limit: RateLimit,
    /// "Is this page helpful?" answers and comments per client.
    pub feedback_limit: RateLimit,
    /// Wrong passwords allowed per (moderator name, client) in `NAME_FAILURE_WINDOW`.
    pub login_failures_per_name: u32,
    /// Wrong passwords allowed per moderator name, from browsers without that moderator's
    /// device cookie, from all addresses together, in an hour; then such browsers are refused
    /// before the password is checked.
    pub login_failures_per_account: u32,
    /// Posts that may wait for a moderator under one article, and in all. Beyond them new posts
    /// get a "the discussion is busy" page: the queue, its pages and the database stay bounded.
    pub pending_per_article: i64,
    pub pending_in_all: i64,
    /// How long an article's posts are served from memory before the database is asked again:
    /// the poll behind this instance's own decisions and (with PostgreSQL) other instances'
    /// change notices, which re-render a page at once.
    pub page_ttl: Duration,
    /// A moderator session unused for this long ends (on top of the 12-hour limit).
    pub session_idle: time::Duration,
    /// Rejected posts and email addresses older than this are purged at start-up and daily.
    pub retention: time::Duration,
}

impl DiscussionConfig {
    pub const POST_LIMIT: RateLimit = RateLimit {
        per_minute: 1,
        burst: 5,
    };
    pub const LOGIN_LIMIT: RateLimit = RateLimit {
        per_minute: 2,
        burst: 10,
    };
    /// A reader answers once per page they read and now and then adds a comment; readers behind
    /// one office or school address share the allowance, so it is generous, but one client
    /// cannot pile thousands of answers onto an article.
    pub const FEEDBACK_LIMIT: RateLimit = RateLimit {
        per_minute: 10,
        burst: 60,
    };

    pub fn new(database_url: impl Into<String>) -> Self {
        DiscussionConfig {
            database_url: database_url.into(),
            secret: None,
            post_limit: Self::POST_LIMIT,
            login_limit: Self::LOGIN_LIMIT,
            feedback_limit: Self::FEEDBACK_LIMIT,
            login_failures_per_name: 5,
            login_failures_per_account: 10,
            pending_per_article: 200,
            pending_in_all: 2_000,
            page_ttl: Duration::from_secs(10),
            session_idle: SESSION_IDLE,
            retention: DEFAULT_RETENTION,
        }
    }
}

/// Reads the form-signing secret: `--secret-file` first, then `BACKCARE_SECRET`.
pub fn read_secret(file: Option<&Path>, env: Option<String>) -> std::io::Result<Option<Vec<u8>>> {
    let secret = match file {
        Some(path) => Some(std::fs::read(path)?),
        None => env.map(String::into_bytes),
    };
    let secret = secret.map(|bytes| bytes.trim_ascii().to_vec());
    match secret {
        Some(bytes) if bytes.len() < 16 => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the secret must be at least 16 characters",
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_come_from_a_file_or_the_environment() {
        assert_eq!(read_secret(None, None).unwrap(), None);
        assert_eq!(
            read_secret(None, Some(" sixteen-chars-ok \n".to_owned())).unwrap(),
            Some(b"sixteen-chars-ok".to_vec())
        );
        assert!(read_secret(None, Some("short".to_owned())).is_err());
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), "from-the-file-0123456789\n").unwrap();
        assert_eq!(
            read_secret(Some(file.path()), Some("from-the-environment".to_owned())).unwrap(),
            Some(b"from-the-file-0123456789".to_vec())
        );
        assert!(read_secret(Some(Path::new("/no/such/secret")), None).is_err());
    }
}
