//! Telling every instance sharing a PostgreSQL database that an article's posts changed, so each
//! re-renders that article at once rather than at its next poll. A moderator's approval or
//! take-down sends `pg_notify(CHANNEL, slug)` in its transaction (`store`); each instance keeps a
//! `LISTEN` connection open (`spawn_listener`) and reconnects when it drops. Notices sent while
//! it was away are lost, so a reconnection counts as "anything may have changed".

use std::time::Duration;

use sqlx::postgres::PgListener;

/// The channel approvals and take-downs are announced on; the payload is the article's slug.
pub const CHANNEL: &str = "backcare_posts";

/// What an instance learns from the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change<'a> {
    /// This article's posts changed.
    Article(&'a str),
    /// Notices may have been missed (the connection was lost or just made): anything may have.
    Unknown,
}

/// The longest wait between attempts to reach the database again.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

/// Listens on `CHANNEL` of the database at `url` for as long as the runtime runs, calling
/// `on_change` for each notice, reconnecting (waiting longer after each failure, up to 30 s).
pub fn spawn_listener(url: String, on_change: impl Fn(Change) + Send + Sync + 'static) {
    tokio::spawn(async move {
        let mut wait = Duration::from_millis(250);
        loop {
            let error = listen(&url, &on_change, &mut wait).await;
            tracing::warn!(%error, retry_in_ms = wait.as_millis() as u64, "lost the database's change notices; pages are re-read meanwhile");
            on_change(Change::Unknown);
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(MAX_RETRY_WAIT);
        }
    });
}

/// One connection's life: returns why it ended. `wait` goes back to its shortest once listening.
async fn listen(url: &str, on_change: &impl Fn(Change), wait: &mut Duration) -> sqlx::Error {
    let mut listener = match PgListener::connect(url).await {
        Ok(listener) => listener,
        Err(error) => return error,
    };
    if let Err(error) = listener.listen(CHANNEL).await {
        return error;
    }
    *wait = Duration::from_millis(250);
    // Whatever changed before this connection listened was not heard.
    on_change(Change::Unknown);
    loop {
        match listener.try_recv().await {
            Ok(Some(notice)) => on_change(Change::Article(notice.payload())),
            // The connection dropped; the next `try_recv` reconnects and listens again.
            Ok(None) => on_change(Change::Unknown),
            Err(error) => return error,
        }
    }
}
