//! The discussion's shared state (`Discussion`): the database, the keys, the limits and the
//! article page cache, opened once at start-up and registered as app data of its own
//! (`web::AppData`), which handlers take with `extract::DiscussionOn`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Instant;

use askama::Template;
use time::OffsetDateTime;

use super::csrf::Csrf;
use super::device::DeviceCookies;
use super::limits::{Allowances, FailureLimits, Limits};
use super::page::{PageCache, PageKey};
use super::views::{DiscussionFragment, FormView};
use crate::discussion::changes::{self, Change};
use crate::discussion::posting::Posting;
use crate::discussion::resend::DigestKey;
use crate::discussion::secret::kept_secret;
use crate::discussion::store::Backend;
use crate::discussion::{DiscussionConfig, RawPost, SHOWN_POSTS, Storage, StoreError, thread};
use crate::web::representation::Page;
use crate::web::split_page::SplitPage;

/// The discussion's shared state: the database, the keys, limits and the page cache.
pub struct Discussion {
    pub storage: Storage,
    /// Signs the moderators' forms.
    pub(super) csrf: Csrf,
    /// Signs and checks the browsers where moderators have signed in.
    pub(super) devices: DeviceCookies,
    /// Recognises a post sent again.
    pub(super) digests: DigestKey,
    /// Posts and sign-ins per client: in memory with SQLite, in the database with PostgreSQL.
    pub(super) limits: Limits,
    pub(super) pages: Arc<PageCache>,
    pub(super) session_idle: time::Duration,
    /// Pending posts allowed under one article and in all; then new posts are refused as busy.
    pub(super) pending_caps: (i64, i64),
}

impl std::fmt::Debug for Discussion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discussion")
            .field("backend", &self.storage.backend())
            .finish_non_exhaustive()
    }
}

impl Discussion {
    /// Opens and migrates the database, and reads the secret kept beside it when none is given.
    pub async fn start(config: &DiscussionConfig) -> Result<Discussion, StoreError> {
        let storage = Storage::connect(&config.database_url).await?;
        let secret = match &config.secret {
            Some(secret) => secret.clone(),
            None => kept_secret(&storage, &config.database_url).await?,
        };
        spawn_daily_purge(storage.clone(), config.retention);
        let pages = Arc::new(PageCache::new(config.page_ttl));
        if storage.backend() == Backend::Postgres {
            let pages = Arc::clone(&pages);
            changes::spawn_listener(config.database_url.clone(), move |change| match change {
                Change::Article(slug) => pages.invalidate(slug),
                Change::Unknown => pages.invalidate_all(),
            });
        }
        let allowances = Allowances {
            posts: config.post_limit,
            sign_ins: config.login_limit,
            feedback: config.feedback_limit,
        };
        let limits = Limits::new(
            &storage,
            &secret,
            allowances,
            FailureLimits {
                per_name_and_client: config.login_failures_per_name,
                per_account: config.login_failures_per_account,
            },
        );
        Ok(Discussion {
            storage,
            devices: DeviceCookies::new(secret.clone()),
            digests: DigestKey::new(&secret),
            csrf: Csrf::new(secret),
            limits,
            pages,
            session_idle: config.session_idle,
            pending_caps: (config.pending_per_article, config.pending_in_all),
        })
    }

    /// The article at `split` with its discussion, from the cache when it is fresh. The same
    /// bytes for every reader, cached by others with `cache_control`.
    pub(super) async fn article_page(
        &self,
        slug: &str,
        split: &SplitPage,
        cache_control: &'static str,
    ) -> Page {
        let now = Instant::now();
        if let Some(page) = self.pages.fresh(slug, split.id, now) {
            return page;
        }
        let invalidations = self.pages.invalidations();
        let posts = self.storage.approved_posts(slug, SHOWN_POSTS + 1).await;
        let mut hasher = DefaultHasher::new();
        let (posts, more, healthy) = match posts {
            Ok(mut posts) => {
                let more = posts.len() as i64 > SHOWN_POSTS;
                posts.truncate(SHOWN_POSTS as usize);
                posts
                    .iter()
                    .for_each(|post| (post.id, post.number, post.removed).hash(&mut hasher));
                (posts, more, true)
            }
            Err(error) => {
                tracing::error!(%error, slug, "could not read an article's posts");
                "unavailable".hash(&mut hasher);
                (Vec::new(), false, false)
            }
        };
        let key = PageKey {
            split_id: split.id,
            version: hasher.finish(),
        };
        if let Some(page) = self.pages.revalidate(slug, key, now) {
            return page;
        }
        let fragment = DiscussionFragment {
            posts: thread(posts).into_iter().map(Into::into).collect(),
            unavailable: !healthy,
            shown_limit: more.then_some(SHOWN_POSTS),
            form: FormView::new(slug, &RawPost::default(), &[]),
        };
        let fragment = fragment.render().unwrap_or_else(|error| {
            // The article is still worth reading without its discussion.
            tracing::error!(%error, slug, "could not render a discussion");
            String::new()
        });
        let cache_control = healthy.then_some(cache_control);
        self.pages.insert(
            slug,
            key,
            split.assemble(&fragment),
            cache_control,
            (invalidations, now),
        )
    }
}

/// Purges what is past `retention` now and then every day, for as long as the runtime runs.
/// Several instances on one database each do it; a purge is idempotent.
fn spawn_daily_purge(storage: Storage, retention: time::Duration) {
    tokio::spawn(async move {
        let mut daily = tokio::time::interval(crate::discussion::PURGE_INTERVAL);
        loop {
            daily.tick().await;
            match storage.purge(OffsetDateTime::now_utc() - retention).await {
                Ok(purged) => tracing::info!(
                    rejected_posts = purged.rejected_posts,
                    emails = purged.emails,
                    retention_days = retention.whole_days(),
                    "purged old discussion data"
                ),
                Err(error) => tracing::error!(%error, "could not purge old discussion data"),
            }
        }
    });
}

impl Discussion {
    /// What taking a post needs from the discussion's state.
    pub(super) fn posting(&self) -> Posting<'_, Limits> {
        Posting {
            storage: &self.storage,
            digests: &self.digests,
            allowance: &self.limits,
            pending_caps: self.pending_caps,
        }
    }
}
