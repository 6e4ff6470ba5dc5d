//! Scheduled publishing: while an article waits for its `publish` date, `serve` loads the
//! articles again when that day starts (midnight UTC), so the page goes live without a restart.
//!
//! Why a reload at midnight rather than a date check on each request: which articles are live
//! shapes every page that lists them, the search index, the A to Z, the feed and the sitemap, all
//! rendered once per generation. Filtering all of those per request would put a date comparison
//! on every hot path for something that happens a few times a year; one load and render on the
//! day (well under a second for the bundled site) swaps in a site where the page is everywhere
//! at once, by the same path `serve --watch` uses after a save.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use time::{Date, OffsetDateTime};

use crate::content::author_problems::AuthorProblems;
use crate::live_reload;
use crate::site_source::{LoadedContent, SiteSource};
use crate::web::AppState;

/// However far away the day is, look at the clock at least this often, so a clock that is set
/// or a machine that slept does not hold a page back for long.
const LONGEST_WAIT: Duration = Duration::from_secs(60 * 60);

/// The wait goes on while this is alive; dropping it (when the server stops) ends the thread.
pub struct PublishSchedule {
    _stop: Sender<()>,
}

/// Waits for `next_publish`, if there is one, and reloads the site on that day, then waits for
/// the next date the new load knows of.
pub fn start(
    source: SiteSource,
    state: AppState,
    next_publish: Option<Date>,
) -> Option<PublishSchedule> {
    let next = next_publish?;
    let (stop, stopped) = channel();
    let spawned = std::thread::Builder::new()
        .name("backcare-publish".to_owned())
        .spawn(move || run(&source, &state, next, &stopped));
    match spawned {
        Ok(_) => {
            tracing::info!(%next, "an article is scheduled; the site reloads when that day starts (UTC)");
            Some(PublishSchedule { _stop: stop })
        }
        Err(error) => {
            tracing::error!(%error, "cannot start the publishing schedule; restart the server on the publish date");
            None
        }
    }
}

fn run(source: &SiteSource, state: &AppState, mut next: Date, stopped: &Receiver<()>) {
    loop {
        let wait = until_next_midnight(OffsetDateTime::now_utc()).min(LONGEST_WAIT);
        if stopped.recv_timeout(wait) != Err(RecvTimeoutError::Timeout) {
            return;
        }
        if source.today() < next {
            continue;
        }
        match reload(source, state) {
            Ok(Some(following)) => next = following,
            Ok(None) => return,
            // Tried again within the hour; the pages served now stay as they are.
            Err(error) => tracing::error!(%error, "scheduled reload failed; the site is unchanged"),
        }
    }
}

/// Loads and renders the site as start-up does, and serves it. Returns the next `publish` date.
fn reload(source: &SiteSource, state: &AppState) -> Result<Option<Date>, String> {
    let (content, problems) = if source.settings.live_preview {
        // `serve --watch`: a broken article is left out and named in the banner, as on start-up.
        source.load_isolating(&LoadedContent::default())
    } else {
        let library = source.load_library().map_err(|errors| errors.to_string())?;
        let assets = source.load_assets().map_err(|error| error.to_string())?;
        let content = LoadedContent {
            library: Arc::new(library),
            assets,
        };
        (content, AuthorProblems::default())
    };
    if !problems.is_empty() {
        live_reload::report_problems(&problems);
    }
    let generation = source
        .render(&content, problems)
        .map_err(|error| error.to_string())?;
    let next = generation.library.next_publish();
    let count = generation.library.len();
    state.replace(generation);
    tracing::info!(articles = count, "scheduled articles published");
    Ok(next)
}

/// How long from `now` until the next day starts in UTC (at least a second, so a wake-up a
/// moment early does not spin).
pub fn until_next_midnight(now: OffsetDateTime) -> Duration {
    let now = now.to_offset(time::UtcOffset::UTC);
    let tomorrow = now.date().next_day().unwrap_or(now.date());
    let midnight = tomorrow.midnight().assume_utc();
    Duration::try_from(midnight - now)
        .unwrap_or_default()
        .max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn waits_until_the_next_day_starts_in_utc() {
        assert_eq!(
            until_next_midnight(datetime!(2027-01-14 23:59:30 UTC)),
            Duration::from_secs(30)
        );
        assert_eq!(
            until_next_midnight(datetime!(2027-01-15 00:00:00 UTC)),
            Duration::from_secs(24 * 60 * 60)
        );
        // 23:30 in New York on the 14th is 04:30 UTC on the 15th: 19 h 30 min to go.
        assert_eq!(
            until_next_midnight(datetime!(2027-01-14 23:30:00 -5)),
            Duration::from_secs(19 * 60 * 60 + 30 * 60)
        );
    }
}
