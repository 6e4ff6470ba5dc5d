//! The discussion's command-line tasks: `backcare moderator add`, `list` and `remove`,
//! `backcare comments export` and `purge`, and `backcare feedback report`.
//! They talk to the terminal and the database, never to HTTP.

use std::io::{self, BufRead, IsTerminal, Write};

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::moderators::{self, AccountError};
use super::store::{Storage, StoreError, StoredPost};
use super::totp;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("the two passwords are different")]
    PasswordsDiffer,
    #[error("there is no moderator called {0:?}; `backcare moderator list` shows who there is")]
    NoSuchModerator(String),
}

/// Reads a new password: from the first line of standard input when it is not a terminal (or
/// `from_stdin` says so), otherwise asked for twice without echo.
pub fn read_new_password(from_stdin: bool) -> Result<String, CommandError> {
    let stdin = io::stdin();
    if from_stdin || !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Password again: ")?;
    if first != second {
        return Err(CommandError::PasswordsDiffer);
    }
    Ok(first)
}

/// Adds moderator `name`, or gives them a new password (ending their sessions). True if new.
pub async fn add_moderator(
    storage: &Storage,
    name: &str,
    password: &str,
) -> Result<bool, CommandError> {
    let name = moderators::check_name(name)?;
    moderators::check_strength(name, password)?;
    let hash = hash_off_thread(password.to_owned()).await?;
    Ok(storage
        .set_moderator(name, &hash, OffsetDateTime::now_utc())
        .await?)
}

/// `backcare moderator list`: one line per moderator, name first, for people and for `cut`.
pub async fn list_moderators(
    storage: &Storage,
    out: &mut impl Write,
) -> Result<usize, CommandError> {
    let moderators = storage.moderators(OffsetDateTime::now_utc()).await?;
    for moderator in &moderators {
        write!(
            out,
            "{}\tadded {}\t{} session{}",
            moderator.name,
            rfc3339(moderator.created_at),
            moderator.sessions,
            plural(moderator.sessions)
        )?;
        // So an operator sees who signs in with a password alone, and whose codes run low.
        match moderator.recovery_codes_left {
            Some(left) => writeln!(
                out,
                "\tsecond factor, {left} recovery code{} left",
                plural(left)
            )?,
            None => writeln!(out)?,
        }
    }
    out.flush()?;
    Ok(moderators.len())
}

fn plural(count: i64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// What `backcare moderator totp NAME` set up, to show once.
#[derive(Debug)]
pub struct TotpSetUp {
    pub secret: String,
    pub uri: String,
    pub recovery_codes: Vec<String>,
}

/// `backcare moderator totp NAME`: a new TOTP secret and recovery codes for `name`, replacing
/// any earlier ones; from then on signing in needs a code as well as the password.
pub async fn set_up_totp(storage: &Storage, name: &str) -> Result<TotpSetUp, CommandError> {
    let secret = totp::new_secret();
    let recovery_codes = totp::new_recovery_codes();
    let hashes: Vec<String> = recovery_codes
        .iter()
        .map(|code| totp::recovery_code_hash(code))
        .collect();
    if !storage.set_totp(name, Some(&secret), &hashes).await? {
        return Err(CommandError::NoSuchModerator(name.to_owned()));
    }
    Ok(TotpSetUp {
        uri: totp::otpauth_uri("backcare", name, &secret),
        secret,
        recovery_codes,
    })
}

/// `backcare moderator totp NAME --off`: signing in needs the password only again.
pub async fn turn_off_totp(storage: &Storage, name: &str) -> Result<(), CommandError> {
    if storage.set_totp(name, None, &[]).await? {
        Ok(())
    } else {
        Err(CommandError::NoSuchModerator(name.to_owned()))
    }
}

/// `backcare moderator remove NAME`: the account and its sessions go together.
pub async fn remove_moderator(storage: &Storage, name: &str) -> Result<(), CommandError> {
    if storage.remove_moderator(name).await? {
        Ok(())
    } else {
        Err(CommandError::NoSuchModerator(name.to_owned()))
    }
}

async fn hash_off_thread(password: String) -> Result<String, CommandError> {
    // Argon2 is deliberately slow: keep it off the async workers.
    tokio::task::spawn_blocking(move || moderators::hash_password(&password))
        .await
        .map_err(|error| CommandError::Io(io::Error::other(error)))?
        .map_err(CommandError::from)
}

/// One line of `backcare comments export`.
#[derive(Debug, Serialize)]
struct ExportLine<'a> {
    id: i64,
    article: &'a str,
    status: &'static str,
    number: Option<i64>,
    display_name: &'a str,
    email: Option<&'a str>,
    text: &'a str,
    created_at: String,
    moderated_by: Option<&'a str>,
    moderated_at: Option<String>,
    /// Set when a moderator took the approved post down.
    removed_by: Option<&'a str>,
    removed_at: Option<String>,
}

fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_else(|_| time.to_string())
}

/// Writes every post as one JSON object per line, oldest first; returns how many.
pub async fn export(storage: &Storage, out: &mut impl Write) -> Result<usize, CommandError> {
    let posts: Vec<StoredPost> = storage.all_posts().await?;
    for post in &posts {
        let line = ExportLine {
            id: post.id,
            article: &post.article_slug,
            status: post.state.status().as_str(),
            number: post.state.number(),
            display_name: &post.display_name,
            email: post.email.as_deref(),
            text: &post.text,
            created_at: rfc3339(post.created_at),
            moderated_by: post.state.moderated().map(|stamp| stamp.by.as_str()),
            moderated_at: post.state.moderated().map(|stamp| rfc3339(stamp.at)),
            removed_by: post.state.removed().map(|stamp| stamp.by.as_str()),
            removed_at: post.state.removed().map(|stamp| rfc3339(stamp.at)),
        };
        serde_json::to_writer(&mut *out, &line).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(posts.len())
}

/// `backcare feedback report`: every article answered since `since` (a UTC day), least helpful
/// first, as a table or as CSV.
pub async fn feedback_report(
    storage: &Storage,
    since: Option<time::Date>,
    csv: bool,
) -> Result<String, CommandError> {
    let since = since.map(|day| day.midnight().assume_utc());
    let mut report = storage
        .feedback_report(since, super::feedback::REPORT_COMMENTS)
        .await?;
    super::feedback::least_helpful_first(&mut report);
    Ok(if csv {
        super::feedback::report_csv(&report)
    } else {
        super::feedback::report_text(&report)
    })
}

/// `backcare comments purge --older-than 30d`: deletes rejected posts written more than
/// `older_than` before `now` and removes the email address of every older post.
pub async fn purge(
    storage: &Storage,
    older_than: time::Duration,
    now: OffsetDateTime,
) -> Result<super::Purged, CommandError> {
    Ok(storage.purge(now - older_than).await?)
}
