//! Taking a reader's post: which checks it meets and in which order, and what became of it.
//! The web layer says what the request was (its fields, whether it came from another site, the
//! client) and shows the page each outcome calls for.

use std::net::IpAddr;
use std::time::Duration;

use time::OffsetDateTime;

use super::resend::{DigestKey, Sent};
use super::store::{Added, Storage, StoreError, StoredPost};
use super::{NewPost, PostError, RawPost};
use crate::rate_limit::{Decision, bucket_key};

/// The per-client allowance of posts, kept in memory or in the database by whoever runs this.
// Only this crate implements it, and its callers do not need the future to be `Send`.
#[allow(async_fn_in_trait)]
pub trait PostAllowance {
    /// Takes one post from `client`'s allowance.
    async fn take_post(&self, client: IpAddr) -> Result<Decision, StoreError>;
}

/// What taking a post needs: the database, the key that recognises a post sent again, the
/// per-client allowance, and how many pending posts are allowed under one article and in all.
pub struct Posting<'a, A> {
    pub storage: &'a Storage,
    pub digests: &'a DigestKey,
    pub allowance: &'a A,
    pub pending_caps: (i64, i64),
}

/// A post as it arrived.
pub struct Submission<'a> {
    pub slug: &'a str,
    /// The hidden field that only bots fill.
    pub honeypot: &'a str,
    pub raw: &'a RawPost,
    /// The browser says the form was sent from a page on another site.
    pub cross_site: bool,
    pub client: Option<IpAddr>,
    pub now: OffsetDateTime,
}

/// What became of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// A bot filled the hidden field: it is told the post worked, and nothing is kept.
    Discarded,
    /// Sent from another site's page: not taken, the writer checks it and sends it from ours.
    CrossSite,
    /// The form has these mistakes.
    Invalid(Vec<PostError>),
    /// Stored for moderation: thank the writer (for `text`).
    Stored { text: String },
    /// The same post was stored earlier: the same thanks, nothing stored.
    Resent { text: String },
    /// Too many posts from this client: it may send again after this long.
    TooMany(Duration),
    /// So many posts wait for a moderator that no more are taken for now.
    Busy,
    /// The database failed (logged): the writer keeps their text to try again.
    Failed,
}

impl<A: PostAllowance> Posting<'_, A> {
    /// Checks `submission` and stores it as pending if it passes.
    pub async fn submit(&self, submission: &Submission<'_>) -> Submitted {
        if !submission.honeypot.trim().is_empty() {
            tracing::info!(
                slug = submission.slug,
                "discarded a post that filled the honeypot field"
            );
            return Submitted::Discarded;
        }
        if submission.cross_site {
            return Submitted::CrossSite;
        }
        match NewPost::parse(submission.raw) {
            Ok(post) => {
                self.store(submission.slug, &post, submission.client, submission.now)
                    .await
            }
            Err(errors) => Submitted::Invalid(errors),
        }
    }

    /// Stores `post` as pending, unless it was sent already, the queue is full, or this client
    /// has sent too many.
    async fn store(
        &self,
        slug: &str,
        post: &NewPost,
        client: Option<IpAddr>,
        now: OffsetDateTime,
    ) -> Submitted {
        let client_key =
            client.map_or_else(|| "unknown".to_owned(), |ip| bucket_key(ip).to_string());
        let sent = Sent {
            client: &client_key,
            article_slug: slug,
            post,
        };
        let digests = self.digests.digests(&sent, now);
        // The same post again: the writer never saw the answer (a lost connection, a restart),
        // or someone is replaying it. Before the rate limit, so a retry is never refused.
        match self.storage.post_by_digest(&digests).await {
            Ok(Some(earlier)) => return sent_again(&earlier, slug),
            Ok(None) => {}
            Err(error) => return failed(error, slug, "could not look up a post form"),
        }
        // Before the rate limit, so a post refused as busy costs the writer nothing.
        match self.storage.pending_counts(slug).await {
            Ok((article, all)) if article >= self.pending_caps.0 || all >= self.pending_caps.1 => {
                tracing::warn!(slug, article, all, "refused a post: the queue is full");
                return Submitted::Busy;
            }
            Ok(_) => {}
            Err(error) => return failed(error, slug, "could not count the waiting posts"),
        }
        let decision = match client {
            Some(client) => self.allowance.take_post(client).await,
            None => Ok(Decision::Allowed),
        };
        match decision {
            Ok(Decision::Allowed) => {}
            Ok(Decision::Limited { retry_after }) => return Submitted::TooMany(retry_after),
            Err(error) => return failed(error, slug, "could not check the post rate limit"),
        }
        match self.storage.add_post(slug, post, &digests, now).await {
            Ok(Added::Stored(id)) => {
                tracing::info!(id, slug, "stored a post for moderation");
                Submitted::Stored {
                    text: post.text.as_str().to_owned(),
                }
            }
            Ok(Added::AlreadySent(earlier)) => sent_again(&earlier, slug),
            Err(error) => failed(error, slug, "could not store a post"),
        }
    }
}

/// The same post sent again (its digest says so): the same thanks, nothing stored.
fn sent_again(earlier: &StoredPost, slug: &str) -> Submitted {
    tracing::info!(id = earlier.id, slug, "the same post was sent again");
    Submitted::Resent {
        text: earlier.text.clone(),
    }
}

fn failed(error: StoreError, slug: &str, what: &'static str) -> Submitted {
    tracing::error!(%error, slug, "{what}");
    Submitted::Failed
}
