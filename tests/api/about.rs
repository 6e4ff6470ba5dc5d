//! The site's own pages, `/about` and `/accessibility`: what they promise readers, the contact
//! address from configuration, and the footer links and home-page feature that lead to content.

use backcare::startup::ServeConfig;
use backcare::web::contact_email::DEFAULT_CONTACT_EMAIL;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};

use crate::helpers::{
    assert_layout, bundled_config, header_text, select_attrs, select_texts, selector, spawn_app,
    spawn_app_with, text_of,
};

fn main_text(document: &scraper::Html) -> String {
    document
        .select(&selector("main"))
        .map(text_of)
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn about_page_says_who_the_site_is_for_how_it_is_written_and_how_to_report_a_mistake() {
    let app = spawn_app().await;
    let response = app.get("/about").await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        header_text(&response, CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    assert!(header_text(&response, CACHE_CONTROL).starts_with("public"));
    let document = scraper::Html::parse_document(&response.text().await.expect("body"));
    assert_layout(&document, "/about");
    assert_eq!(select_texts(&document, "h1"), ["About backcare"]);
    assert_eq!(
        select_texts(&document, "main h2"),
        [
            "Who it is for",
            "It is not a diagnosis",
            "How articles are written",
            "Which sources count",
            "How pages are reviewed, and what the dates mean",
            "Report a mistake",
        ]
    );
    let text = main_text(&document);
    for promise in [
        "written for adults aged 16 and over",
        "written for parents and carers",
        "It cannot tell you what is wrong with you",
        "Every fact and every piece of advice must come from one of those sources",
        "Cochrane reviews",
        "Mayo Clinic",
        "Next review due",
    ] {
        assert!(text.contains(promise), "/about says {promise:?}: {text}");
    }
    assert!(
        select_attrs(&document, "main a", "href")
            .contains(&format!("mailto:{DEFAULT_CONTACT_EMAIL}")),
        "the default contact address is a mailto link"
    );
    assert!(
        select_attrs(&document, "main a", "href")
            .contains(&"/articles/back-pain-in-children".to_owned()),
        "links the page for parents"
    );
}

#[tokio::test]
async fn accessibility_statement_names_the_standard_the_tests_the_limits_and_the_contact() {
    let app = spawn_app().await;
    let document = app.get_page("/accessibility").await;
    assert_layout(&document, "/accessibility");
    assert_eq!(select_texts(&document, "h1"), ["Accessibility statement"]);
    let text = main_text(&document);
    for claim in [
        "WCAG) version 2.2 at level AA",
        "axe",
        "keyboard",
        "JavaScript turned off",
        "320 pixels",
        "Lighthouse",
        "What we know is not yet right",
    ] {
        assert!(
            text.contains(claim),
            "/accessibility says {claim:?}: {text}"
        );
    }
    assert!(
        select_attrs(&document, "main a", "href")
            .contains(&format!("mailto:{DEFAULT_CONTACT_EMAIL}"))
    );
}

#[tokio::test]
async fn the_contact_address_comes_from_configuration() {
    let app = spawn_app_with(ServeConfig {
        contact_email: "editor@nhs-trust.example".parse().expect("valid address"),
        ..bundled_config()
    })
    .await;
    for path in ["/about", "/accessibility"] {
        let document = app.get_page(path).await;
        let links = select_attrs(&document, "main a[href^='mailto:']", "href");
        assert_eq!(links, ["mailto:editor@nhs-trust.example"], "{path}");
        assert!(
            !main_text(&document).contains(DEFAULT_CONTACT_EMAIL),
            "{path}"
        );
    }
}

#[tokio::test]
async fn every_page_footer_links_about_and_accessibility() {
    let app = spawn_app().await;
    for path in ["/", "/articles/sciatica", "/symptom-checker", "/about"] {
        let document = app.get_page(path).await;
        let footer_links = select_attrs(&document, "footer a", "href");
        assert!(
            footer_links.contains(&"/about".to_owned()),
            "{path}: {footer_links:?}"
        );
        assert!(
            footer_links.contains(&"/accessibility".to_owned()),
            "{path}: {footer_links:?}"
        );
    }
}

#[tokio::test]
async fn the_home_page_features_what_causes_back_cramps_above_the_topics() {
    let app = spawn_app().await;
    let document = app.get_page("/").await;
    assert_eq!(
        select_attrs(&document, "main .callout-featured h2 a", "href"),
        ["/articles/what-causes-back-cramps"]
    );
    assert_eq!(
        select_texts(&document, "main .callout-featured h2"),
        ["What causes back cramps?"]
    );
    // Featured before the first topic section, so it is seen without scrolling past the lists.
    let body = document.root_element().html();
    let featured = body.find("callout-featured").expect("featured");
    let first_topic = body.find("class=\"topic\"").expect("topics");
    assert!(featured < first_topic);
}
