//! `GET /search?q=…`: the search results page, rendered per request from the generation's index.
//! A search can be health data, so the page is `no-store` and the query is neither logged nor kept.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Resource, web};
use askama::Template;

use super::layout::{ArticleLink, ErrorLink, Layout, SITE_NAME, private_page};
use crate::content::Library;
use crate::discussion::red_flags;
use crate::rate_limit::Decision;
use crate::search::{MAX_QUERY_CHARS, SearchOutcome, SnippetPart};
use crate::triage::{Urgency, rules_for};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::extract::Current;
use crate::web::paths::{OPENSEARCH_PATH, topic_path};
use crate::web::prerender::{Prerender, RenderError, SiteSettings};
use crate::web::routing;

pub const PATH: &str = "/search";
/// Results shown on the page; the count says how many more matched.
const RESULTS_SHOWN: usize = 20;

/// What the reader asked for, taken from the raw query string: only the first `q` counts, `+` is a
/// space, and bad percent-encoding or UTF-8 is read as best it can be rather than refused.
#[derive(Debug, PartialEq, Eq)]
pub enum SearchRequest {
    Empty,
    /// Longer than `MAX_QUERY_CHARS`; the page keeps the first that many characters in the box.
    TooLong(String),
    Query(String),
}

impl SearchRequest {
    pub fn from_query_string(query_string: &str) -> SearchRequest {
        let text = url::form_urlencoded::parse(query_string.as_bytes())
            .find(|(name, _)| name == "q")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        if text.chars().count() > MAX_QUERY_CHARS {
            return SearchRequest::TooLong(text.chars().take(MAX_QUERY_CHARS).collect());
        }
        let text = text.trim();
        if text.is_empty() {
            SearchRequest::Empty
        } else {
            SearchRequest::Query(text.to_owned())
        }
    }
}

/// A result as the page shows it.
pub struct ResultView<'a> {
    pub link: ArticleLink<'a>,
    pub category: &'static str,
    pub category_href: String,
    pub snippet: Vec<SnippetPart>,
}

/// The warning box shown above the results when the query mentions a 999 sign.
pub struct RedFlagBox {
    /// What the query mentioned, in the words of `discussion::red_flags`.
    pub mentioned: Vec<&'static str>,
    /// Every emergency sign of the symptom checker's rules, once each.
    pub emergency_signs: Vec<String>,
}

impl RedFlagBox {
    fn for_query(query: &str) -> Option<RedFlagBox> {
        let flags = red_flags(query);
        if flags.is_empty() {
            return None;
        }
        let mut emergency_signs: Vec<String> = Vec::new();
        for rule in rules_for(Urgency::Emergency) {
            let sign = crate::content::shortcode_syntax::sentence_case(rule.sign);
            if !emergency_signs.contains(&sign) {
                emergency_signs.push(sign);
            }
        }
        Some(RedFlagBox {
            mentioned: flags.iter().map(|flag| flag.label).collect(),
            emergency_signs,
        })
    }
}

#[derive(Template)]
#[template(path = "pages/search.html")]
pub struct SearchPage<'a> {
    pub layout: Layout<'a>,
    /// What goes back in the search box (already cut to the limit).
    pub query: &'a str,
    /// The query was too long: the page says so instead of searching.
    pub too_long: bool,
    pub searched: bool,
    pub total: usize,
    pub results: Vec<ResultView<'a>>,
    pub suggestion: Option<String>,
    pub suggestion_href: String,
    pub red_flags: Option<RedFlagBox>,
    pub max_chars: usize,
    /// The error summary: only a query that is too long is a problem.
    pub problem: Option<&'static str>,
    pub errors: Vec<ErrorLink>,
}

impl<'a> SearchPage<'a> {
    fn new(
        request: &'a SearchRequest,
        outcome: SearchOutcome,
        library: &'a Library,
        settings: &'a SiteSettings,
    ) -> Self {
        let (query, too_long) = match request {
            SearchRequest::Empty => ("", false),
            SearchRequest::TooLong(query) => (query.as_str(), true),
            SearchRequest::Query(query) => (query.as_str(), false),
        };
        let searched = matches!(request, SearchRequest::Query(_));
        let title = if too_long {
            "Error: Search".to_owned()
        } else if searched {
            format!("Search results for “{query}”")
        } else {
            "Search".to_owned()
        };
        let results = outcome
            .hits
            .into_iter()
            .filter_map(|hit| {
                let article = library.get(&hit.slug)?;
                let category = article.front.category;
                Some(ResultView {
                    link: ArticleLink::from(article),
                    category: category.title(),
                    category_href: topic_path(category),
                    snippet: hit.snippet,
                })
            })
            .collect();
        let suggestion_href = outcome
            .suggestion
            .as_deref()
            .map(search_href)
            .unwrap_or_default();
        SearchPage {
            layout: Layout::new(
                &title,
                "Search backcare's articles on back cramps and back pain.",
                PATH,
                settings,
            ),
            query,
            too_long,
            searched,
            total: outcome.total,
            results,
            suggestion: outcome.suggestion,
            suggestion_href,
            red_flags: searched.then(|| RedFlagBox::for_query(query)).flatten(),
            max_chars: MAX_QUERY_CHARS,
            problem: None,
            errors: too_long
                .then(|| ErrorLink {
                    target_id: "search-q".to_owned(),
                    message: format!("Enter a search of {MAX_QUERY_CHARS} characters or fewer"),
                })
                .into_iter()
                .collect(),
        }
    }
}

/// The address of the results for `query`, encoded as a form would send it.
pub fn search_href(query: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{PATH}?q={encoded}")
}

/// The search page before any search, for `backcare build` (the registry's copy for a static
/// host): a static host answers `/search` with it, and its form posts to the server (or says
/// there is none).
pub fn prerender_empty(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    let request = SearchRequest::Empty;
    let page = SearchPage::new(&request, SearchOutcome::default(), library, site.settings);
    site.html(PATH, &page)
}

/// `GET` and `HEAD /search`.
pub async fn search(
    request: HttpRequest,
    generation: Current,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let site = &generation.site;
    let search_request = SearchRequest::from_query_string(request.query_string());
    // Only a search costs: the empty form and a refused long query are free.
    if let SearchRequest::Query(_) = search_request
        && let Decision::Limited { retry_after } = state.search_allowance(&request)
    {
        return Err(PageError::SearchRateLimited(retry_after));
    }
    let outcome = match &search_request {
        // The error, never the query: the query is the reader's health data.
        SearchRequest::Query(query) => site
            .search
            .search(&generation.library, query, RESULTS_SHOWN)
            .map_err(|error| PageError::Internal(error.into()))?,
        _ => SearchOutcome::default(),
    };
    let status = match search_request {
        SearchRequest::TooLong(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let page = SearchPage::new(
        &search_request,
        outcome,
        &generation.library,
        &site.settings,
    );
    private_page(status, &page)
}

pub const OPENSEARCH: &str = "application/opensearchdescription+xml; charset=utf-8";

/// The OpenSearch 1.1 description: the site's name and the address of its results page.
#[derive(Template)]
#[template(path = "pages/opensearch.xml")]
pub struct OpenSearchDescription {
    pub site_name: &'static str,
    /// `https://example.org/search?q={searchTerms}`: the template browsers fill in.
    pub results_template: String,
    pub self_url: String,
    pub icon_url: String,
}

impl OpenSearchDescription {
    pub fn new(settings: &SiteSettings) -> Self {
        OpenSearchDescription {
            site_name: SITE_NAME,
            results_template: format!("{}?q={{searchTerms}}", settings.base_url.join(PATH)),
            self_url: settings.base_url.join(OPENSEARCH_PATH),
            icon_url: settings.base_url.join(&settings.favicon),
        }
    }
}

/// Results are made for each request; only GET and HEAD are answered.
pub fn handlers(path: &'static str) -> Resource {
    routing::page(web::resource(path), search)
}

pub fn prerender(site: &mut Prerender, _: &Library) -> Result<(), RenderError> {
    let description = OpenSearchDescription::new(site.settings);
    let body = crate::web::prerender::render(OPENSEARCH_PATH, &description)?;
    site.file(OPENSEARCH_PATH, body, OPENSEARCH);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_q_counts_and_bad_encoding_is_read_not_refused() {
        let parse = SearchRequest::from_query_string;
        assert_eq!(parse(""), SearchRequest::Empty);
        assert_eq!(parse("q="), SearchRequest::Empty);
        assert_eq!(parse("q=+++"), SearchRequest::Empty);
        assert_eq!(
            parse("q=back+pain&q=other"),
            SearchRequest::Query("back pain".into())
        );
        assert_eq!(parse("x=1&q=%E2%80%9Cx"), SearchRequest::Query("“x".into()));
        assert_eq!(parse("q=%zz%"), SearchRequest::Query("%zz%".into()));
        assert_eq!(parse("q=%ff"), SearchRequest::Query("\u{fffd}".into()));
        let long = format!("q={}", "a".repeat(201));
        assert_eq!(parse(&long), SearchRequest::TooLong("a".repeat(200)));
        assert_eq!(
            parse(&format!("q={}", "é".repeat(200))),
            SearchRequest::Query("é".repeat(200))
        );
    }

    #[test]
    fn suggestion_links_are_encoded() {
        assert_eq!(search_href("back & pain"), "/search?q=back+%26+pain");
    }
}
