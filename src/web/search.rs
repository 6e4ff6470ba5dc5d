//! `GET /search?q=…`: the search results page, rendered per request from the generation's index.
//! A search can be health data, so the page is `no-store` and the query is neither logged nor kept.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::pages::{ArticleLink, Layout};
use super::site::{HTML, NO_STORE, Site, SiteSettings, topic_path};
use super::{AppState, error_response};
use crate::content::Library;
use crate::discussion::red_flags;
use crate::search::{MAX_QUERY_CHARS, SearchOutcome, SnippetPart};
use crate::triage::{Urgency, rules_for};

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
            let sign = sentence_case(rule.sign);
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

fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "search.html")]
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
        }
    }
}

/// The address of the results for `query`, encoded as a form would send it.
pub fn search_href(query: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{PATH}?q={encoded}")
}

/// `GET` and `HEAD /search`.
pub async fn search(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let generation = state.current();
    let site = &generation.site;
    let search_request = SearchRequest::from_query_string(request.query_string());
    let outcome = match &search_request {
        SearchRequest::Query(query) => {
            match site
                .search
                .search(&generation.library, query, RESULTS_SHOWN)
            {
                Ok(outcome) => outcome,
                Err(error) => {
                    // The error, never the query: the query is the reader's health data.
                    tracing::error!(%error, "search failed");
                    return error_response(StatusCode::INTERNAL_SERVER_ERROR, &site.server_error);
                }
            }
        }
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
    render(site, &page, status)
}

fn render(site: &Site, page: &SearchPage, status: StatusCode) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type(HTML)
            .insert_header((header::CACHE_CONTROL, NO_STORE))
            .body(body),
        Err(error) => {
            tracing::error!(%error, "could not render the search page");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, &site.server_error)
        }
    }
}

/// Any other method on `/search`.
pub async fn method_not_allowed(state: web::Data<AppState>) -> HttpResponse {
    super::method_not_allowed(&state.current().site, "GET, HEAD")
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
