use crate::helpers::{html, select_texts, spawn_app};

#[tokio::test]
async fn home_page_answers_with_one_h1() {
    let app = spawn_app().await;
    let (status, body) = app.get_text("/").await;
    assert_eq!(status, 200);
    let document = html(&body);
    assert_eq!(
        select_texts(&document, "h1"),
        ["Back cramps and back pain, explained"]
    );
}
