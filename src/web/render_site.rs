//! Renders one generation's `Site`: every fixed page of the registry (`pages::FIXED_PAGES`), the
//! topics, tags and articles, the static files, and the search index beside them. Apart from
//! `site`, which handlers read, so that what they import does not lead back to every page.

use std::sync::Arc;

use super::assets::Assets;
use super::pages::{self, FIXED_PAGES};
use super::prerender::{Prerender, RenderError, SiteSettings};
use super::site::Site;
use crate::content::Library;
use crate::search::SearchIndex;

impl Site {
    /// Renders every page of `library` with `assets` and `settings`.
    pub fn build(
        library: &Library,
        assets: &Assets,
        mut settings: SiteSettings,
    ) -> Result<Site, RenderError> {
        // Pages link the hashed names, which browsers may keep for a year.
        if let Some(url) = assets.hashed_url("site.css") {
            settings.stylesheet = url;
        }
        if let Some(url) = assets.hashed_url("favicon.svg") {
            settings.favicon = url;
        }
        settings.nav = pages::nav();
        let mut site = Prerender::new(&settings, FIXED_PAGES);
        // The index is built beside the pages that do not need it; they fill the core the
        // index leaves idle while its parts are merged.
        let search = std::thread::scope(|scope| -> Result<SearchIndex, RenderError> {
            let indexing = scope.spawn(|| {
                let started = std::time::Instant::now();
                let search = SearchIndex::build(library);
                (search, started.elapsed())
            });
            for page in FIXED_PAGES {
                if let Some(prerender) = page.prerender() {
                    prerender(&mut site, library)?;
                }
            }
            // The pages whose addresses come from the content.
            pages::topic::prerender(&mut site, library)?;
            pages::tag::prerender(&mut site, library)?;
            let (search, elapsed) = indexing
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let search = search.map_err(|source| RenderError::new("search index", source))?;
            tracing::info!(
                articles = library.len(),
                segments = search.segment_count(),
                elapsed_ms = elapsed.as_millis() as u64,
                "search index built"
            );
            Ok(search)
        })?;
        pages::article::prerender(&mut site, library, &search)?;
        site.assets(assets);
        site.image_copies(library);

        Ok(Site::from_rendered(
            site.finish(),
            settings,
            Arc::new(search),
        ))
    }
}
