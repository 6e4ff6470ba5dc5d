//! One generation of the site from its sources: where the articles and static files are read
//! from, with which options, and how they are rendered into the `Generation` the server swaps in.
//! Shared by `serve` (at start-up and on every `--watch` reload), `check` and `build`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::content::author_problems::{self, AuthorProblems};
use crate::content::{Library, LoadErrors, LoadOptions};
use crate::web::assets::Assets;
use crate::web::{Generation, Site, SiteSettings, prerender::RenderError};

/// Why a site could not be built from its sources: what `serve` and `build` both refuse.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{0}")]
    Content(#[from] LoadErrors),
    #[error("cannot read the static directory {path}: {source}")]
    Static {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// The options every command loads the articles with: the fixed pages an article may link to
/// (with their anchors), the warning-sign lists of the symptom checker, the static folder and
/// the published address. Commands change drafts and today's date from here.
pub fn site_load_options(static_dir: &Path, base_url: Option<&str>) -> LoadOptions {
    LoadOptions {
        include_drafts: false,
        static_dir: Some(static_dir.to_path_buf()),
        base_url: base_url.map(str::to_owned),
        site_pages: crate::web::pages::link_targets(),
        today: None,
        lists: crate::triage::article_sign_lists(),
        image_copies: Default::default(),
    }
}

/// Where the content lives, how to read it, and the settings every generation is rendered with
/// (each load adds its own author problems). Read at start-up and again by every reload.
#[derive(Debug, Clone)]
pub struct SiteSource {
    pub articles: PathBuf,
    pub static_dir: PathBuf,
    pub load_options: LoadOptions,
    pub settings: SiteSettings,
    /// `serve --today`: load as of this date instead of the real one.
    pub fixed_today: Option<time::Date>,
}

/// The loaded input of one generation, kept so a later broken edit can re-render it.
#[derive(Debug, Clone, Default)]
pub struct LoadedContent {
    pub library: Arc<Library>,
    pub assets: Assets,
}

impl SiteSource {
    /// Loads the articles and static files, refusing every problem (`serve` without `--watch`, `build`).
    pub fn load(&self) -> Result<LoadedContent, SiteError> {
        Ok(LoadedContent {
            library: Arc::new(self.load_library()?),
            assets: self.load_assets()?,
        })
    }

    pub fn load_library(&self) -> Result<Library, LoadErrors> {
        Library::load(&self.articles, self.todays_options())
    }

    /// The load options with today's date: a watch session can run past midnight, and a review
    /// dated the new day must not be called a future date.
    fn todays_options(&self) -> LoadOptions {
        LoadOptions {
            today: Some(self.today()),
            ..self.load_options.clone()
        }
    }

    /// The date loads are made as of: `serve --today`, or else today in UTC.
    pub fn today(&self) -> time::Date {
        self.fixed_today.unwrap_or_else(crate::content::today)
    }

    pub fn load_assets(&self) -> Result<Assets, SiteError> {
        Assets::load(&self.static_dir).map_err(|source| SiteError::Static {
            path: self.static_dir.clone(),
            source,
        })
    }

    /// `serve --watch`: loads everything that has no problems. Each article with problems is left
    /// out or keeps its version in `previous`; a folder that cannot be read keeps all of `previous`.
    pub fn load_isolating(&self, previous: &LoadedContent) -> (LoadedContent, AuthorProblems) {
        let loaded =
            Library::load_isolating(&self.articles, self.todays_options(), &previous.library);
        let (library, mut problems) = match loaded {
            Ok(isolated) => (
                Arc::new(isolated.library),
                AuthorProblems::for_articles(&isolated.broken),
            ),
            Err(errors) => {
                let mut problems = AuthorProblems::default();
                let lines = errors.0.iter().map(ToString::to_string).collect();
                problems.push_beyond_articles(author_problems::ALL_ARTICLES_KEPT, lines);
                (Arc::clone(&previous.library), problems)
            }
        };
        let assets = self.load_assets().unwrap_or_else(|error| {
            problems
                .push_beyond_articles(author_problems::STATIC_FILES_KEPT, vec![error.to_string()]);
            previous.assets.clone()
        });
        (LoadedContent { library, assets }, problems)
    }

    /// Renders `content`, with a banner listing `author_problems` on every page when there are any.
    pub fn render(
        &self,
        content: &LoadedContent,
        author_problems: AuthorProblems,
    ) -> Result<Generation, RenderError> {
        let settings = SiteSettings {
            author_problems,
            ..self.settings.clone()
        };
        let site = Site::build(&content.library, &content.assets, settings)?;
        Ok(Generation {
            site,
            library: Arc::clone(&content.library),
        })
    }
}
