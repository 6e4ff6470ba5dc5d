//! `backcare check --external`, run as the real binary against a small web server started here on
//! a free port (this machine has no internet): which answers count as broken, where each is
//! reported, HEAD then GET, one request at a time per site, the cache, and no progress bar codes
//! when the output is not a terminal.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::repo_path;

/// A web server that answers by path: `/ok` 200, `/gone` 404, `/error` 500, `/slow` after 3 s,
/// `/no-head` 405 to HEAD and 200 to GET, `/moved` a redirect to `/ok`.
struct TestSite {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
    most_at_once: Arc<AtomicUsize>,
}

impl TestSite {
    fn start() -> TestSite {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let most_at_once = Arc::new(AtomicUsize::new(0));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let (log, most) = (requests.clone(), most_at_once.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, most, in_flight) = (log.clone(), most.clone(), in_flight.clone());
                std::thread::spawn(move || {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    answer(stream, &log);
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        TestSite {
            base,
            requests,
            most_at_once,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `HEAD /ok`, `GET /no-head`, ... in the order they arrived.
    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("log").clone()
    }
}

fn answer(mut stream: TcpStream, log: &Mutex<Vec<String>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    log.lock().expect("log").push(format!("{method} {path}"));
    let status = match (method, path) {
        (_, "/ok") => "200 OK",
        (_, "/gone") => "404 Not Found",
        (_, "/error") => "500 Internal Server Error",
        ("HEAD", "/no-head") => "405 Method Not Allowed",
        (_, "/no-head") => "200 OK",
        (_, "/moved") => "301 Moved Permanently\r\nLocation: /ok",
        (_, "/slow") => {
            std::thread::sleep(Duration::from_secs(3));
            "200 OK"
        }
        _ => "404 Not Found",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        if method == "HEAD" { "" } else { "ok" }
    );
}

/// An address where nothing listens: a port that was free a moment ago.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}/")
}

fn article(site: &TestSite, refused: &str) -> String {
    format!(
        "+++\ntitle = \"Heat for back pain\"\nsummary = \"How heat eases tight back muscles, and how to use it safely at home.\"\ncategory = \"prevention\"\nreviewed = 2026-11-25\n\n\
         [[sources]]\ntitle = \"Fine\"\nurl = \"{ok}\"\n\n\
         [[sources]]\ntitle = \"Gone\"\nurl = \"{gone}\"\n\n\
         [[sources]]\ntitle = \"Failing\"\nurl = \"{error}\"\n\n\
         [[sources]]\ntitle = \"No HEAD\"\nurl = \"{no_head}\"\n\n\
         [[sources]]\ntitle = \"Moved\"\nurl = \"{moved}\"\n+++\n\n\
         Heat can help. Read [the slow page]({slow}) and [the gone page]({gone}).\n\n\
         Also [a closed site]({refused}) and [this page](heat.md).\n",
        ok = site.url("/ok"),
        gone = site.url("/gone"),
        error = site.url("/error"),
        no_head = site.url("/no-head"),
        moved = site.url("/moved"),
        slow = site.url("/slow"),
    )
}

fn run_check(articles: &Path, cache: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backcare"))
        .args(["check", "--articles"])
        .arg(articles)
        .args([
            "--static",
            "static",
            "--today",
            "2026-11-30",
            "--link-cache",
        ])
        .arg(cache)
        .args(extra)
        .current_dir(repo_path(""))
        .env_remove("BACKCARE_BASE_URL")
        // The test site is on this machine: no proxy must stand in between.
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdin(Stdio::null())
        .output()
        .expect("backcare runs")
}

fn lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn broken_addresses_are_warnings_at_their_place_and_good_ones_are_cached() {
    let site = TestSite::start();
    let refused = closed_port_url();
    let dir = tempfile::tempdir().expect("temp dir");
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).expect("folder");
    std::fs::write(articles.join("heat.md"), article(&site, &refused)).expect("written");
    let cache = dir.path().join("links.json");
    let file = articles.join("heat.md");
    let file = file.display();

    // Without --external nothing is asked.
    let offline = run_check(&articles, &cache, &[]);
    assert!(offline.status.success(), "{:#?}", lines(&offline));
    assert_eq!(site.requests(), Vec::<String>::new());
    assert!(!cache.exists());

    let run = run_check(
        &articles,
        &cache,
        &["--external", "--external-timeout", "1"],
    );
    let stdout = lines(&run);
    assert_eq!(run.status.code(), Some(0), "{stdout:#?}");
    let refused_site = refused.trim_start_matches("http://").trim_end_matches('/');
    let advice_source = "open it in your browser, then use the page's new address or cite another source [broken-external-link]";
    let advice_link = "open it in your browser, then link to the page's new address or remove the link [broken-external-link]";
    // The page's other warnings (http sources, no NHS source, no internal link) are not the
    // subject here: only the broken addresses, each at the place it is written.
    let broken: Vec<&String> = stdout
        .iter()
        .filter(|line| line.contains(" is broken: "))
        .collect();
    assert_eq!(
        broken,
        [
            &format!(
                "{file}:11: warning: source 2 url \"{}\" is broken: the site answered 404 Not Found; {advice_source}",
                site.url("/gone")
            ),
            &format!(
                "{file}:15: warning: source 3 url \"{}\" is broken: the site answered 500 Internal Server Error; {advice_source}",
                site.url("/error")
            ),
            &format!(
                "{file}:28:21: warning: link to \"{}\" is broken: no answer within 1 s; {advice_link}",
                site.url("/slow")
            ),
            &format!(
                "{file}:28:{}: warning: link to \"{}\" is broken: the site answered 404 Not Found; {advice_link}",
                43 + site.url("/slow").len(),
                site.url("/gone")
            ),
            &format!(
                "{file}:30:6: warning: link to \"{refused}\" is broken: could not connect to {refused_site}; {advice_link}"
            ),
        ]
    );
    assert_eq!(
        stdout[0],
        format!(
            "checked 7 web addresses on 2 sites: 4 broken, 0 answered well within the last 7 days ({})",
            cache.display()
        )
    );
    assert_eq!(
        stdout.last().map(String::as_str),
        Some("checked 1 article: 0 errors, 12 warnings")
    );

    // HEAD first, GET only when HEAD is refused; redirects followed; one request at a time.
    let mut asked = site.requests();
    asked.sort();
    assert_eq!(
        asked,
        [
            "GET /no-head",
            "HEAD /error",
            "HEAD /gone",
            "HEAD /moved",
            "HEAD /no-head",
            "HEAD /ok",
            "HEAD /ok",
            "HEAD /slow",
        ]
    );
    assert_eq!(site.most_at_once.load(Ordering::SeqCst), 1);

    // The second run asks only what did not answer well; --strict makes the warnings errors.
    let again = run_check(
        &articles,
        &cache,
        &["--external", "--external-timeout", "1", "--strict"],
    );
    let stdout = lines(&again);
    assert_eq!(again.status.code(), Some(1), "{stdout:#?}");
    assert_eq!(
        stdout[0],
        format!(
            "checked 7 web addresses on 2 sites: 4 broken, 3 answered well within the last 7 days ({})",
            cache.display()
        )
    );
    assert!(
        stdout.contains(&format!(
            "{file}:11: source 2 url \"{}\" is broken: the site answered 404 Not Found; {advice_source}",
            site.url("/gone")
        )),
        "{stdout:#?}"
    );
    assert_eq!(
        stdout.last().map(String::as_str),
        Some("checked 1 article: 12 errors, 0 warnings")
    );
    let mut asked_again: Vec<String> = site.requests().split_off(8);
    asked_again.sort();
    assert_eq!(asked_again, ["HEAD /error", "HEAD /gone", "HEAD /slow"]);

    // Neither run drew a progress bar: the output was not a terminal.
    for output in [&run, &again] {
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains('\u{1b}') && !text.contains('\r'),
                "terminal codes in {text:?}"
            );
        }
    }
}

/// When no site answers at all (here: two addresses where nothing listens), the machine is most
/// likely offline, and `check` says so instead of leaving the author to think every page is gone.
#[test]
fn when_no_site_can_be_reached_check_asks_whether_the_machine_is_offline() {
    let (first, second) = (closed_port_url(), closed_port_url());
    let dir = tempfile::tempdir().expect("temp dir");
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).expect("folder");
    std::fs::write(
        articles.join("heat.md"),
        format!(
            "+++\ntitle = \"Heat for back pain\"\nsummary = \"How heat eases tight back muscles, and how to use it safely at home.\"\ncategory = \"prevention\"\nreviewed = 2026-11-25\n\n\
             [[sources]]\ntitle = \"One\"\nurl = \"{first}\"\n\n\
             [[sources]]\ntitle = \"Two\"\nurl = \"{second}\"\n+++\n\n\
             Heat can help. Read [this page](heat.md).\n"
        ),
    )
    .expect("written");
    let output = run_check(&articles, &dir.path().join("cache.json"), &["--external"]);
    let printed = lines(&output);
    assert!(
        printed[0].starts_with("checked 2 web addresses on "),
        "{printed:#?}"
    );
    assert_eq!(
        printed[1],
        "could not reach any site: are you offline? Connect to the internet and run check --external again; until then the addresses below may be fine"
    );

    // One site that answers is enough to show the machine is online.
    let site = TestSite::start();
    std::fs::write(articles.join("heat.md"), article(&site, &first)).expect("written");
    let output = run_check(&articles, &dir.path().join("cache.json"), &["--external"]);
    assert!(
        lines(&output)
            .iter()
            .all(|line| !line.contains("are you offline")),
        "{:#?}",
        lines(&output)
    );
}
