//! The article library: reads every `articles/*.md`, checks it and renders it once.
//! Knows nothing of HTTP; the web layer only looks things up in the finished `Library`.

pub mod article;
pub mod author_problems;
pub mod duplicates;
pub mod front_matter;
#[cfg(test)]
mod fuzz;
pub mod images;
pub mod link_targets;
pub mod links;
pub mod lint;
pub mod markdown;
pub mod one_truth;
pub mod problem;
pub mod prose;
pub mod readability;
pub mod shortcode_syntax;
pub mod shortcodes;
pub mod warning_box;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use link_targets::LinkTargets;

pub use article::Article;
pub use author_problems::{BrokenArticle, Isolation};
pub use front_matter::{Category, FrontMatter, Source};
pub use links::{ExternalLink, InternalLink, SiteLink, SitePage};
pub use markdown::TocEntry;
pub use problem::{LineProblem, LoadErrors, Problem, ProblemCode, Severity};
pub use prose::ProseBlock;
// Slugs and the sign lists live in `vocabulary`, which triage shares; content's files and its
// callers keep naming them through here.
pub use crate::vocabulary::{InvalidSlug, ListGroup, NamedList, NamedLists, Slug};
pub use crate::vocabulary::{lists, slug};

/// Today's date for review dates. UTC, so that the answer does not depend on the machine's
/// time zone settings; near midnight it can be a day off, which a yearly review can bear.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Serve drafts too (for authors previewing their work).
    pub include_drafts: bool,
    /// Where images must live (`![alt](/static/img/x.svg)` is `<static_dir>/img/x.svg`).
    /// Without it, images are still checked for alt text and a `/static/` address, not for the file.
    pub static_dir: Option<PathBuf>,
    /// Where the site is published (`--base-url`): links that start with it are checked as internal.
    pub base_url: Option<String>,
    /// The site's fixed pages (the symptom checker, the A to Z...) that articles may link to,
    /// with their ids, so `#anchor` links to them are checked. Without them only links to
    /// articles, topics, tags and static files are accepted.
    pub site_pages: Vec<SitePage>,
    /// Today's date: a `reviewed` date after it is an error. Without it, review dates are not
    /// compared, and a `publish` date is compared with today's UTC date, so nothing goes live early.
    pub today: Option<time::Date>,
    /// What `{{ red_flags(urgency="NAME") }}` can show, by name; the caller fills it (from the
    /// symptom checker's rules), so content knows how to show a list but not what is in it.
    pub lists: NamedLists,
    /// The PNG and JPEG images decoded so far, with their copies; loads that share it decode
    /// only the images that changed.
    pub image_copies: std::sync::Arc<images::ImageCopies>,
}

/// Every article, in topic order, then weight, then title.
#[derive(Debug, Clone, Default)]
pub struct Library {
    articles: Vec<Article>,
    by_slug: HashMap<Slug, usize>,
    /// The earliest `publish` date still to come, when `serve` must load the articles again.
    next_publish: Option<time::Date>,
}

impl Library {
    /// Loads every article in `dir`, collecting every problem in every file.
    pub fn load(dir: &Path, options: LoadOptions) -> Result<Library, LoadErrors> {
        let checked = check_files(dir, &options)?;
        let mut problems: Vec<Problem> = checked.broken.into_values().flatten().collect();
        if !problems.is_empty() {
            // File by file, top to bottom, whichever pass found them.
            problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
            return Err(LoadErrors(problems));
        }
        Ok(Library {
            next_publish: checked.next_publish,
            ..Library::from_articles(checked.articles)
        })
    }

    /// `serve --watch`: loads every article that has no problems and leaves out, alone, each one
    /// that has. A left-out article that `previous` served keeps that last good version, so one bad
    /// save never takes a page (or the links to it) off the author's preview.
    /// Fails only when the folder itself cannot be read.
    pub fn load_isolating(
        dir: &Path,
        options: LoadOptions,
        previous: &Library,
    ) -> Result<IsolatedLoad, LoadErrors> {
        let checked = check_files(dir, &options)?;
        let mut articles = checked.articles;
        let mut broken = Vec::new();
        for (path, mut problems) in checked.broken {
            problems.sort_by_key(|problem| (problem.line, problem.column));
            let slug = slug_of(&path);
            let last_good = previous
                .get(&slug)
                .filter(|article| article.path == path)
                // A draft's last good version only while drafts are served.
                .filter(|article| options.include_drafts || !article.front.draft);
            let outcome = match last_good {
                Some(article) => {
                    articles.push(article.clone());
                    Isolation::KeptLastGood
                }
                None => Isolation::LeftOut,
            };
            broken.push(BrokenArticle {
                path,
                problems,
                outcome,
            });
        }
        Ok(IsolatedLoad {
            library: Library {
                next_publish: checked.next_publish,
                ..Library::from_articles(articles)
            },
            broken,
        })
    }

    /// Puts `articles` in topic order, then weight, then title, and indexes them by slug.
    fn from_articles(mut articles: Vec<Article>) -> Library {
        articles.sort_by(|a, b| {
            (a.front.category, a.front.weight, &a.front.title).cmp(&(
                b.front.category,
                b.front.weight,
                &b.front.title,
            ))
        });
        let by_slug = articles
            .iter()
            .enumerate()
            .map(|(index, article)| (article.slug.clone(), index))
            .collect();
        Library {
            articles,
            by_slug,
            next_publish: None,
        }
    }

    /// The earliest `publish` date after the load's today: the day a scheduled article goes live.
    pub fn next_publish(&self) -> Option<time::Date> {
        self.next_publish
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// Drops what only rendering and checking read (each article's HTML, contents, links,
    /// sources and warnings), for a server that has rendered its pages and will not render
    /// again. What serving reads stays: slugs, titles, summaries, topics, tags, dates, and the
    /// prose that search shows in snippets.
    pub fn release_render_inputs(&mut self) {
        for article in &mut self.articles {
            article.html = String::new();
            article.toc = Vec::new();
            article.internal_links = Vec::new();
            article.site_links = Vec::new();
            article.external_links = Vec::new();
            article.render_warnings = Vec::new();
            article.front.sources = Vec::new();
            article.image_copies = Vec::new();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    pub fn get(&self, slug: &str) -> Option<&Article> {
        self.by_slug.get(slug).map(|&index| &self.articles[index])
    }

    /// A topic's articles in reading order: weight, then title.
    pub fn in_category(&self, category: Category) -> impl Iterator<Item = &Article> {
        self.articles
            .iter()
            .filter(move |a| a.front.category == category)
    }

    /// Up to `limit` articles that share tags or a topic with `article`, most shared tags first.
    pub fn related(&self, article: &Article, limit: usize) -> Vec<&Article> {
        let mut scored: Vec<(usize, &Article)> = self
            .articles
            .iter()
            .filter(|other| other.slug != article.slug)
            .filter_map(|other| {
                let shared_tags = other
                    .front
                    .tags
                    .iter()
                    .filter(|t| article.front.tags.contains(t))
                    .count();
                let same_topic = usize::from(other.front.category == article.front.category);
                let score = shared_tags * 2 + same_topic;
                (score > 0).then_some((score, other))
            })
            .collect();
        // Stable sort keeps topic-then-weight order among equals.
        scored.sort_by_key(|&(score, _)| std::cmp::Reverse(score));
        scored
            .into_iter()
            .take(limit)
            .map(|(_, other)| other)
            .collect()
    }

    /// Every distinct tag, alphabetically.
    pub fn tags(&self) -> Vec<&str> {
        let mut tags: Vec<&str> = self
            .articles
            .iter()
            .flat_map(|a| a.front.tags.iter().map(String::as_str))
            .collect();
        tags.sort_unstable();
        tags.dedup();
        tags
    }

    /// The articles carrying `tag`, in library order (topic, weight, title).
    pub fn tagged<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a Article> {
        self.articles
            .iter()
            .filter(move |a| a.front.tags.iter().any(|t| t == tag))
    }

    /// The articles just before and after `article` in its topic's reading order.
    /// Articles are sorted by topic first, so a topic's articles sit side by side and the
    /// neighbours are the next entries over, when they share the topic: a lookup, not a scan of
    /// the library for every page (which made start-up quadratic in the number of articles).
    pub fn neighbours(&self, article: &Article) -> Neighbours<'_> {
        let Some(&position) = self.by_slug.get(&article.slug) else {
            return Neighbours::default();
        };
        let same_topic = |index: usize| {
            self.articles
                .get(index)
                .filter(|other| other.front.category == article.front.category)
        };
        Neighbours {
            previous: position.checked_sub(1).and_then(same_topic),
            next: same_topic(position + 1),
        }
    }
}

/// An article's place in its topic, for "previous" and "next" links.
#[derive(Debug, Clone, Copy, Default)]
pub struct Neighbours<'a> {
    pub previous: Option<&'a Article>,
    pub next: Option<&'a Article>,
}

/// A warning for each entry of `dir` that `Library::load` does not read, so nothing is skipped
/// silently: subfolders, and files not named `*.md` (such as `ice.markdown` or `ice.MD`).
/// Hidden files and `name~` backups are editor scratch and pass without a word.
pub fn skipped_entries(dir: &Path) -> Vec<Problem> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut skipped: Vec<Problem> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            if name.starts_with('.') || name.ends_with('~') {
                return None;
            }
            let message = if path.is_dir() {
                format!(
                    "the folder \"{name}\" is skipped: articles must be directly inside {}; move its .md files up one level",
                    dir.display()
                )
            } else if path.extension().is_some_and(|ext| ext == "md") {
                return None;
            } else {
                let stem = path.file_stem().and_then(|stem| stem.to_str()).unwrap_or(&name);
                let is_markdown = path.extension().and_then(|ext| ext.to_str()).is_some_and(|ext| {
                    ["md", "markdown", "mdown", "mkd", "txt"].contains(&ext.to_ascii_lowercase().as_str())
                });
                if is_markdown {
                    format!(
                        "the file \"{name}\" is skipped: only files ending in .md (lowercase) are articles; rename it to {}.md",
                        stem.to_lowercase()
                    )
                } else {
                    format!(
                        "the file \"{name}\" is skipped: only files ending in .md are articles; keep images and other files in the static folder"
                    )
                }
            };
            Some(Problem { code: ProblemCode::Skipped,
                path: path.clone(),
                line: None,
                column: None,
                message,
            })
        })
        .collect();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    skipped
}

/// Articles that another part of the site links to by slug (such as the symptom checker's
/// results), named by `linked_from`.
#[derive(Debug, Clone, Copy)]
pub struct LinkedArticles<'a> {
    /// Who links to them, for the message: "the symptom checker".
    pub linked_from: &'a str,
    /// Where a developer changes the links, for the message: "src/triage/assessment.rs".
    pub defined_in: &'a str,
    pub slugs: &'a [&'a Slug],
}

/// A warning for each of `linked.slugs` that `library` (the published articles in `dir`) does
/// not hold: its links would be left out, so the author hears of it rather than readers missing
/// it. A folder holding fewer than half of them is a sample or test site, not the site those
/// links were written for, and is not checked.
pub fn missing_linked_articles(
    dir: &Path,
    library: &Library,
    linked: LinkedArticles<'_>,
) -> Vec<Problem> {
    let missing: Vec<&Slug> = linked
        .slugs
        .iter()
        .copied()
        .filter(|slug| library.get(slug).is_none())
        .collect();
    if missing.len() * 2 > linked.slugs.len() {
        return Vec::new();
    }
    let LinkedArticles {
        linked_from,
        defined_in,
        ..
    } = linked;
    missing
        .into_iter()
        .map(|slug| {
            let path = dir.join(format!("{slug}.md"));
            Problem { code: ProblemCode::MissingLinkedArticle,
                message: format!(
                    "{linked_from} links to the article \"{slug}\", but there is no published article with that name; restore {} (or publish it: remove draft = true), or ask a developer to change the link in {defined_in}",
                    path.display()
                ),
                path,
                line: None,
                column: None,
            }
        })
        .collect()
}

/// Every `*.md` file directly inside `dir`, sorted: the files `Library::load` reads.
pub fn article_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// What `Library::load_isolating` made of the folder.
#[derive(Debug, Clone, Default)]
pub struct IsolatedLoad {
    /// Every article without problems, plus the last good version of those kept.
    pub library: Library,
    /// Each file with problems, in file order, and what was done with it.
    pub broken: Vec<BrokenArticle>,
}

/// Every file read and checked, links included: the articles to publish and, file by file,
/// the problems of the rest.
struct CheckedFiles {
    articles: Vec<Article>,
    broken: std::collections::BTreeMap<PathBuf, Vec<Problem>>,
    next_publish: Option<time::Date>,
}

/// Every file read and checked on its own: the articles that parsed and, file by file, the
/// problems and links of the rest.
struct ReadFiles {
    parsed: Vec<Article>,
    broken: std::collections::BTreeMap<PathBuf, Vec<Problem>>,
    /// Files with problems hand back their own links, so those are checked in this same run.
    broken_links: Vec<(PathBuf, Links)>,
}

fn check_files(dir: &Path, options: &LoadOptions) -> Result<CheckedFiles, LoadErrors> {
    let paths = article_files(dir).map_err(|error| {
        LoadErrors(vec![Problem {
            code: ProblemCode::UnreadableFolder,
            path: dir.to_path_buf(),
            line: None,
            column: None,
            message: missing_articles_message(dir, &error),
        }])
    })?;
    let ReadFiles {
        parsed,
        mut broken,
        broken_links,
    } = read_files(paths, options);
    let broken_slugs: Vec<String> = broken.keys().map(|path| slug_of(path)).collect();

    let next_publish = parsed
        .iter()
        .filter_map(|article| article.front.publish)
        .filter(|&day| day > publish_today(options))
        .min();
    let (articles, drafts): (Vec<_>, Vec<_>) = parsed
        .into_iter()
        .partition(|article| options.include_drafts || !article.front.draft);
    // A draft's `publish` date, when it has one, says when a link to it will start to work.
    let draft_slugs: Vec<(String, Option<time::Date>)> = drafts
        .into_iter()
        .map(|article| (article.slug.to_string(), article.front.publish))
        .collect();
    let by_slug: HashMap<&str, &Article> = articles
        .iter()
        .map(|article| (article.slug.as_str(), article))
        .collect();
    let targets = LinkTargets {
        dir,
        by_slug: &by_slug,
        draft_slugs: &draft_slugs,
        broken_slugs: &broken_slugs,
        tags: every_tag(&articles, &broken_links),
        static_dir: options.static_dir.as_deref(),
        site_pages: &options.site_pages,
    };
    let link_problems = link_problems(
        &targets,
        &articles,
        &broken_links,
        options.base_url.as_deref(),
    );
    let copies = duplicates::duplicate_titles(&articles);
    for problem in link_problems.into_iter().chain(copies) {
        broken
            .entry(problem.path.clone())
            .or_default()
            .push(problem);
    }
    let articles = articles
        .into_iter()
        .filter(|article| !broken.contains_key(&article.path))
        .collect();
    Ok(CheckedFiles {
        articles,
        broken,
        next_publish,
    })
}

/// Reads, renders and lints each file. A file needs nothing from the others for this, so they
/// are read in parallel: at 10,000 articles this was a third of the start-up, on one core.
fn read_files(paths: Vec<PathBuf>, options: &LoadOptions) -> ReadFiles {
    let outcomes = crate::parallel::map(&paths, |path| {
        match std::fs::read(path).map(String::from_utf8) {
            Ok(Ok(text)) => parse_article(path, &text, options),
            Ok(Err(_)) => Err(Broken::unreadable(Problem {
                code: ProblemCode::UnreadableFile,
                path: path.clone(),
                line: Some(1),
                column: None,
                message: "the file is not valid UTF-8 text; save it with UTF-8 encoding".to_owned(),
            })),
            Err(error) => Err(Broken::unreadable(Problem {
                code: ProblemCode::UnreadableFile,
                path: path.clone(),
                line: None,
                column: None,
                message: format!("cannot read the file: {error}"),
            })),
        }
    });
    let mut read = ReadFiles {
        parsed: Vec::new(),
        broken: Default::default(),
        broken_links: Vec::new(),
    };
    for (path, outcome) in paths.into_iter().zip(outcomes) {
        match outcome {
            Ok(article) => read.parsed.push(article),
            Err(failed) => {
                read.broken.insert(path.clone(), failed.problems);
                read.broken_links.push((path, failed.links));
            }
        }
    }
    read
}

/// Every tag used, by the articles and by the files with problems, sorted, once each.
fn every_tag<'a>(articles: &'a [Article], broken_links: &'a [(PathBuf, Links)]) -> Vec<&'a str> {
    let mut tags: Vec<&str> = articles
        .iter()
        .flat_map(|article| article.front.tags.iter().map(String::as_str))
        .chain(
            broken_links
                .iter()
                .flat_map(|(_, links)| links.tags.iter().map(String::as_str)),
        )
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}

/// Every link that leads nowhere, in the articles and in the files with problems.
fn link_problems(
    targets: &LinkTargets,
    articles: &[Article],
    broken_links: &[(PathBuf, Links)],
    base_url: Option<&str>,
) -> Vec<Problem> {
    let published_links = articles.iter().map(|article| {
        (
            &article.path,
            &article.internal_links,
            &article.site_links,
            &article.external_links,
        )
    });
    let broken_links = broken_links
        .iter()
        .map(|(path, links)| (path, &links.articles, &links.site, &links.external));
    let mut link_problems: Vec<Problem> = Vec::new();
    for (path, articles, site, external) in published_links.chain(broken_links) {
        let on_this_site = external
            .iter()
            .filter_map(|link| own_address(link, base_url));
        let mut found = |(line, column), problem: Option<(ProblemCode, String)>| {
            if let Some((code, message)) = problem {
                link_problems.push(Problem {
                    code,
                    path: path.clone(),
                    line: Some(line),
                    column: Some(column),
                    message,
                });
            }
        };
        for (place, destination) in on_this_site {
            match destination {
                OwnAddress::Article(link) => found(place, targets.article_problem(&link)),
                OwnAddress::Site(link) => found(place, targets.site_problem(&link)),
            }
        }
        for link in articles {
            found((link.line, link.column), targets.article_problem(link));
        }
        for link in site {
            found((link.line, link.column), targets.site_problem(link));
        }
    }
    link_problems
}

/// Says where backcare looked and how to point it at the right folder: the usual cause is a
/// command run from another folder than the project's.
fn missing_articles_message(dir: &Path, error: &std::io::Error) -> String {
    let here = std::env::current_dir()
        .map(|dir| dir.display().to_string())
        .unwrap_or_else(|_| "unknown".to_owned());
    if dir.is_relative() {
        format!(
            "cannot read the articles directory: {error}; backcare looked for it in the current folder, {here}; run backcare from the folder that holds articles/ (cd path/to/backcare), or pass the folder with --articles DIR"
        )
    } else {
        format!(
            "cannot read the articles directory: {error}; check the folder given with --articles DIR (the current folder is {here})"
        )
    }
}

/// A full address on this site (it starts with `--base-url`), read as the link it stands for.
enum OwnAddress {
    Article(InternalLink),
    Site(SiteLink),
}

fn own_address(
    link: &ExternalLink,
    base_url: Option<&str>,
) -> Option<((usize, usize), OwnAddress)> {
    let rest = links::after_own_address(&link.url, base_url?)?;
    if !(rest.is_empty() || rest.starts_with(['/', '#', '?'])) {
        return None;
    }
    let path = if rest.starts_with('/') {
        rest.to_owned()
    } else {
        format!("/{rest}")
    };
    let written = link.url.split_once('#').map_or(&*link.url, |(url, _)| url);
    let own = match links::classify(&path) {
        links::Destination::Article { slug, fragment } => OwnAddress::Article(InternalLink {
            written: written.to_owned(),
            slug,
            fragment,
            line: link.line,
            column: link.column,
        }),
        links::Destination::Site { path, fragment } => OwnAddress::Site(SiteLink {
            written: link.url.clone(),
            path,
            fragment,
            line: link.line,
            column: link.column,
        }),
        links::Destination::SamePage | links::Destination::External => return None,
    };
    Some(((link.line, link.column), own))
}

/// A file that failed its checks. It still hands back its links so they are checked in the same run.
struct Broken {
    problems: Vec<Problem>,
    links: Links,
}

impl Broken {
    fn unreadable(problem: Problem) -> Self {
        Broken {
            problems: vec![problem],
            links: Links::default(),
        }
    }
}

/// Every link of one file, by kind.
#[derive(Default)]
struct Links {
    articles: Vec<InternalLink>,
    site: Vec<SiteLink>,
    external: Vec<ExternalLink>,
    /// The file's own tags, if its front matter was readable: their pages exist once it loads,
    /// so links to them are not reported as missing.
    tags: Vec<String>,
}

fn slug_of(path: &Path) -> String {
    path.file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default()
        .to_owned()
}

/// The day `publish` dates are compared with: the load's today, or else today in UTC.
fn publish_today(options: &LoadOptions) -> time::Date {
    options
        .today
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().date())
}

fn parse_article(path: &Path, text: &str, options: &LoadOptions) -> Result<Article, Broken> {
    let static_dir = options.static_dir.as_deref();
    let mut problems = Vec::new();
    let slug = Slug::new(slug_of(path));
    if let Err(InvalidSlug(slug)) = &slug {
        problems.push(LineProblem::new(ProblemCode::InvalidFileName,
            1,
            format!(
                "the file name \"{slug}.md\" is not a valid page address; use lowercase letters, digits and single hyphens, e.g. heat-therapy.md"
            ),
        ));
    }
    let split = match front_matter::split(text) {
        Ok(split) => split,
        Err(problem) => {
            problems.push(problem);
            return Err(Broken {
                problems: problems.into_iter().map(|p| p.in_file(path)).collect(),
                links: Links::default(),
            });
        }
    };
    let mut front = front_matter::parse(split.front, split.front_line);
    if let (Ok(front), Some(today)) = (&front, options.today) {
        problems.extend(reviewed_in_the_future(front, today));
    }
    if let Ok(front) = &mut front
        && front
            .publish
            .is_some_and(|day| day > publish_today(options))
    {
        // Everything that leaves drafts out (pages, lists, search, feed, sitemap, build) then
        // leaves this page out until its day.
        front.draft = true;
    }
    let rendered = markdown::render(split.body, split.body_line, &options.lists);
    problems.extend(rendered.problems);
    let mut rasters = HashMap::new();
    for image in &rendered.images {
        match image_problem(image, static_dir) {
            Some(problem) => problems.push(problem),
            None => match raster_image(image, static_dir, &options.image_copies) {
                Some(Ok(raster)) => {
                    rasters.insert(image.src.as_str(), raster);
                }
                Some(Err(problem)) => problems.push(problem),
                None => {}
            },
        }
    }
    match (front, slug) {
        (Ok(front), Ok(slug)) if problems.is_empty() => Ok(Article {
            slug,
            path: path.to_path_buf(),
            front,
            html: compact(with_image_sizes(
                rendered.html,
                &rendered.images,
                static_dir,
                &rasters,
            )),
            toc: rendered.toc,
            word_count: rendered.word_count,
            prose: rendered.prose,
            internal_links: rendered.internal_links,
            site_links: rendered.site_links,
            external_links: rendered.external_links,
            render_warnings: rendered.warnings,
            whole_sign_lists: rendered.whole_sign_lists,
            body_line: split.body_line,
            heading_ids: rendered.heading_ids,
            image_copies: image_copies(&rasters),
        }),
        (front, _) => {
            let tags = front.as_ref().map(|f| f.tags.clone()).unwrap_or_default();
            problems.extend(front.err().unwrap_or_default());
            problems.sort_by_key(|p| (p.line, p.column));
            Err(Broken {
                problems: problems.into_iter().map(|p| p.in_file(path)).collect(),
                links: Links {
                    tags,
                    articles: rendered.internal_links,
                    site: rendered.site_links,
                    external: rendered.external_links,
                },
            })
        }
    }
}

/// The string without the spare capacity it grew while being built: the library keeps every
/// article for as long as it is served, and at 10,000 articles the spare room was tens of MB.
fn compact(mut text: String) -> String {
    text.shrink_to_fit();
    text
}

/// A page cannot have been checked against its sources on a day still to come: a future date
/// would also push its next review out of sight.
fn reviewed_in_the_future(front: &FrontMatter, today: time::Date) -> Option<LineProblem> {
    (front.reviewed > today).then(|| {
        LineProblem::new(ProblemCode::FutureReview,
            front.lines.of("reviewed"),
            format!(
                "reviewed = {} is in the future (today is {today}); set it to the day the page was last checked against its sources",
                front.reviewed
            ),
        )
    })
}

/// The PNG or JPEG `image` shows, decoded (once per version of the file, through `copies`); an
/// error at the image's place if it cannot be. `None` for other images and missing files.
fn raster_image(
    image: &markdown::Image,
    static_dir: Option<&Path>,
    copies: &images::ImageCopies,
) -> Option<Result<std::sync::Arc<images::RasterImage>, LineProblem>> {
    let relative = image.src.strip_prefix(STATIC_PREFIX)?;
    let file = static_dir?.join(relative);
    let read = copies.read(relative, &file)?;
    Some(read.map_err(|error| {
        LineProblem::at(
            ProblemCode::UnreadableImage,
            image.line,
            image.column,
            format!(
                "image \"{}\" cannot be read as a PNG or JPEG file ({error}); open {} in an image editor and export it again as PNG or JPEG",
                image.src,
                file.display()
            ),
        )
    }))
}

/// Every copy of the article's images, once each.
fn image_copies(
    rasters: &HashMap<&str, std::sync::Arc<images::RasterImage>>,
) -> Vec<images::ImageCopy> {
    let mut copies: Vec<images::ImageCopy> = rasters
        .values()
        .flat_map(|raster| raster.copies.iter().cloned())
        .collect();
    copies.sort_by(|a, b| a.name.cmp(&b.name));
    copies.dedup_by(|a, b| a.name == b.name);
    copies
}

/// Gives every `<img>` whose file we can read its `width` and `height`, so the browser keeps room
/// for it and the text does not jump when it arrives (an SVG's come from its `viewBox`), and every
/// image after the first `loading="lazy"`: the first may be in view when the page opens, the rest
/// are fetched as the reader scrolls to them. An image wider than the text column also gets a
/// `srcset` of its smaller copies, and `sizes` saying how wide the column is, so a phone fetches
/// the narrow copy.
fn with_image_sizes(
    mut html: String,
    images: &[markdown::Image],
    static_dir: Option<&Path>,
    rasters: &HashMap<&str, std::sync::Arc<images::RasterImage>>,
) -> String {
    let Some(static_dir) = static_dir else {
        return html;
    };
    let mut sources: Vec<&str> = images.iter().map(|image| image.src.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    for src in sources {
        let Some(relative) = src.strip_prefix(STATIC_PREFIX) else {
            continue;
        };
        let file = static_dir.join(relative);
        let raster = rasters.get(src);
        // A decoded image's size is the one it shows at, with a photo's orientation applied.
        let Some((width, height)) = raster
            .map(|raster| (raster.width as usize, raster.height as usize))
            .or_else(|| {
                imagesize::size(&file)
                    .ok()
                    .map(|size| (size.width, size.height))
            })
            .or_else(|| svg_size(&file))
        else {
            continue;
        };
        // Every use of the same image gets the same size.
        let tag = format!("<img src=\"{src}\"");
        let mut sized = format!("{tag} width=\"{width}\" height=\"{height}\"");
        if let Some(srcset) = raster.and_then(|raster| raster.srcset(src)) {
            sized.push_str(&format!(
                " srcset=\"{srcset}\" sizes=\"{}\"",
                images::COLUMN_SIZES
            ));
        }
        html = html.replace(&tag, &sized);
    }
    lazy_after_the_first_image(html)
}

fn lazy_after_the_first_image(html: String) -> String {
    let mut parts = html.split("<img ");
    let mut lazy = parts.next().unwrap_or_default().to_owned();
    for (index, part) in parts.enumerate() {
        lazy.push_str(if index == 0 {
            "<img "
        } else {
            "<img loading=\"lazy\" "
        });
        lazy.push_str(part);
    }
    lazy
}

/// An SVG's size in CSS pixels: its `width` and `height` when both are plain numbers, else the
/// last two numbers of its `viewBox`.
fn svg_size(file: &Path) -> Option<(usize, usize)> {
    if !file
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("svg"))
    {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    let start = text.find("<svg")?;
    let root = &text[start..start + text[start..].find('>')?];
    let attribute = |name: &str| -> Option<&str> {
        let at = root.find(&format!(" {name}=\""))? + name.len() + 3;
        root[at..].split('"').next()
    };
    let pixels = |value: &str| -> Option<usize> {
        let number: f64 = value.trim().trim_end_matches("px").parse().ok()?;
        (number.is_finite() && number >= 1.0).then(|| number.round() as usize)
    };
    if let (Some(width), Some(height)) = (
        attribute("width").and_then(pixels),
        attribute("height").and_then(pixels),
    ) {
        return Some((width, height));
    }
    let view_box: Vec<&str> = attribute("viewBox")?
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|part| !part.is_empty())
        .collect();
    match view_box.as_slice() {
        [_, _, width, height] => Some((pixels(width)?, pixels(height)?)),
        _ => None,
    }
}

/// Where static files are served from; an image's address must start with it.
const STATIC_PREFIX: &str = "/static/";

/// Checks that an image can be seen and heard: it has alt text and its file exists under `static/`.
fn image_problem(image: &markdown::Image, static_dir: Option<&Path>) -> Option<LineProblem> {
    let src = image.src.as_str();
    let (code, message) = if image.alt.is_empty() {
        let message = format!(
            "image \"{src}\" has no alt text; describe what it shows between the square brackets, e.g. ![A person lifting a box with a straight back]({src})"
        );
        (ProblemCode::MissingAltText, message)
    } else if let Some(relative) = src.strip_prefix(STATIC_PREFIX) {
        // Hidden files and `..` are never served, so they cannot be the image either.
        let servable = !relative.is_empty()
            && relative
                .split('/')
                .all(|part| !part.is_empty() && !part.starts_with('.'));
        let message = match static_dir {
            _ if !servable => format!(
                "image \"{src}\" is not a file the site can serve; use an address like /static/img/lifting.svg"
            ),
            _ if !plain_file_name(relative) => format!(
                "image \"{src}\" has a space or another character that addresses cannot carry as they are; rename the file with letters, digits, hyphens and dots only, e.g. /static/img/{}",
                suggested_file_name(relative)
            ),
            Some(dir) if !dir.join(relative).is_file() => match nearest_image(dir, relative) {
                Some(near) => format!(
                    "image \"{src}\" does not exist; did you mean \"{STATIC_PREFIX}{near}\"? If not, put the file at {} or fix the address",
                    dir.join(relative).display()
                ),
                None => format!(
                    "image \"{src}\" does not exist; put the file at {} or fix the address",
                    dir.join(relative).display()
                ),
            },
            _ => return None,
        };
        (ProblemCode::MissingImage, message)
    } else {
        let message = format!(
            "image \"{src}\" must be a file in the static folder, written as /static/...; save it under static/ (e.g. static/img/lifting.svg) and write ![alt text](/static/img/lifting.svg)"
        );
        (ProblemCode::MissingImage, message)
    };
    Some(LineProblem::at(code, image.line, image.column, message))
}

/// Letters, digits, `-`, `_`, `.` and `/` only. Anything else (a space, a comma, an accent) is
/// percent-encoded in the page's address but not in the file's name, so the image would not be
/// found, and a space or comma would also split its `srcset`.
fn plain_file_name(relative: &str) -> bool {
    relative
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || b"-_./".contains(&byte))
}

/// The file's name with every run of other characters made one hyphen: `my-photo-2.png` for
/// `img/my photo, 2.png`.
fn suggested_file_name(relative: &str) -> String {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let mut plain = String::new();
    for character in name.chars() {
        if character.is_ascii_alphanumeric() || "-_.".contains(character) {
            plain.push(character.to_ascii_lowercase());
        } else if !plain.ends_with('-') {
            plain.push('-');
        }
    }
    plain.trim_matches('-').replace("-.", ".")
}

/// The file in the missing image's folder that the author most likely meant: the same name with
/// another extension (`car-seat.png` for `car-seat.svg`), else the nearest name. As a path
/// inside the static folder.
fn nearest_image(static_dir: &Path, relative: &str) -> Option<String> {
    let (folder, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let names: Vec<String> = std::fs::read_dir(static_dir.join(folder))
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.'))
        .collect();
    let stem = |name: &str| {
        name.rsplit_once('.')
            .map_or(name, |(stem, _)| stem)
            .to_owned()
    };
    let wanted = stem(name);
    let found = names
        .iter()
        .find(|other| stem(other).eq_ignore_ascii_case(&wanted))
        .map(String::as_str)
        .or_else(|| front_matter::closest(name, names.iter().map(String::as_str)))?;
    Some(if folder.is_empty() {
        found.to_owned()
    } else {
        format!("{folder}/{found}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(src: &str, alt: &str) -> markdown::Image {
        markdown::Image {
            src: src.to_owned(),
            alt: alt.to_owned(),
            line: 7,
            column: 3,
        }
    }

    fn problem(src: &str, alt: &str, static_dir: Option<&Path>) -> Option<String> {
        image_problem(&image(src, alt), static_dir).map(|problem| {
            assert_eq!(problem.line, 7);
            problem.message
        })
    }

    #[test]
    fn images_need_alt_text_and_a_served_file() {
        let static_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
        let dir = Some(static_dir.as_path());
        assert_eq!(problem("/static/favicon.svg", "The site's logo", dir), None);
        let cases = [
            ("/static/favicon.svg", "", "has no alt text"),
            (
                "/static/img/none.svg",
                "x",
                "does not exist; put the file at",
            ),
            (
                "/static/../Cargo.toml",
                "x",
                "is not a file the site can serve",
            ),
            (
                "/static/.hidden.svg",
                "x",
                "is not a file the site can serve",
            ),
            ("/static/", "x", "is not a file the site can serve"),
            (
                "/static/img/My photo, 2.png",
                "x",
                "has a space or another character that addresses cannot carry as they are; rename the file with letters, digits, hyphens and dots only, e.g. /static/img/my-photo-2.png",
            ),
            ("img/x.svg", "x", "must be a file in the static folder"),
            (
                "https://example.org/x.png",
                "x",
                "must be a file in the static folder",
            ),
        ];
        for (src, alt, says) in cases {
            let message = problem(src, alt, dir).unwrap_or_default();
            assert!(
                message.starts_with(&format!("image \"{src}\" {says}")),
                "{src}: {message}"
            );
        }
    }

    #[test]
    fn without_a_static_dir_only_alt_text_and_address_are_checked() {
        assert_eq!(problem("/static/img/none.svg", "x", None), None);
        assert!(problem("/static/img/none.svg", "", None).is_some());
        assert!(problem("img/none.svg", "x", None).is_some());
    }

    fn article_text(title: &str, draft: bool) -> String {
        format!(
            "+++\ntitle = \"{title}\"\nsummary = \"A page about {title} for people with back pain, in plain words.\"\ncategory = \"relief\"\nreviewed = 2026-11-25\ndraft = {draft}\n\n[[sources]]\ntitle = \"NHS: Back pain\"\nurl = \"https://www.nhs.uk/conditions/back-pain/\"\n+++\n\nText.\n"
        )
    }

    const HEAT: Slug = Slug::from_static("heat");
    const ICE: Slug = Slug::from_static("ice");
    const REST: Slug = Slug::from_static("rest");
    const WALKING: Slug = Slug::from_static("walking");

    fn checker_links<'a>(slugs: &'a [&'a Slug]) -> LinkedArticles<'a> {
        LinkedArticles {
            linked_from: "the symptom checker",
            defined_in: "src/triage/assessment.rs",
            slugs,
        }
    }

    #[test]
    fn a_linked_article_that_is_missing_or_a_draft_is_named_with_its_fix() {
        let dir = tempfile::tempdir().expect("temp dir");
        for (slug, draft) in [("heat", false), ("ice", false), ("rest", true)] {
            std::fs::write(
                dir.path().join(format!("{slug}.md")),
                article_text(slug, draft),
            )
            .expect("written");
        }
        let library = Library::load(dir.path(), LoadOptions::default()).expect("loads");
        let problems = missing_linked_articles(
            dir.path(),
            &library,
            checker_links(&[&HEAT, &ICE, &REST, &WALKING]),
        );
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let place = |slug: &str| dir.path().join(format!("{slug}.md")).display().to_string();
        assert_eq!(
            lines,
            ["rest", "walking"].map(|slug| format!(
                "{}: the symptom checker links to the article \"{slug}\", but there is no published article with that name; restore {} (or publish it: remove draft = true), or ask a developer to change the link in src/triage/assessment.rs",
                place(slug),
                place(slug)
            ))
        );
        assert_eq!(
            missing_linked_articles(dir.path(), &library, checker_links(&[&HEAT, &ICE])),
            []
        );
    }

    #[test]
    fn a_folder_with_few_of_the_linked_articles_is_a_sample_site_and_not_checked() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("heat.md"), article_text("heat", false)).expect("written");
        let library = Library::load(dir.path(), LoadOptions::default()).expect("loads");
        assert_eq!(
            missing_linked_articles(
                dir.path(),
                &library,
                checker_links(&[&HEAT, &ICE, &REST, &WALKING])
            ),
            []
        );
    }
}
