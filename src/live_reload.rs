//! `serve --watch`: rebuilds the whole site when an article or static file changes and swaps it in.
//! A broken file never takes the rest of the site down: each article with problems is left out
//! alone (or keeps its last good version), and a banner on every page says which.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher};

use crate::content::author_problems::{AuthorProblems, WHOLE_SITE_KEPT, articles};
use crate::site_source::{LoadedContent, SiteSource};
use crate::web::AppData;

/// How long the folders must be quiet before a reload: editors save in bursts (write a temporary
/// file, rename it, set its permissions), and one save should mean one reload.
const QUIET: Duration = Duration::from_millis(100);

/// However busy the folders stay, reload at least this often, so a save still shows within a second.
const LONGEST_WAIT: Duration = Duration::from_millis(500);

/// Watching goes on while this is alive; dropping it stops the watcher and ends the reload thread.
pub struct LiveReload {
    _watcher: RecommendedWatcher,
}

/// Starts watching `source`'s articles (the folder's own files) and static files (every level).
/// `last_good` is the content being served now, re-rendered if the first edit is broken.
pub fn start(
    source: SiteSource,
    served: AppData,
    last_good: LoadedContent,
) -> notify::Result<LiveReload> {
    let (edits, edit_signals) = channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        match event {
            Ok(event) if is_edit(&event) => {
                // The reload thread only ends when this watcher is dropped, so nobody is left to tell.
                let _ = edits.send(());
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "file watching reported an error"),
        }
    })?;
    watcher.watch(&source.articles, RecursiveMode::NonRecursive)?;
    watcher.watch(&source.static_dir, RecursiveMode::Recursive)?;
    let reloader = Reloader {
        source,
        served,
        last_good,
    };
    std::thread::Builder::new()
        .name("backcare-reload".to_owned())
        .spawn(move || reloader.run(edit_signals))
        .map_err(notify::Error::io)?;
    Ok(LiveReload { _watcher: watcher })
}

/// Prints the author's problems where they are working: the terminal running `serve --watch`.
pub fn report_problems(problems: &AuthorProblems) {
    for group in &problems.groups {
        eprintln!("{}", group.what_happened);
        for problem in &group.problems {
            eprintln!("  {problem}");
        }
    }
    eprintln!("{}", problems.summary());
}

/// Whether `event` may have changed what the site shows.
///
/// Our own reload reads every file, which the watcher reports as opens and reads; reacting to
/// those would reload forever. Hidden files and `name~` backups are editor scratch, never served.
fn is_edit(event: &Event) -> bool {
    let changes_content = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Any
        | EventKind::Other => true,
    };
    changes_content && event.paths.iter().any(|path| !is_scratch_file(path))
}

fn is_scratch_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with('.') || name.ends_with('~'))
}

struct Reloader {
    source: SiteSource,
    /// What the server answers from: the new generation goes here, and open pages are told.
    served: AppData,
    last_good: LoadedContent,
}

impl Reloader {
    fn run(mut self, edit_signals: Receiver<()>) {
        while edit_signals.recv().is_ok() {
            let first_signal = Instant::now();
            loop {
                match edit_signals.recv_timeout(QUIET) {
                    Ok(()) if first_signal.elapsed() < LONGEST_WAIT => continue,
                    Ok(()) | Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            self.reload(first_signal);
        }
    }

    fn reload(&mut self, first_signal: Instant) {
        let started = Instant::now();
        let (content, mut problems) = self.source.load_isolating(&self.last_good);
        match self.source.render(&content, problems.clone()) {
            Ok(generation) => {
                crate::web::metrics::record_site_build(started.elapsed());
                let article_count = generation.library.len();
                self.served.replace(generation);
                self.last_good = content;
                // What the previous generation held is free once no request reads it.
                crate::memory::release_freed();
                if !problems.is_empty() {
                    report_problems(&problems);
                }
                println!(
                    "backcare: reloaded {}, {} ms after the change",
                    articles(article_count),
                    first_signal.elapsed().as_millis()
                );
            }
            Err(error) => {
                problems.push_beyond_articles(WHOLE_SITE_KEPT, vec![error.to_string()]);
                self.keep_last_good(problems);
            }
        }
    }

    /// Serves the last good content again, now with a banner listing what is wrong.
    fn keep_last_good(&self, problems: AuthorProblems) {
        report_problems(&problems);
        match self.source.render(&self.last_good, problems) {
            Ok(generation) => self.served.replace(generation),
            // It rendered before with the same templates; if even that fails, the current pages stay.
            Err(error) => {
                tracing::error!(%error, "could not re-render the last good version of the site");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange};
    use std::path::PathBuf;

    fn event(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn saves_renames_and_deletions_are_edits() {
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
            EventKind::Modify(ModifyKind::Name(notify::event::RenameMode::To)),
            EventKind::Remove(notify::event::RemoveKind::File),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
        ] {
            assert!(is_edit(&event(kind, "articles/heat.md")), "{kind:?}");
        }
    }

    #[test]
    fn reading_files_and_editor_scratch_files_are_not_edits() {
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
        ] {
            assert!(!is_edit(&event(kind, "articles/heat.md")), "{kind:?}");
        }
        let save = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert!(!is_edit(&event(save, "articles/.heat.md.swp")));
        assert!(!is_edit(&event(save, "articles/heat.md~")));
    }
}
