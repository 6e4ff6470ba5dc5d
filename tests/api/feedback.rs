//! "Is this page helpful?" through the real server: the buttons on the pre-rendered article,
//! the thank-you page and its comment box, what is kept (and what never is), the protections,
//! and the report from the command line and for moderators.

use backcare::discussion::DiscussionConfig;
use backcare::rate_limit::RateLimit;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};

use crate::discussion::{MODERATOR, PASSWORD, TestDb, encode, run_backcare, spawn_with};
use crate::helpers::{FORM_CONTENT_TYPE, article_path, count, html, select_attrs, select_texts};

const ARTICLE: &str = "sciatica";

fn answer_path(slug: &str) -> String {
    format!("/articles/{slug}/feedback")
}

fn comment_path(slug: &str) -> String {
    format!("/articles/{slug}/feedback/comment")
}

#[tokio::test]
async fn a_reader_answers_no_and_says_what_was_missing() {
    let db = TestDb::sqlite();
    let site = spawn_with(db.config()).await;

    // The buttons are a plain form on the article page, which stays the same for everyone.
    let page = html(&site.app.get_text(&article_path(ARTICLE)).await.1);
    assert_eq!(
        select_texts(&page, "#feedback-heading"),
        ["Is this page helpful?"]
    );
    assert_eq!(
        select_attrs(&page, ".feedback form", "action"),
        [answer_path(ARTICLE)]
    );
    assert_eq!(
        select_attrs(&page, ".feedback button[name=helpful]", "value"),
        ["yes", "no"]
    );
    assert_eq!(
        count(&page, ".feedback input[name=website]"),
        1,
        "the honeypot"
    );

    let response = site
        .send(
            &answer_path(ARTICLE),
            encode(&[("helpful", "no"), ("website", "")]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers().get(SET_COOKIE).is_none(), "no cookie");
    let thanks = response.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(thanks, "/articles/sciatica/feedback/thanks/no");
    let response = site.app.get(&thanks).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    let page = html(&response.text().await.unwrap());
    assert_eq!(select_texts(&page, "h1"), ["Thank you for your feedback"]);
    assert_eq!(
        select_texts(&page, "label[for=feedback-comment]"),
        ["What was missing or wrong? (optional)"]
    );
    assert_eq!(
        select_attrs(&page, "form.feedback-comment", "action"),
        [comment_path(ARTICLE)]
    );

    // Too long: the box comes back with the text and what to fix.
    let long = "a".repeat(501);
    let response = site
        .send(
            &comment_path(ARTICLE),
            encode(&[("helpful", "no"), ("comment", &long)]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&response.text().await.unwrap());
    assert!(select_texts(&page, "title")[0].starts_with("Error: "));
    assert_eq!(
        select_texts(&page, ".error-summary li a"),
        ["Your comment must be 500 characters or fewer: it has 501"]
    );
    assert_eq!(select_texts(&page, "#feedback-comment"), [long.as_str()]);

    let response = site
        .send(
            &comment_path(ARTICLE),
            encode(&[
                ("helpful", "no"),
                ("comment", "It does not say how long sciatica lasts."),
            ]),
        )
        .await;
    assert_eq!(
        response.headers()[LOCATION],
        "/articles/sciatica/feedback/sent"
    );
    let (status, page) = site.page("/articles/sciatica/feedback/sent").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&page, ".callout-emergency"), 0);

    // A comment mentioning warning signs gets the page that says to get help now.
    let response = site
        .send(
            &comment_path(ARTICLE),
            encode(&[
                ("helpful", "no"),
                ("comment", "I can't pee and my legs are numb"),
            ]),
        )
        .await;
    let urgent = response.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(urgent, "/articles/sciatica/feedback/sent/warning-signs");
    let (_, page) = site.page(&urgent).await;
    assert_eq!(
        count(&page, ".callout-emergency a[href='/symptom-checker']"),
        1
    );

    let storage = db.storage().await;
    let report = storage.feedback_report(None, 3).await.unwrap();
    assert_eq!(report.len(), 1);
    assert_eq!((report[0].yes, report[0].no), (0, 1));
    assert_eq!(report[0].recent_comments.len(), 2);
    assert_eq!(
        report[0].recent_comments[1].text,
        "It does not say how long sciatica lasts."
    );
    // Nothing beside the answers says who sent them: every column is listed here.
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('feedback_comments')")
            .fetch_all(&sqlx::SqlitePool::connect(&db.url).await.unwrap())
            .await
            .unwrap();
    assert_eq!(
        columns,
        ["id", "article_slug", "helpful", "body", "created_at"]
    );
    storage.close().await;
    db.cleanup().await;
}

#[tokio::test]
async fn other_sites_bots_and_floods_are_not_counted() {
    let db = TestDb::sqlite();
    let site = spawn_with(DiscussionConfig {
        feedback_limit: RateLimit {
            per_minute: 1,
            burst: 2,
        },
        ..db.config()
    })
    .await;
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "same-site"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = site
            .app
            .client
            .post(site.app.url(&answer_path(ARTICLE)))
            .header("content-type", FORM_CONTENT_TYPE)
            .header(name, value)
            .body("helpful=yes")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    }
    // A bot that fills the hidden field is thanked and not counted.
    let response = site
        .send(
            &answer_path(ARTICLE),
            encode(&[("helpful", "yes"), ("website", "spam")]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // No answer at all: what to do.
    let response = site
        .send(&answer_path(ARTICLE), encode(&[("helpful", "maybe")]))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = html(&response.text().await.unwrap());
    assert!(select_texts(&page, ".error-summary p")[0].contains("Choose Yes or No"));

    for _ in 0..2 {
        let response = site
            .send(&answer_path(ARTICLE), encode(&[("helpful", "yes")]))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let response = site
        .send(&answer_path(ARTICLE), encode(&[("helpful", "yes")]))
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_some());

    let report = db.storage().await.feedback_report(None, 3).await.unwrap();
    assert_eq!(
        (report[0].yes, report[0].no),
        (2, 0),
        "only the two allowed answers"
    );
    db.cleanup().await;
}

#[tokio::test]
async fn the_report_comes_least_helpful_first_and_purging_keeps_the_counts() {
    let db = TestDb::sqlite();
    db.add_moderator(MODERATOR, PASSWORD).await;
    let mut site = spawn_with(db.config()).await;
    for (slug, answer) in [
        ("sciatica", "yes"),
        ("sciatica", "yes"),
        ("heat-therapy", "no"),
        ("heat-therapy", "yes"),
        ("back-spasms", "no"),
    ] {
        let response = site
            .send(&answer_path(slug), encode(&[("helpful", answer)]))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    site.send(
        &comment_path("back-spasms"),
        encode(&[("helpful", "no"), ("comment", "=1+1, and \"quoted\"")]),
    )
    .await;

    let run = run_backcare(
        &["feedback", "report", "--csv", "--database-url", &db.url],
        "",
    )
    .await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let csv = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "article,yes,no,percent_helpful,recent_comments",
            "back-spasms,0,1,0,\"'=1+1, and \"\"quoted\"\"\"",
            "heat-therapy,1,1,50,",
            "sciatica,2,0,100,",
        ]
    );
    let run = run_backcare(
        &[
            "feedback",
            "report",
            "--since",
            "2999-01-01",
            "--database-url",
            &db.url,
        ],
        "",
    )
    .await;
    assert!(String::from_utf8_lossy(&run.stdout).ends_with("no answers yet\n"));
    let run = run_backcare(&["feedback", "report", "--since", "yesterday"], "").await;
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("write the date like 2027-01-31"));

    // Moderators see the same on the site; nobody else does.
    let (status, _) = site.page("/moderate/feedback").await;
    assert_ne!(status, StatusCode::OK);
    site.login(MODERATOR, PASSWORD).await;
    let (status, page) = site.page("/moderate/feedback").await;
    assert_eq!(status, StatusCode::OK);
    let articles = select_texts(&page, ".feedback-report tbody th > a");
    assert_eq!(articles.len(), 3);
    assert_eq!(
        select_texts(&page, ".feedback-report tbody td")[..3],
        ["0", "1", "0%"]
    );

    // Purging keeps the counts and deletes the comments.
    let storage = db.storage().await;
    let purged = storage
        .purge(time::OffsetDateTime::now_utc() + time::Duration::days(1))
        .await
        .unwrap();
    assert_eq!(purged.feedback_comments, 1);
    let mut report = storage.feedback_report(None, 3).await.unwrap();
    report.sort_by(|a, b| a.article_slug.cmp(&b.article_slug));
    assert_eq!(report.iter().map(|row| row.yes + row.no).sum::<i64>(), 5);
    assert!(report.iter().all(|row| row.recent_comments.is_empty()));
    storage.close().await;
    db.cleanup().await;
}
