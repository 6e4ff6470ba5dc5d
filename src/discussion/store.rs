//! Where posts, moderators and sessions are kept: SQLite (the default, one file) or PostgreSQL
//! (for several instances), chosen by the URL. Every statement is written once: both databases
//! accept `$1`-style parameters, `RETURNING` and `ON CONFLICT`, and the schema differs only in
//! its migrations (`migrations/sqlite`, `migrations/postgres`).

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};
use time::OffsetDateTime;

use super::post::NewPost;

mod feedback;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://backcare.db?mode=rwc";

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn for_url(url: &str) -> Option<Backend> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database URL must start with sqlite:// or postgres://, e.g. {DEFAULT_DATABASE_URL}"
    )]
    UnsupportedUrl,
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("cannot read or keep the server secret {path}: {source}")]
    Secret {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A row this version cannot read as a post: never guessed at, so a post is never shown
    /// or queued in a state nobody gave it.
    #[error("post {id} cannot be read: {problem}")]
    Inconsistent { id: i64, problem: String },
}

/// Whether a post is waiting for a moderator, shown, or turned down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Approved,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }

    /// The status stored as `value`; `None` for one this version does not know, which is
    /// never taken for pending.
    fn parse(value: &str) -> Option<Status> {
        match value {
            "pending" => Some(Status::Pending),
            "approved" => Some(Status::Approved),
            "rejected" => Some(Status::Rejected),
            _ => None,
        }
    }
}

/// What a moderator decided about a pending post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Approve,
    Reject,
    /// Take down a post that was approved: it keeps its number, its text is no longer shown.
    Remove,
}

/// A post as the article page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedPost {
    pub id: i64,
    pub number: i64,
    pub display_name: String,
    pub text: String,
    pub created_at: OffsetDateTime,
    /// Taken down by a moderator: shown only as "Post N was removed by a moderator".
    pub removed: bool,
}

/// A post as the moderation queue shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPost {
    pub id: i64,
    pub article_slug: String,
    pub display_name: String,
    pub email: Option<String>,
    pub text: String,
    pub created_at: OffsetDateTime,
}

/// Every stored field of a post, for the backup export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPost {
    pub id: i64,
    pub article_slug: String,
    pub display_name: String,
    pub email: Option<String>,
    pub text: String,
    pub created_at: OffsetDateTime,
    pub state: PostState,
}

/// A moderator's decision about a post: who, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub by: String,
    pub at: OffsetDateTime,
}

/// Where a stored post is in moderation, with the decisions that took it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostState {
    Pending,
    Approved {
        number: i64,
        approved: Stamp,
    },
    /// Approved, then taken down: it keeps its number; its text and name are gone.
    Removed {
        number: i64,
        approved: Stamp,
        removed: Stamp,
    },
    Rejected {
        rejected: Stamp,
    },
}

impl PostState {
    /// The status column: a removed post is still an approved one.
    pub fn status(&self) -> Status {
        match self {
            PostState::Pending => Status::Pending,
            PostState::Approved { .. } | PostState::Removed { .. } => Status::Approved,
            PostState::Rejected { .. } => Status::Rejected,
        }
    }

    /// Its number under its article, once approved.
    pub fn number(&self) -> Option<i64> {
        match self {
            PostState::Approved { number, .. } | PostState::Removed { number, .. } => Some(*number),
            PostState::Pending | PostState::Rejected { .. } => None,
        }
    }

    /// Who approved or rejected it, and when.
    pub fn moderated(&self) -> Option<&Stamp> {
        match self {
            PostState::Pending => None,
            PostState::Approved { approved, .. } | PostState::Removed { approved, .. } => {
                Some(approved)
            }
            PostState::Rejected { rejected } => Some(rejected),
        }
    }

    /// Who took it down, and when.
    pub fn removed(&self) -> Option<&Stamp> {
        match self {
            PostState::Removed { removed, .. } => Some(removed),
            _ => None,
        }
    }
}

/// The outcome of moderating a post that was still pending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderated {
    pub article_slug: String,
    /// The post's number when approved.
    pub number: Option<i64>,
}

/// A moderator who has just signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub moderator: String,
    /// When the moderator signed in.
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A moderator as `backcare moderator list` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeratorAccount {
    pub name: String,
    pub created_at: OffsetDateTime,
    /// Sessions that have not expired (some may have ended from lack of use).
    pub sessions: i64,
    /// With a second factor: how many of their recovery codes are unused.
    pub recovery_codes_left: Option<i64>,
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub rejected_posts: u64,
    pub emails: u64,
    /// "Is this page helpful?" comments; the counts are kept.
    pub feedback_comments: u64,
}

/// What storing a post did.
#[derive(Debug, Clone)]
pub enum Added {
    /// Stored as pending, with this id.
    Stored(i64),
    /// The same post was stored earlier (see `resend`); nothing new was stored.
    AlreadySent(Box<StoredPost>),
}

/// The database, whichever kind it is.
#[derive(Debug, Clone)]
pub struct Storage {
    pool: AnyPool,
    backend: Backend,
}

fn unix(time: OffsetDateTime) -> i64 {
    time.unix_timestamp()
}

fn from_unix(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl Storage {
    /// Opens (creating a SQLite file if `?mode=rwc` says so) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Storage, StoreError> {
        let backend = Backend::for_url(url).ok_or(StoreError::UnsupportedUrl)?;
        if backend == Backend::Sqlite {
            create_private_sqlite_file(url).map_err(|error| StoreError::Connect(error.into()))?;
        }
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(StoreError::Connect)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        if backend == Backend::Sqlite {
            // Readers do not wait for writers, and the mode is kept in the file. Synchronous
            // stays FULL (the default) so an acknowledged post survives a power cut.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Storage { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Open connections and how many of them are idle, for the metrics.
    pub fn pool_use(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Stores `post` as pending with `digests[0]` (see `resend`) and returns its id; it is
    /// committed when this returns `Ok`. If a post with the same digest is already stored, it is
    /// returned instead and nothing new is stored (the caller looks up both digests first).
    pub async fn add_post(
        &self,
        article_slug: &str,
        post: &NewPost,
        digests: &[String; 2],
        now: OffsetDateTime,
    ) -> Result<Added, StoreError> {
        let mut transaction = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO posts (article_slug, display_name, email, body, status, created_at, post_digest) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $6) ON CONFLICT (post_digest) DO NOTHING RETURNING id",
        )
        .bind(article_slug)
        .bind(post.display_name.as_str())
        .bind(post.email.as_ref().map(|e| e.as_str().to_owned()))
        .bind(post.text.as_str())
        .bind(unix(now))
        .bind(&digests[0])
        .fetch_optional(&mut *transaction)
        .await?;
        transaction.commit().await?;
        crash_point("after-post-commit");
        match row {
            Some(row) => Ok(Added::Stored(row.try_get("id")?)),
            None => match self.post_by_digest(digests).await? {
                Some(earlier) => Ok(Added::AlreadySent(Box::new(earlier))),
                // The earlier post was purged between the insert and this read.
                None => Err(StoreError::Query(sqlx::Error::RowNotFound)),
            },
        }
    }

    /// The post stored under either digest, if there is one.
    pub async fn post_by_digest(
        &self,
        digests: &[String; 2],
    ) -> Result<Option<StoredPost>, StoreError> {
        let row = sqlx::query(
            "SELECT id, article_slug, display_name, email, body, status, number, created_at, \
             moderated_by, moderated_at, removed_by, removed_at FROM posts \
             WHERE post_digest = $1 OR post_digest = $2 LIMIT 1",
        )
        .bind(&digests[0])
        .bind(&digests[1])
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(stored_post).transpose()
    }

    /// The server secret kept in the database, storing `candidate` if there is none yet.
    /// PostgreSQL only: every instance sharing the database gets the first one stored.
    pub async fn server_secret(&self, candidate: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO server_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(candidate)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT secret FROM server_secret WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("secret")?)
    }

    /// An article's approved posts, newest (highest number) first, at most `limit` of them.
    pub async fn approved_posts(
        &self,
        article_slug: &str,
        limit: i64,
    ) -> Result<Vec<ApprovedPost>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, number, display_name, body, created_at, removed_at FROM posts \
             WHERE article_slug = $1 AND status = 'approved' \
             ORDER BY number DESC LIMIT $2",
        )
        .bind(article_slug)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ApprovedPost {
                    id: row.try_get("id")?,
                    number: row.try_get("number")?,
                    display_name: row.try_get("display_name")?,
                    text: row.try_get("body")?,
                    created_at: from_unix(row.try_get("created_at")?),
                    removed: row.try_get::<Option<i64>, _>("removed_at")?.is_some(),
                })
            })
            .collect()
    }

    /// One page of the pending posts, oldest first: at most `limit`, after skipping `offset`.
    pub async fn pending_posts(
        &self,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<PendingPost>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, article_slug, display_name, email, body, created_at FROM posts \
             WHERE status = 'pending' ORDER BY id LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(pending_post).collect()
    }

    /// How many posts wait for a moderator in all.
    pub async fn pending_total(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS total FROM posts WHERE status = 'pending'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("total")?)
    }

    /// How many posts wait for a moderator: under `article_slug`, and in all.
    pub async fn pending_counts(&self, article_slug: &str) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(CASE WHEN article_slug = $1 THEN 1 END) AS article, COUNT(*) AS total \
             FROM posts WHERE status = 'pending'",
        )
        .bind(article_slug)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("article")?, row.try_get("total")?))
    }

    /// Approves or rejects post `id` if it is still pending, recording who and when; an
    /// approved post gets the next number of its article in the same transaction. `None` when
    /// there is no such pending post (already moderated by someone else, or never existed).
    pub async fn moderate(
        &self,
        id: i64,
        decision: Moderation,
        moderator: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Moderated>, StoreError> {
        let status = match decision {
            Moderation::Approve => Status::Approved,
            Moderation::Reject => Status::Rejected,
            Moderation::Remove => return self.remove(id, moderator, now).await,
        };
        let mut transaction = self.pool.begin().await?;
        // A write first, so SQLite takes its write lock at once and two moderators never
        // both see the post as pending.
        let row = sqlx::query(
            "UPDATE posts SET status = $1, moderated_by = $2, moderated_at = $3 \
             WHERE id = $4 AND status = 'pending' RETURNING article_slug",
        )
        .bind(status.as_str())
        .bind(moderator)
        .bind(unix(now))
        .bind(id)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let article_slug: String = row.try_get("article_slug")?;
        let number = if decision == Moderation::Approve {
            let row = sqlx::query(
                "INSERT INTO article_counters (article_slug, last_number) VALUES ($1, 1) \
                 ON CONFLICT (article_slug) \
                 DO UPDATE SET last_number = article_counters.last_number + 1 \
                 RETURNING last_number",
            )
            .bind(&article_slug)
            .fetch_one(&mut *transaction)
            .await?;
            let number: i64 = row.try_get("last_number")?;
            sqlx::query("UPDATE posts SET number = $1 WHERE id = $2")
                .bind(number)
                .bind(id)
                .execute(&mut *transaction)
                .await?;
            // Delivered at commit, so other instances re-read a page that shows the post.
            self.announce_change(&mut transaction, &article_slug)
                .await?;
            Some(number)
        } else {
            None
        };
        transaction.commit().await?;
        Ok(Some(Moderated {
            article_slug,
            number,
        }))
    }

    /// Takes down approved post `id`, recording who and when; `None` if it is not an approved
    /// post still shown. Its text, name and email are deleted in the same statement: a post is
    /// taken down because of what it says (someone's name and address, say), so nothing of it
    /// may stay in the database, a backup or an export. Only its number and who removed it stay.
    async fn remove(
        &self,
        id: i64,
        moderator: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Moderated>, StoreError> {
        let mut transaction = self.pool.begin().await?;
        let row = sqlx::query(
            "UPDATE posts SET removed_by = $1, removed_at = $2, body = '', display_name = '', \
             email = NULL \
             WHERE id = $3 AND status = 'approved' AND removed_at IS NULL \
             RETURNING article_slug, number",
        )
        .bind(moderator)
        .bind(unix(now))
        .bind(id)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let removed = Moderated {
            article_slug: row.try_get("article_slug")?,
            number: row.try_get("number")?,
        };
        self.announce_change(&mut transaction, &removed.article_slug)
            .await?;
        transaction.commit().await?;
        Ok(Some(removed))
    }

    /// With PostgreSQL, tells every instance listening (`changes`) that an article's posts
    /// changed, when `transaction` commits. SQLite has one instance, which knows already.
    async fn announce_change(
        &self,
        transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
        article_slug: &str,
    ) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            // pg_notify returns `void`, which the Any driver cannot read: count it instead.
            sqlx::query("SELECT count(*) AS sent FROM (SELECT pg_notify($1, $2)) AS notice")
                .bind(super::changes::CHANNEL)
                .bind(article_slug)
                .execute(&mut **transaction)
                .await?;
        }
        Ok(())
    }

    /// The most recently approved posts still shown, newest first, for taking one down.
    pub async fn recently_approved(&self, limit: i64) -> Result<Vec<PendingPost>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, article_slug, display_name, email, body, created_at FROM posts \
             WHERE status = 'approved' AND removed_at IS NULL \
             ORDER BY moderated_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(pending_post).collect()
    }

    /// Keeps less: deletes rejected posts written before `cutoff` and forgets the email address
    /// of every other post written before it, and deletes feedback comments written before it;
    /// clears resend digests past `resend::DIGEST_KEPT`. Returns how many of each.
    pub async fn purge(&self, cutoff: OffsetDateTime) -> Result<Purged, StoreError> {
        let digests_cutoff = OffsetDateTime::now_utc() - super::resend::DIGEST_KEPT;
        let mut transaction = self.pool.begin().await?;
        let deleted =
            sqlx::query("DELETE FROM posts WHERE status = 'rejected' AND created_at < $1")
                .bind(unix(cutoff))
                .execute(&mut *transaction)
                .await?
                .rows_affected();
        let emails = sqlx::query(
            "UPDATE posts SET email = NULL WHERE email IS NOT NULL AND created_at < $1",
        )
        .bind(unix(cutoff))
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        // Digests only recognise a post sent again within a day; older ones recognise nothing.
        sqlx::query(
            "UPDATE posts SET post_digest = NULL WHERE post_digest IS NOT NULL AND created_at < $1",
        )
        .bind(unix(digests_cutoff))
        .execute(&mut *transaction)
        .await?;
        let feedback_comments = sqlx::query("DELETE FROM feedback_comments WHERE created_at < $1")
            .bind(unix(cutoff))
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        transaction.commit().await?;
        Ok(Purged {
            rejected_posts: deleted,
            emails,
            feedback_comments,
        })
    }

    /// Every post ever stored, oldest first.
    pub async fn all_posts(&self) -> Result<Vec<StoredPost>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, article_slug, display_name, email, body, status, number, created_at, \
             moderated_by, moderated_at, removed_by, removed_at FROM posts ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_post).collect()
    }

    /// Adds a moderator or replaces their password hash (signing them out everywhere).
    /// Returns whether the moderator is new.
    pub async fn set_moderator(
        &self,
        name: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut transaction = self.pool.begin().await?;
        let replaced = sqlx::query("UPDATE moderators SET password_hash = $1 WHERE name = $2")
            .bind(password_hash)
            .bind(name)
            .execute(&mut *transaction)
            .await?
            .rows_affected()
            > 0;
        if replaced {
            sqlx::query("DELETE FROM sessions WHERE moderator = $1")
                .bind(name)
                .execute(&mut *transaction)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO moderators (name, password_hash, created_at) VALUES ($1, $2, $3)",
            )
            .bind(name)
            .bind(password_hash)
            .bind(unix(now))
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(!replaced)
    }

    /// Every moderator, by name, with how many sessions they have that have not expired, and
    /// whether they have a second factor.
    pub async fn moderators(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<ModeratorAccount>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, moderators.created_at AS created_at, \
             (SELECT COUNT(*) FROM sessions \
              WHERE sessions.moderator = moderators.name AND sessions.expires_at > $1) AS sessions, \
             CASE WHEN totp_secret IS NULL THEN NULL ELSE \
              (SELECT COUNT(*) FROM recovery_codes \
               WHERE recovery_codes.moderator = moderators.name AND used_at IS NULL) \
             END AS recovery_codes_left \
             FROM moderators ORDER BY name",
        )
        .bind(unix(now))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ModeratorAccount {
                    name: row.try_get("name")?,
                    created_at: from_unix(row.try_get("created_at")?),
                    sessions: row.try_get("sessions")?,
                    recovery_codes_left: row.try_get("recovery_codes_left")?,
                })
            })
            .collect()
    }

    /// Deletes moderator `name` and, in the same transaction, every session they have, so no
    /// cookie of theirs works a moment longer. False when there is no such moderator.
    pub async fn remove_moderator(&self, name: &str) -> Result<bool, StoreError> {
        let mut transaction = self.pool.begin().await?;
        for table in ["sessions", "recovery_codes"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE moderator = $1"))
                .bind(name)
                .execute(&mut *transaction)
                .await?;
        }
        let removed = sqlx::query("DELETE FROM moderators WHERE name = $1")
            .bind(name)
            .execute(&mut *transaction)
            .await?
            .rows_affected()
            > 0;
        transaction.commit().await?;
        Ok(removed)
    }

    /// Turns the second factor on for `name` with `secret` (base32) and recovery codes kept by
    /// their hashes, replacing any earlier ones; `None` turns it off. Their sessions end, as
    /// with a new password: one begun without the code (or with an old secret) does not outlast
    /// the change. False if no such moderator.
    pub async fn set_totp(
        &self,
        name: &str,
        secret: Option<&str>,
        recovery_code_hashes: &[String],
    ) -> Result<bool, StoreError> {
        let mut transaction = self.pool.begin().await?;
        let found = sqlx::query(
            "UPDATE moderators SET totp_secret = $1, totp_last_step = NULL WHERE name = $2",
        )
        .bind(secret)
        .bind(name)
        .execute(&mut *transaction)
        .await?
        .rows_affected()
            > 0;
        for table in ["sessions", "recovery_codes"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE moderator = $1"))
                .bind(name)
                .execute(&mut *transaction)
                .await?;
        }
        for hash in recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (code_hash, moderator) VALUES ($1, $2)")
                .bind(hash)
                .bind(name)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(found)
    }

    /// `name`'s TOTP secret (base32), if they use the second factor.
    pub async fn totp_secret(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT totp_secret FROM moderators WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|row| row.try_get::<Option<String>, _>("totp_secret"))
            .transpose()?
            .flatten())
    }

    /// Records that `name` used the code of time step `step`; false if that step (or a later
    /// one) was used already, so a code seen over someone's shoulder does not work again.
    pub async fn use_totp_step(&self, name: &str, step: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE moderators SET totp_last_step = $2 \
             WHERE name = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(name)
        .bind(step)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    /// Uses up `name`'s recovery code with this hash; false if there is no such unused code.
    pub async fn use_recovery_code(
        &self,
        name: &str,
        code_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE recovery_codes SET used_at = $3 \
             WHERE code_hash = $1 AND moderator = $2 AND used_at IS NULL",
        )
        .bind(code_hash)
        .bind(name)
        .bind(unix(now))
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    pub async fn password_hash(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT password_hash FROM moderators WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| row.try_get("password_hash")).transpose()?)
    }

    /// Records a session by the hash of its token, clearing out expired ones on the way.
    pub async fn create_session(
        &self,
        token_hash: &str,
        moderator: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(unix(now))
            .execute(&mut *transaction)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, moderator, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(moderator)
        .bind(unix(now))
        .bind(unix(expires_at))
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The moderator signed in with the token hashing to `token_hash`, if the session has not
    /// expired and was used within `idle`; using it now keeps it alive for another `idle`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        idle: time::Duration,
    ) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query(
            "UPDATE sessions SET last_seen_at = $2 \
             WHERE token_hash = $1 AND expires_at > $2 AND COALESCE(last_seen_at, created_at) > $3 \
             AND EXISTS (SELECT 1 FROM moderators WHERE moderators.name = sessions.moderator) \
             RETURNING moderator, created_at, expires_at",
        )
        .bind(token_hash)
        .bind(unix(now))
        .bind(unix(now - idle))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Session {
                moderator: row.try_get("moderator")?,
                created_at: from_unix(row.try_get("created_at")?),
                expires_at: from_unix(row.try_get("expires_at")?),
            })
        })
        .transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Takes one request from the shared token bucket `bucket` (GCRA: the row holds when the
    /// bucket is full again), or says how many milliseconds until there is room. One statement,
    /// so instances racing on one bucket never both take its last request. PostgreSQL only.
    pub async fn take_from_bucket(
        &self,
        bucket: &str,
        interval_ms: i64,
        burst: i64,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let allowed = sqlx::query(
            "INSERT INTO rate_limits (bucket, refilled_at_ms) VALUES ($1, $2 + $3) \
             ON CONFLICT (bucket) DO UPDATE \
             SET refilled_at_ms = GREATEST(rate_limits.refilled_at_ms, $2) + $3 \
             WHERE GREATEST(rate_limits.refilled_at_ms, $2) + $3 - $2 <= $4 \
             RETURNING refilled_at_ms",
        )
        .bind(bucket)
        .bind(now_ms)
        .bind(interval_ms)
        .bind(burst * interval_ms)
        .fetch_optional(&self.pool)
        .await?;
        if allowed.is_some() {
            return Ok(None);
        }
        let row = sqlx::query("SELECT refilled_at_ms FROM rate_limits WHERE bucket = $1")
            .bind(bucket)
            .fetch_optional(&self.pool)
            .await?;
        let refilled_at: i64 = match row {
            Some(row) => row.try_get("refilled_at_ms")?,
            None => now_ms,
        };
        Ok(Some(
            refilled_at + interval_ms - burst * interval_ms - now_ms,
        ))
    }

    /// Records a wrong password for `pair` (a keyed hash of name and client). PostgreSQL only.
    pub async fn record_sign_in_failure(&self, pair: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sign_in_failures (pair, failed_at_ms) VALUES ($1, $2)")
            .bind(pair)
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// When the `max`-th newest failure of `pair` after `since_ms` happened, if there were
    /// that many: the pair is locked until it leaves the window. PostgreSQL only.
    pub async fn sign_in_lock_started(
        &self,
        pair: &str,
        since_ms: i64,
        max: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "SELECT failed_at_ms FROM sign_in_failures WHERE pair = $1 AND failed_at_ms > $2 \
             ORDER BY failed_at_ms DESC LIMIT 1 OFFSET $3",
        )
        .bind(pair)
        .bind(since_ms)
        .bind(max - 1)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| row.try_get("failed_at_ms")).transpose()?)
    }

    pub async fn clear_sign_in_failures(&self, pair: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE pair = $1")
            .bind(pair)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes buckets that are full again and failures older than `failures_since_ms`: they
    /// no longer limit anyone, so they are not kept. PostgreSQL only.
    pub async fn forget_expired_limits(
        &self,
        now_ms: i64,
        failures_since_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM rate_limits WHERE refilled_at_ms <= $1")
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE failed_at_ms <= $1")
            .bind(failures_since_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes every connection; pending writes have all been committed by then.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates a missing SQLite file readable and writable by its owner only (0600): it holds email
/// addresses and session hashes. SQLite gives its `-wal` and `-shm` files the same mode. An
/// existing file keeps the mode its operator chose.
fn create_private_sqlite_file(url: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::str::FromStr;
    let Ok(options) = sqlx::sqlite::SqliteConnectOptions::from_str(url) else {
        return Ok(()); // sqlx reports a bad URL itself, with its own words.
    };
    let path = options.get_filename();
    // Only where the URL asks for the file to be created; otherwise a missing file is an error.
    if !url.contains("mode=rwc")
        || path.as_os_str().is_empty()
        || path == std::path::Path::new(":memory:")
        || path.exists()
    {
        return Ok(());
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => Err(error),
        _ => Ok(()),
    }
}

fn pending_post(row: &AnyRow) -> Result<PendingPost, StoreError> {
    Ok(PendingPost {
        id: row.try_get("id")?,
        article_slug: row.try_get("article_slug")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        text: row.try_get("body")?,
        created_at: from_unix(row.try_get("created_at")?),
    })
}

fn stored_post(row: &AnyRow) -> Result<StoredPost, StoreError> {
    let id = row.try_get("id")?;
    Ok(StoredPost {
        id,
        article_slug: row.try_get("article_slug")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        text: row.try_get("body")?,
        created_at: from_unix(row.try_get("created_at")?),
        state: post_state(row).map_err(|problem| StoreError::Inconsistent { id, problem })?,
    })
}

/// The post's state from its columns; `Err` says what does not fit, and nothing is guessed.
fn post_state(row: &AnyRow) -> Result<PostState, String> {
    let column = |error: sqlx::Error| error.to_string();
    let status: String = row.try_get("status").map_err(column)?;
    let Some(status) = Status::parse(&status) else {
        return Err(format!(
            "its status {status:?} is not one this version knows"
        ));
    };
    let number: Option<i64> = row.try_get("number").map_err(column)?;
    let moderated = stamp(row, "moderated_by", "moderated_at")?;
    let removed = stamp(row, "removed_by", "removed_at")?;
    match (status, number, moderated, removed) {
        (Status::Pending, None, None, None) => Ok(PostState::Pending),
        (Status::Approved, Some(number), Some(approved), None) => {
            Ok(PostState::Approved { number, approved })
        }
        (Status::Approved, Some(number), Some(approved), Some(removed)) => Ok(PostState::Removed {
            number,
            approved,
            removed,
        }),
        (Status::Rejected, None, Some(rejected), None) => Ok(PostState::Rejected { rejected }),
        (status, ..) => Err(format!(
            "its number, moderator or removal do not fit its status {:?}",
            status.as_str()
        )),
    }
}

/// Who and when from two columns that are set together or not at all.
fn stamp(row: &AnyRow, by: &str, at: &str) -> Result<Option<Stamp>, String> {
    let column = |error: sqlx::Error| error.to_string();
    let who: Option<String> = row.try_get(by).map_err(column)?;
    let when: Option<i64> = row.try_get(at).map_err(column)?;
    match (who, when) {
        (Some(by), Some(at)) => Ok(Some(Stamp {
            by,
            at: from_unix(at),
        })),
        (None, None) => Ok(None),
        _ => Err(format!("only one of {by} and {at} is set")),
    }
}

/// Fault injection for the crash tests: a debug build started with `BACKCARE_CRASH_AT=<point>`
/// dies at that point, as `kill -9` would (no destructors, no response), so a test can prove
/// what survives a crash between a commit and its answer. Release builds compile it to nothing.
fn crash_point(point: &str) {
    #[cfg(debug_assertions)]
    if std::env::var_os("BACKCARE_CRASH_AT").is_some_and(|wanted| wanted == point) {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_status_is_refused_not_taken_for_pending() {
        assert_eq!(Status::parse("approved"), Some(Status::Approved));
        for status in [Status::Pending, Status::Approved, Status::Rejected] {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Status::parse("spam"), None);
        assert_eq!(Status::parse(""), None);
        assert_eq!(Status::parse("Pending"), None);
    }

    #[test]
    fn backend_follows_the_scheme() {
        assert_eq!(
            Backend::for_url(DEFAULT_DATABASE_URL),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::for_url("postgres://u@localhost/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::for_url("PostgreSQL://localhost"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::for_url("mysql://localhost"), None);
        assert_eq!(Backend::for_url("backcare.db"), None);
    }
}
