//! The moderation queue under load and what a take-down leaves behind, through the real server:
//! the queue is paged, a full queue turns new posts away with the text kept, and a removed
//! post's text, name and email are gone from the database and the export.

use backcare::discussion::commands;
use backcare::discussion::{DiscussionConfig, NewPost, RawPost};
use reqwest::StatusCode;
use time::OffsetDateTime;

use crate::discussion::{
    ARTICLE, MODERATOR, OTHER_ARTICLE, PASSWORD, TestDb, discussion_path, encode,
    on_both_databases, retry_after_seconds, spawn_with,
};
use crate::helpers::{count, html, select_attrs, select_texts};

on_both_databases!(
    the_queue_is_paged_oldest_first_with_counts_and_long_posts_previewed,
    a_full_queue_turns_new_posts_away_with_the_text_kept,
    a_removed_post_keeps_its_number_and_nothing_else,
);

/// Stores `count` pending posts straight into the database, as `count` readers would have.
async fn fill_queue(db: &TestDb, count: usize, long_at: usize) {
    let storage = db.storage().await;
    for n in 0..count {
        let text = if n == long_at {
            format!("A long post. {}", "My back hurts when I sit. ".repeat(40))
        } else {
            format!("Post number {n} about my back.")
        };
        let raw = RawPost {
            display_name: format!("Reader {n}"),
            text,
            ..RawPost::default()
        };
        let post = NewPost::parse(&raw).expect("a valid post");
        storage
            .add_post(
                ARTICLE,
                &post,
                // Two distinct digests per post, as a resend check would make them.
                &[format!("{n:032x}"), format!("{:032x}", n + count)],
                OffsetDateTime::now_utc(),
            )
            .await
            .expect("stored");
    }
    storage.close().await;
}

async fn the_queue_is_paged_oldest_first_with_counts_and_long_posts_previewed(db: &TestDb) {
    db.add_moderator(MODERATOR, PASSWORD).await;
    fill_queue(db, 120, 3).await;
    let mut site = spawn_with(db.config()).await;
    site.login(MODERATOR, PASSWORD).await;

    let (status, first) = site.page("/moderate").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&first, ".moderation-queue > li"), 50);
    let title = select_texts(&first, "title")[0].clone();
    assert!(
        title.starts_with("Posts waiting for a moderator (120)"),
        "{title}"
    );
    let counted = select_texts(&first, ".queue-count")[0].clone();
    assert!(
        counted.starts_with("120 waiting, oldest first; showing 1 to 50."),
        "{counted}"
    );
    let names = select_texts(&first, ".moderation-queue > li > h2 bdi");
    assert_eq!(names[0], "Reader 0");
    assert_eq!(names[49], "Reader 49");
    // The long post shows its start; the whole text is one click away, no script needed.
    assert_eq!(count(&first, ".moderation-queue .post-preview"), 1);
    assert_eq!(
        count(&first, ".moderation-queue details.post-full .post-text"),
        1
    );
    assert_eq!(
        select_attrs(&first, ".queue-pages a[rel=next]", "href"),
        ["/moderate?page=2"]
    );
    assert_eq!(count(&first, ".queue-pages a[rel=prev]"), 0);

    let (_, last) = site.page("/moderate?page=3").await;
    assert_eq!(count(&last, ".moderation-queue > li"), 20);
    assert_eq!(
        select_texts(&last, ".moderation-queue > li > h2 bdi")[0],
        "Reader 100"
    );
    assert_eq!(
        select_attrs(&last, ".queue-pages a[rel=prev]", "href"),
        ["/moderate?page=2"]
    );
    assert_eq!(count(&last, ".queue-pages a[rel=next]"), 0);
    // Pages past the end, and nonsense, are the nearest real page.
    for (query, first_name) in [("page=99", "Reader 100"), ("page=x", "Reader 0")] {
        let (status, page) = site.page(&format!("/moderate?{query}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            select_texts(&page, ".moderation-queue > li > h2 bdi")[0],
            first_name
        );
    }
}

async fn a_full_queue_turns_new_posts_away_with_the_text_kept(db: &TestDb) {
    db.add_moderator(MODERATOR, PASSWORD).await;
    let mut site = spawn_with(DiscussionConfig {
        pending_per_article: 2,
        pending_in_all: 3,
        ..db.config()
    })
    .await;
    site.post_ok(ARTICLE, "Jo", "First question.").await;
    site.post_ok(ARTICLE, "Sam", "Second question.").await;
    let busy = site.post(ARTICLE, "Ali", "A third, turned away.").await;
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(retry_after_seconds(&busy), 3600);
    let page = html(&busy.text().await.unwrap());
    assert!(
        select_texts(&page, ".error-summary")[0].contains("The discussion is busy"),
        "{:?}",
        select_texts(&page, ".error-summary")
    );
    assert_eq!(select_texts(&page, "textarea"), ["A third, turned away."]);

    // Another article has room of its own, until the queue is full in all.
    site.post_ok(OTHER_ARTICLE, "Ali", "On another page.").await;
    let busy = site.post(OTHER_ARTICLE, "Eve", "One too many.").await;
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);

    // Moderating makes room again.
    site.login(MODERATOR, PASSWORD).await;
    site.approve_all().await;
    site.post_ok(ARTICLE, "Ali", "A third, now taken.").await;
}

async fn a_removed_post_keeps_its_number_and_nothing_else(db: &TestDb) {
    db.add_moderator(MODERATOR, PASSWORD).await;
    let mut site = spawn_with(db.config()).await;
    let response = site
        .send(
            &discussion_path(ARTICLE),
            encode(&[
                ("display-name", "Jo Bloggs"),
                ("email", "jo@example.com"),
                (
                    "text",
                    "My neighbour Pat Smith at 12 High Street has this too.",
                ),
                ("website", ""),
            ]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    site.login(MODERATOR, PASSWORD).await;
    site.approve_all().await;
    let (status, page) = site.page("/moderate").await;
    assert_eq!(status, StatusCode::OK);
    let id: i64 = select_attrs(&page, ".recently-approved > li", "id")[0]
        .trim_start_matches("approved-")
        .parse()
        .unwrap();
    let response = site.decide(id, "remove").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let storage = db.storage().await;
    let mut export = Vec::new();
    commands::export(&storage, &mut export)
        .await
        .expect("export");
    storage.close().await;
    let export = String::from_utf8(export).unwrap();
    for gone in ["Jo Bloggs", "jo@example.com", "Pat Smith", "High Street"] {
        assert!(!export.contains(gone), "{gone} in {export}");
    }
    let line: serde_json::Value = serde_json::from_str(export.trim()).unwrap();
    assert_eq!(line["number"], 1);
    assert_eq!(line["removed_by"], MODERATOR);
    assert_eq!(
        site.shown(ARTICLE).await.len(),
        0,
        "no author or text under the article"
    );
    let article = site.article(ARTICLE).await;
    assert!(html_has(&article, "Post 1 was removed by a moderator."));
}

fn html_has(document: &scraper::Html, text: &str) -> bool {
    document
        .root_element()
        .text()
        .collect::<String>()
        .contains(text)
}
