//! `backcare check --external`: asks every other site our articles link to or cite whether the
//! page is still there. Several sites at once, but one request at a time per site with a pause
//! between them; HEAD first, GET when a server refuses HEAD; good answers kept in a cache file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};

use crate::content::{Library, Problem, ProblemCode};

/// The cache file's name, in the folder `check` runs from (the backcare folder).
pub const DEFAULT_CACHE_FILE: &str = ".backcare-link-cache.json";

/// How long an address that answered well is not asked again: a week keeps repeated checks
/// fast and polite, and a page that disappears is still noticed within days.
pub const CACHE_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// How long one address may take to answer, redirects included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The pause between two requests to the same site, so a check never looks like an attack.
pub const PAUSE_PER_SITE: Duration = Duration::from_millis(250);

/// Sites asked at the same time.
pub const SITES_AT_ONCE: usize = 8;

/// How `--external` checks.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    pub timeout: Duration,
    pub cache_file: PathBuf,
    pub pause_per_site: Duration,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: DEFAULT_TIMEOUT,
            cache_file: PathBuf::from(DEFAULT_CACHE_FILE),
            pause_per_site: PAUSE_PER_SITE,
        }
    }
}

/// Where an address is written: a source in the front matter, or a link in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Source {
        path: PathBuf,
        line: usize,
        number: usize,
    },
    Link {
        path: PathBuf,
        line: usize,
        column: usize,
    },
}

/// One address to ask about, and every place it is written.
#[derive(Debug, Clone)]
struct Target {
    url: String,
    places: Vec<Place>,
}

/// Why an address counts as broken.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Broken {
    Status(u16),
    Timeout,
    NoSuchSite(String),
    NoConnection(String),
    TooManyRedirects,
    Other(String),
}

impl Broken {
    fn describe(&self, timeout: Duration) -> String {
        match self {
            Broken::Status(status) => {
                let reason = http_reason(*status);
                // Some sites turn away anything that is not a browser.
                let hint = if matches!(status, 401 | 403 | 429) {
                    " (some sites turn away programs: if it opens in your browser, it is fine)"
                } else {
                    ""
                };
                format!("the site answered {status} {reason}{hint}")
            }
            Broken::Timeout => format!("no answer within {} s", timeout.as_secs_f32()),
            Broken::NoSuchSite(host) => format!("the site name {host} was not found"),
            Broken::NoConnection(host) => format!("could not connect to {host}"),
            Broken::TooManyRedirects => "it redirects too many times".to_owned(),
            Broken::Other(error) => format!("could not check it: {error}"),
        }
    }
}

fn http_reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// What `--external` did, for its closing line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalReport {
    /// One warning per place a broken address is written.
    pub warnings: Vec<Problem>,
    pub addresses: usize,
    pub sites: usize,
    pub broken: usize,
    pub from_cache: usize,
    /// The cache could not be written; the check itself still counts.
    pub cache_error: Option<String>,
    /// Every address asked failed before any site answered (no name found, no connection): the
    /// machine is most likely offline, not every site gone.
    pub no_site_reached: bool,
}

impl ExternalReport {
    /// `checked 120 web addresses on 51 sites: 2 broken, 90 answered well within the last 7 days (.backcare-link-cache.json)`
    pub fn summary(&self, cache_file: &Path) -> String {
        let plural = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        format!(
            "checked {} on {}: {} broken, {} answered well within the last {} days ({})",
            plural(self.addresses, "web address", "web addresses"),
            plural(self.sites, "site", "sites"),
            self.broken,
            self.from_cache,
            CACHE_MAX_AGE.as_secs() / 86_400,
            cache_file.display()
        )
    }

    /// What to say when no site could be reached at all, printed after the summary.
    pub fn offline_hint(&self) -> Option<&'static str> {
        self.no_site_reached.then_some(
            "could not reach any site: are you offline? Connect to the internet and run check --external again; until then the addresses below may be fine",
        )
    }
}

/// Checks every `http(s)://` source and link in `library` (links to `base_url` are the site's
/// own and are checked without the network). `progress` counts the addresses asked.
pub fn check_external(
    library: &Library,
    base_url: Option<&str>,
    options: &ExternalOptions,
    progress: &ProgressBar,
) -> ExternalReport {
    let targets = targets(library, base_url);
    let now = unix_seconds(SystemTime::now());
    let mut cache = Cache::read(&options.cache_file, now);

    let (cached, to_ask): (Vec<&Target>, Vec<&Target>) = targets
        .iter()
        .partition(|target| cache.answered_well.contains_key(&target.url));
    let mut by_site: BTreeMap<String, Vec<&Target>> = BTreeMap::new();
    for target in &to_ask {
        by_site
            .entry(site_of(&target.url))
            .or_default()
            .push(target);
    }
    let sites = targets
        .iter()
        .map(|target| site_of(&target.url))
        .collect::<std::collections::BTreeSet<_>>()
        .len();

    progress.set_length(to_ask.len() as u64);
    let answers = ask_every_site(by_site, options, progress);
    progress.finish_and_clear();

    let mut report = ExternalReport {
        addresses: targets.len(),
        sites,
        from_cache: cached.len(),
        ..ExternalReport::default()
    };
    for target in &to_ask {
        match answers.get(&target.url) {
            Some(Err(broken)) => {
                report.broken += 1;
                let why = broken.describe(options.timeout);
                report.warnings.extend(
                    target
                        .places
                        .iter()
                        .map(|place| warning(place, &target.url, &why)),
                );
            }
            Some(Ok(())) => {
                cache.answered_well.insert(target.url.clone(), now);
            }
            None => {}
        }
    }
    report.no_site_reached = !to_ask.is_empty()
        && to_ask.iter().all(|target| {
            matches!(
                answers.get(&target.url),
                Some(Err(Broken::NoSuchSite(_) | Broken::NoConnection(_)))
            )
        });
    if let Err(error) = cache.write(&options.cache_file) {
        report.cache_error = Some(format!(
            "cannot write the link cache {}: {error}; the next check asks every site again",
            options.cache_file.display()
        ));
    }
    report
}

fn warning(place: &Place, url: &str, why: &str) -> Problem {
    match place {
        Place::Source { path, line, number } => Problem {
            code: ProblemCode::BrokenExternalLink,
            path: path.clone(),
            line: Some(*line),
            column: None,
            message: format!(
                "source {number} url \"{url}\" is broken: {why}; open it in your browser, then use the page's new address or cite another source"
            ),
        },
        Place::Link { path, line, column } => Problem {
            code: ProblemCode::BrokenExternalLink,
            path: path.clone(),
            line: Some(*line),
            column: Some(*column),
            message: format!(
                "link to \"{url}\" is broken: {why}; open it in your browser, then link to the page's new address or remove the link"
            ),
        },
    }
}

/// Every web address of every article, once each, with all the places it is written.
fn targets(library: &Library, base_url: Option<&str>) -> Vec<Target> {
    let mut by_url: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    for article in library.articles() {
        for (index, source) in article.front.sources.iter().enumerate() {
            by_url
                .entry(source.url.clone())
                .or_default()
                .push(Place::Source {
                    path: article.path.clone(),
                    line: article.front.lines.source(index),
                    number: index + 1,
                });
        }
        for link in &article.external_links {
            by_url
                .entry(link.url.clone())
                .or_default()
                .push(Place::Link {
                    path: article.path.clone(),
                    line: link.line,
                    column: link.column,
                });
        }
    }
    by_url
        .into_iter()
        .filter(|(url, _)| is_web_address(url))
        .filter(|(url, _)| {
            base_url.is_none_or(|own| crate::content::links::after_own_address(url, own).is_none())
        })
        .map(|(url, places)| Target { url, places })
        .collect()
}

fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// `https://www.nhs.uk/x` → `www.nhs.uk`: the unit of politeness (port included, lowercase).
fn site_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    host.to_ascii_lowercase()
}

/// Asks up to `SITES_AT_ONCE` sites at the same time, each site's addresses one after another.
fn ask_every_site(
    by_site: BTreeMap<String, Vec<&Target>>,
    options: &ExternalOptions,
    progress: &ProgressBar,
) -> HashMap<String, Result<(), Broken>> {
    let agent = agent(options.timeout);
    let queue = Mutex::new(by_site.into_iter().collect::<Vec<_>>());
    let answers = Mutex::new(HashMap::new());
    let workers = SITES_AT_ONCE.min(queue.lock().map_or(0, |queue| queue.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((site, targets)) =
                    queue.lock().ok().and_then(|mut queue| queue.pop())
                {
                    for (index, target) in targets.iter().enumerate() {
                        if index > 0 {
                            std::thread::sleep(options.pause_per_site);
                        }
                        progress.set_message(site.clone());
                        let answer = ask(&agent, &target.url);
                        if let Ok(mut answers) = answers.lock() {
                            answers.insert(target.url.clone(), answer);
                        }
                        progress.inc(1);
                    }
                }
            });
        }
    });
    answers.into_inner().unwrap_or_default()
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        // A 404 is an answer to report, not a failure of the request.
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "backcare-link-check/",
            env!("CARGO_PKG_VERSION"),
            " (checks the sources cited by a health-information site)"
        ))
        .build()
        .into()
}

/// HEAD first; GET when the server does not answer HEAD (405 Method Not Allowed, 501 Not
/// Implemented). A GET's body is never read.
fn ask(agent: &ureq::Agent, url: &str) -> Result<(), Broken> {
    let status = match agent.head(url).call() {
        Ok(response) if matches!(response.status().as_u16(), 405 | 501) => {
            let answer = agent.get(url).call();
            answer
                .map_err(|error| broken(error, url))?
                .status()
                .as_u16()
        }
        Ok(response) => response.status().as_u16(),
        Err(error) => return Err(broken(error, url)),
    };
    match status {
        200..=299 => Ok(()),
        300..=399 => Err(Broken::TooManyRedirects),
        status => Err(Broken::Status(status)),
    }
}

fn broken(error: ureq::Error, url: &str) -> Broken {
    let site = site_of(url);
    let host = site
        .rsplit_once(':')
        .map_or(site.as_str(), |(host, _)| host);
    match error {
        ureq::Error::Timeout(_) => Broken::Timeout,
        ureq::Error::HostNotFound => Broken::NoSuchSite(host.to_owned()),
        // The system's resolver reports a name it cannot find as an I/O error.
        ureq::Error::Io(error) if error.to_string().contains("lookup") => {
            Broken::NoSuchSite(host.to_owned())
        }
        ureq::Error::ConnectionFailed => Broken::NoConnection(site),
        ureq::Error::Io(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset
            ) =>
        {
            Broken::NoConnection(site)
        }
        ureq::Error::TooManyRedirects => Broken::TooManyRedirects,
        error => Broken::Other(error.to_string()),
    }
}

/// The addresses that answered well, with when (seconds since 1970), on disk as JSON.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    answered_well: BTreeMap<String, u64>,
}

impl Cache {
    /// The cache without entries older than `CACHE_MAX_AGE`; a missing or unreadable file is an
    /// empty cache (it only saves time).
    fn read(path: &Path, now: u64) -> Cache {
        let mut cache: Cache = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        cache
            .answered_well
            .retain(|_, checked| now.saturating_sub(*checked) < CACHE_MAX_AGE.as_secs());
        cache
    }

    /// Writes a new file and renames it over the old one, so a check stopped half-way never
    /// leaves a broken cache.
    fn write(&self, path: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        std::fs::write(&partial, json)?;
        std::fs::rename(&partial, path)
    }
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_line_counts_in_words() {
        let report = ExternalReport {
            addresses: 1,
            sites: 1,
            ..ExternalReport::default()
        };
        assert_eq!(
            report.summary(Path::new("c.json")),
            "checked 1 web address on 1 site: 0 broken, 0 answered well within the last 7 days (c.json)"
        );
    }

    #[test]
    fn sites_are_lowercase_hosts_with_their_port() {
        assert_eq!(site_of("https://WWW.NHS.uk/a?b#c"), "www.nhs.uk");
        assert_eq!(site_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(site_of("https://user@example.org"), "example.org");
    }

    #[test]
    fn old_cache_entries_are_dropped_and_bad_files_are_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cache.json");
        let now = 10 * CACHE_MAX_AGE.as_secs();
        let mut cache = Cache::default();
        cache
            .answered_well
            .insert("https://fresh/".into(), now - 60);
        cache
            .answered_well
            .insert("https://stale/".into(), now - CACHE_MAX_AGE.as_secs());
        cache.write(&path).expect("written");
        let read = Cache::read(&path, now);
        assert_eq!(
            read.answered_well.keys().collect::<Vec<_>>(),
            ["https://fresh/"]
        );
        std::fs::write(&path, "not json").expect("written");
        assert!(Cache::read(&path, now).answered_well.is_empty());
    }
}
