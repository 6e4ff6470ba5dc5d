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
use crate::web::AppData;

/// However far away the day is, look at the clock at least this often, so a clock that is set
/// or a machine that slept does not hold a page back for long.
const LONGEST_WAIT: Duration = Duration::from_secs(60 * 60);

/// The wait goes on while this is alive; dropping it (when the server stops) ends the thread.
pub struct PublishSchedule {
    _stop: Sender<()>,
}

/// Wakes when each day starts (and at least hourly) and reloads the site if the site being
/// served has an article whose `publish` day has come.
///
/// Armed whatever the articles say at start-up: under `serve --watch` an author may add a
/// scheduled article later, and the date to wait for is read from whichever site is being
/// served at the time, so reloads after edits are covered too. A wake-up that finds nothing due
/// costs a date comparison, a couple of dozen times a day.
pub fn start(source: SiteSource, served: AppData) -> Option<PublishSchedule> {
    if let Some(next) = served.state.current().library.next_publish() {
        tracing::info!(%next, "an article is scheduled; the site reloads when that day starts (UTC)");
    }
    let (stop, stopped) = channel();
    let spawned = std::thread::Builder::new()
        .name("backcare-publish".to_owned())
        .spawn(move || run(&source, &served, &stopped));
    match spawned {
        Ok(_) => Some(PublishSchedule { _stop: stop }),
        Err(error) => {
            tracing::error!(%error, "cannot start the publishing schedule; restart the server on a publish date");
            None
        }
    }
}

fn run(source: &SiteSource, served: &AppData, stopped: &Receiver<()>) {
    loop {
        let wait = until_next_midnight(OffsetDateTime::now_utc()).min(LONGEST_WAIT);
        if stopped.recv_timeout(wait) != Err(RecvTimeoutError::Timeout) {
            return;
        }
        if !is_due(
            served.state.current().library.next_publish(),
            source.today(),
        ) {
            continue;
        }
        // On failure it is tried again within the hour; the pages served now stay as they are.
        if let Err(error) = reload(source, served) {
            tracing::error!(%error, "scheduled reload failed; the site is unchanged");
        }
    }
}

/// Whether the served site holds back an article whose day has come.
fn is_due(next_publish: Option<Date>, today: Date) -> bool {
    next_publish.is_some_and(|day| day <= today)
}

/// Loads and renders the site as start-up does, and serves it.
fn reload(source: &SiteSource, served: &AppData) -> Result<(), String> {
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
    let count = generation.library.len();
    served.replace(generation);
    tracing::info!(articles = count, "scheduled articles published");
    Ok(())
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
    fn a_reload_is_due_from_the_publish_day_on() {
        let day = time::macros::date!(2027 - 01 - 15);
        assert!(!is_due(
            Some(day),
            day.previous_day().expect("a day before")
        ));
        assert!(is_due(Some(day), day));
        assert!(is_due(Some(day), day.next_day().expect("a day after")));
        assert!(!is_due(None, day));
    }

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
