//! The symptom checker through the real server: the form, a result for each urgency, the 422
//! error summary, refused requests, "how it works", and the article that shares its rules.

use std::collections::BTreeSet;

use backcare::triage::{
    Answers, Outcome, RULES, RawAnswers, Service, Urgency, assess, check, linked_articles,
    rules_for, rules_for_service, vignette_report, vignettes,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::Method;
use reqwest::header::{ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE};
use scraper::{ElementRef, Html};

use crate::helpers::{
    FORM_CONTENT_TYPE, TestApp, assert_layout, count, header_text, html, raw_request, select_attrs,
    select_texts, selector, spawn_app, text_of,
};

const CHECKER: &str = "/symptom-checker";
const CHANGE: &str = "/symptom-checker/change";
const HOW_IT_WORKS: &str = "/symptom-checker/how-it-works";
const HTML_TYPE: &str = "text/html; charset=utf-8";
const MAX_BODY_BYTES: usize = 16 * 1024;

/// Every question in form order: field name, input type and the values it may post. Spelled
/// out rather than read from the code, so renaming a value (which breaks saved vignettes and
/// anyone's bookmarked form) has to be done here on purpose too.
const FIELDS: &[(&str, &str, &[&str])] = &[
    (
        "warning",
        "checkbox",
        &[
            "saddle-numbness",
            "bladder-bowel",
            "both-legs",
            "sexual-problems",
            "chest-pain",
            "breathlessness",
            "tearing-pain",
            "faint-or-clammy",
            "confused-or-drowsy",
            "major-trauma",
            "walking-difficulty",
            "none",
        ],
    ),
    ("location", "radio", &["lower", "middle", "upper"]),
    ("onset", "radio", &["sudden", "hours", "gradual"]),
    (
        "duration",
        "radio",
        &["under-1-week", "1-6-weeks", "6-12-weeks", "over-12-weeks"],
    ),
    ("severity", "text", &[""]),
    ("age", "text", &[""]),
    ("pregnant", "radio", &["yes", "recently", "no", "not-sure"]),
    (
        "trigger",
        "checkbox",
        &["lifting", "exercise", "posture", "injury", "menstruation"],
    ),
    (
        "symptom",
        "checkbox",
        &[
            "leg-weakness",
            "leg-numbness",
            "sciatica",
            "fever",
            "weight-loss",
            "night-pain",
            "cough-worse",
            "back-lump",
            "worsening",
            "urinary",
            "blood-in-pee",
            "vomiting",
            "abdominal-pain",
            "pulsing-tummy",
            "band-like-pain",
            "worse-lying-down",
            "morning-stiffness",
            "buttock-pain",
            "struggling-to-cope",
            "none",
        ],
    ),
    (
        "history",
        "checkbox",
        &[
            "cancer-history",
            "osteoporosis",
            "steroids",
            "weak-immune-system",
            "injects-drugs",
            "recent-spine-surgery",
            "known-aneurysm",
            "smoker",
            "blood-thinners",
            "none",
        ],
    ),
    (
        "eased_by",
        "checkbox",
        &["rest", "movement", "heat", "nothing"],
    ),
];

/// One typical set of answers per urgency, with the service and headline a reader must see.
struct UrgencyCase {
    urgency: &'static str,
    service: &'static str,
    headline: &'static str,
    form: &'static str,
}

const URGENCY_CASES: &[UrgencyCase] = &[
    UrgencyCase {
        urgency: "emergency",
        service: "go-to-ae",
        headline: "Go to A&E now",
        form: "warning=saddle-numbness&location=lower&onset=gradual&duration=under-1-week&severity=2&age=35\
               &pregnant=no&trigger=lifting&symptom=sciatica&history=none&eased_by=rest",
    },
    UrgencyCase {
        urgency: "urgent",
        service: "111-or-gp-today",
        headline: "Get help today: call 111 or your GP surgery",
        form: "warning=none&location=lower&onset=sudden&duration=under-1-week&severity=5&age=40\
               &pregnant=no&symptom=fever&symptom=urinary&history=none",
    },
    UrgencyCase {
        urgency: "soon",
        service: "gp-or-physio",
        headline: "See a GP or physiotherapist within 2 weeks",
        form: "warning=none&location=lower&onset=gradual&duration=over-12-weeks&severity=4&age=45\
               &pregnant=no&trigger=posture&symptom=none&history=none&eased_by=movement&eased_by=heat",
    },
    UrgencyCase {
        urgency: "self-care",
        service: "self-care",
        headline: "You can probably look after this yourself",
        form: "warning=none&location=lower&onset=sudden&duration=under-1-week&severity=3&age=30\
               &pregnant=no&trigger=lifting&trigger=exercise&symptom=none&history=none&eased_by=heat",
    },
];

/// A complete, valid form to pad or break in tests that are about something else.
const VALID_FORM: &str = "warning=none&location=lower&onset=gradual&duration=under-1-week&severity=3&age=40&pregnant=no&symptom=none&history=none";

// ---- Shared steps -------------------------------------------------------------------------

/// The (name, value) pairs of a form-encoded body, as a set: the order fields arrive in does
/// not matter to the checker.
fn form_pairs(body: &str) -> BTreeSet<(String, String)> {
    serde_html_form::from_str::<Vec<(String, String)>>(body)
        .expect("test bodies are form-encoded")
        .into_iter()
        .collect()
}

fn parse_answers(form: &str) -> Answers {
    let raw: RawAnswers = serde_html_form::from_str(form).expect("test form is well formed");
    Answers::parse(&raw).unwrap_or_else(|incomplete| panic!("{form}: {incomplete:?}"))
}

fn pairs(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter()
        .map(|&(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// Reads the response as a page only the person who sent the answers should see.
async fn private_page(response: reqwest::Response, status: u16, context: &str) -> Html {
    assert_eq!(response.status(), status, "{context}");
    assert_eq!(header_text(&response, CONTENT_TYPE), HTML_TYPE, "{context}");
    assert_eq!(
        header_text(&response, CACHE_CONTROL),
        "no-store",
        "{context}: answers are health data and must not be cached"
    );
    html(&response.text().await.expect("body is text"))
}

async fn post_result(app: &TestApp, form: &str) -> Html {
    private_page(app.post_form(CHECKER, form).await, 200, form).await
}

/// A 422: the form again, with its error summary.
async fn post_invalid(app: &TestApp, body: &[u8]) -> Html {
    let context = String::from_utf8_lossy(body).into_owned();
    let response = app
        .post(CHECKER, Some(FORM_CONTENT_TYPE), body.to_vec())
        .await;
    private_page(response, 422, &context).await
}

/// The refused request gets the site's error page for `status`: HTML, a heading that says
/// what happened and a sentence saying what to do.
async fn assert_refused(response: reqwest::Response, status: u16, heading: &str, context: &str) {
    assert_eq!(response.status(), status, "{context}");
    assert_eq!(header_text(&response, CONTENT_TYPE), HTML_TYPE, "{context}");
    let document = html(&response.text().await.expect("body is text"));
    assert_refusal_page(&document, heading, context);
}

fn assert_refusal_page(document: &Html, heading: &str, context: &str) {
    assert_eq!(select_texts(document, "h1"), [heading], "{context}");
    let message = select_texts(document, "main p.lead");
    assert!(
        message.len() == 1 && message[0].ends_with('.'),
        "{context}: a clear message under the heading: {message:?}"
    );
}

/// The checker form's structure, wherever it appears (blank, after an error, or to change
/// answers): one POST form, each question a fieldset with a legend, every input labelled,
/// and exactly the field names and choice values of `FIELDS`.
fn assert_checker_form(document: &Html, context: &str) {
    let forms: Vec<ElementRef> = document
        .select(&selector("form[method=post][action=\"/symptom-checker\"]"))
        .collect();
    assert_eq!(forms.len(), 1, "{context}: one checker form");
    let form = forms[0];

    let fieldsets: Vec<ElementRef> = form.select(&selector("fieldset")).collect();
    assert_eq!(
        fieldsets.len(),
        FIELDS.len(),
        "{context}: one fieldset per question"
    );
    for (fieldset, &(field, input_type, values)) in fieldsets.iter().zip(FIELDS) {
        let legends: Vec<String> = fieldset.select(&selector("legend")).map(text_of).collect();
        assert!(
            legends.len() == 1 && legends[0].ends_with('?'),
            "{context}: {field} has a question as its legend: {legends:?}"
        );
        let inputs: Vec<_> = fieldset.select(&selector("input")).collect();
        for input in &inputs {
            assert_eq!(input.value().attr("name"), Some(field), "{context}");
            assert_eq!(input.value().attr("type"), Some(input_type), "{context}");
        }
        if input_type != "text" {
            let posted: Vec<&str> = inputs
                .iter()
                .filter_map(|input| input.value().attr("value"))
                .collect();
            assert_eq!(posted, values, "{context}: {field} values");
        } else {
            assert_eq!(inputs.len(), 1, "{context}: {field} is one text box");
        }
    }

    let inputs: Vec<ElementRef> = form.select(&selector("input:not([type=hidden])")).collect();
    assert_eq!(
        inputs.len(),
        FIELDS
            .iter()
            .map(|(_, _, values)| values.len())
            .sum::<usize>(),
        "{context}: every input is inside a question"
    );
    for input in inputs {
        let id = input
            .value()
            .attr("id")
            .unwrap_or_else(|| panic!("{context}: input without an id: {:?}", input.html()));
        let labels = select_texts(document, &format!("label[for=\"{id}\"]"));
        assert!(
            labels.len() == 1 && !labels[0].is_empty(),
            "{context}: #{id} has one label: {labels:?}"
        );
    }
}

/// What the form currently holds: checked radios and checkboxes, and typed text.
fn form_answers(document: &Html) -> BTreeSet<(String, String)> {
    document
        .select(&selector("form[action=\"/symptom-checker\"] input"))
        .filter_map(|input| {
            let input = input.value();
            let name = input.attr("name")?;
            let value = input.attr("value").unwrap_or_default();
            let filled = match input.attr("type") {
                Some("radio" | "checkbox") => input.attr("checked").is_some(),
                _ => !value.is_empty(),
            };
            filled.then(|| (name.to_owned(), value.to_owned()))
        })
        .collect()
}

/// The GOV.UK error pattern, checked in full; returns each summary link's target id and message.
fn assert_error_summary(document: &Html, context: &str) -> Vec<(String, String)> {
    let title = select_texts(document, "head > title");
    assert!(
        title.len() == 1 && title[0].starts_with("Error: "),
        "{context}: title {title:?}"
    );
    let summaries: Vec<ElementRef> = document.select(&selector("main .error-summary")).collect();
    assert_eq!(summaries.len(), 1, "{context}: one error summary");
    let summary = summaries[0];
    assert_eq!(summary.value().attr("role"), Some("alert"), "{context}");
    let title: Vec<String> = summary.select(&selector("h2")).map(text_of).collect();
    assert_eq!(title, ["There is a problem"], "{context}");

    let links: Vec<(String, String)> = summary
        .select(&selector("li a"))
        .map(|a| {
            let href = a.value().attr("href").unwrap_or_default();
            let target = href
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("{context}: summary link {href:?} is not an anchor"));
            (target.to_owned(), text_of(a))
        })
        .collect();
    assert!(!links.is_empty(), "{context}: the summary lists problems");
    for (target, message) in &links {
        let inputs: Vec<ElementRef> = document
            .select(&selector(&format!("form input[id=\"{target}\"]")))
            .collect();
        assert_eq!(inputs.len(), 1, "{context}: #{target} is an input");
        let field = inputs[0].value().attr("name").expect("inputs have names");
        assert_eq!(
            select_texts(document, &format!("#{field}-error")),
            [format!("Error: {message}")],
            "{context}: the same message beside {field}"
        );
        assert_eq!(
            select_texts(document, &format!("#{field}-error .visually-hidden")),
            ["Error:"],
            "{context}: {field}"
        );
    }
    assert_eq!(
        count(document, "form .error-message"),
        links.len(),
        "{context}: every message beside a field is in the summary"
    );
    links
}

/// Builds a chunked POST by hand: reqwest sends a Content-Length for every body it can.
fn chunked_post(path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM_CONTENT_TYPE}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    for chunk in body.chunks(1024) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    request
}

/// A valid form padded with an unknown field (which the checker ignores) to exactly `size` bytes.
fn valid_form_of_size(size: usize) -> String {
    let prefix = format!("{VALID_FORM}&padding=");
    format!("{prefix}{}", "a".repeat(size - prefix.len()))
}

// ---- The form -----------------------------------------------------------------------------

#[tokio::test]
async fn form_asks_every_question_in_a_labelled_fieldset_with_nothing_preselected() {
    let app = spawn_app().await;
    let document = app.get_page(CHECKER).await;
    assert_checker_form(&document, CHECKER);
    assert_eq!(
        form_answers(&document),
        BTreeSet::new(),
        "nothing pre-selected"
    );
    assert_eq!(count(&document, ".error-summary, .error-message"), 0);
    assert_eq!(
        select_texts(&document, "main form button[type=submit]").len(),
        1,
        "one submit button"
    );
}

#[tokio::test]
async fn head_on_the_form_matches_get_without_a_body() {
    let app = spawn_app().await;
    let get = app.get(CHECKER).await;
    let head = app.request(Method::HEAD, CHECKER).await;
    assert_eq!(get.status(), 200);
    assert_eq!(head.status(), 200);
    assert_eq!(
        header_text(&head, CONTENT_LENGTH),
        header_text(&get, CONTENT_LENGTH)
    );
    assert_eq!(header_text(&head, CONTENT_TYPE), HTML_TYPE);
    assert!(head.bytes().await.expect("head body").is_empty());
}

// ---- Results ------------------------------------------------------------------------------

#[tokio::test]
async fn each_urgency_shows_exactly_one_marked_result_with_its_headline() {
    let app = spawn_app().await;
    for case in URGENCY_CASES {
        let document = post_result(&app, case.form).await;
        let marked: Vec<ElementRef> = document.select(&selector("[data-urgency]")).collect();
        assert_eq!(marked.len(), 1, "{}: one urgency on the page", case.urgency);
        assert_eq!(
            marked[0].value().attr("data-urgency"),
            Some(case.urgency),
            "{}",
            case.form
        );
        let headline = marked[0]
            .select(&selector("h2"))
            .map(text_of)
            .next()
            .unwrap_or_default();
        assert!(
            headline.ends_with(case.headline),
            "{}: headline {headline:?}",
            case.urgency
        );
        assert_eq!(
            select_attrs(&document, "[data-service]", "data-service"),
            [case.service],
            "{}: one service on the page",
            case.urgency
        );
    }
}

#[tokio::test]
async fn result_explains_why_and_gives_articles_safety_net_and_the_answers() {
    let app = spawn_app().await;
    for case in URGENCY_CASES {
        let context = case.urgency;
        let answers = parse_answers(case.form);
        let expected = assess(&answers);
        let document = post_result(&app, case.form).await;

        assert_eq!(
            select_texts(&document, "#why-heading"),
            ["Why we say this"],
            "{context}"
        );
        // The result's own level first; lower levels collapsed below it.
        let main_rules: Vec<&str> = expected
            .main_reasons()
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        let other_rules: Vec<&str> = expected
            .other_reasons()
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(
            select_attrs(&document, "section > ul.reasons > li", "data-rule"),
            main_rules,
            "{context}"
        );
        assert_eq!(
            select_attrs(
                &document,
                "details.other-reasons ul.reasons > li",
                "data-rule"
            ),
            other_rules,
            "{context}"
        );
        if !other_rules.is_empty() {
            assert_eq!(
                select_texts(&document, "details.other-reasons > summary"),
                ["Also worth mentioning to the doctor"]
            );
        }
        let reasons = select_texts(&document, "ul.reasons > li");
        for (reason, rule) in reasons.iter().zip(&expected.fired) {
            assert!(reason.starts_with(rule.reason), "{context}: {}", rule.id);
        }
        let sources: Vec<&str> = expected.fired.iter().map(|r| r.source.url).collect();
        assert_eq!(
            select_attrs(&document, "ul.reasons > li a", "href"),
            sources,
            "{context}"
        );
        let advice: Vec<&str> = expected.advice.iter().map(|a| a.id).collect();
        assert_eq!(
            select_attrs(&document, "[data-advice]", "data-advice"),
            advice,
            "{context}"
        );

        let articles = select_attrs(
            &document,
            "section[aria-labelledby=read-heading] ul.article-list > li > a",
            "href",
        );
        // A 999 result links only to help and cause articles, so it may have just one.
        let fewest = if case.urgency == "emergency" { 1 } else { 2 };
        assert!(
            (fewest..=4).contains(&articles.len()),
            "{context}: {articles:?}"
        );
        let chosen: Vec<String> = expected
            .articles
            .iter()
            .map(|slug| format!("/articles/{slug}"))
            .collect();
        assert_eq!(articles, chosen, "{context}");
        for href in &articles {
            assert_eq!(app.get(href).await.status(), 200, "{context}: {href}");
        }

        let safety_net = select_texts(&document, "section.safety-net li");
        assert_eq!(safety_net, expected.safety_net, "{context}");
        assert!(
            safety_net.iter().any(|line| line.contains("999")),
            "{context}"
        );

        let summary = answers.summary();
        let questions: Vec<&str> = summary.iter().map(|(q, _)| *q).collect();
        let given: Vec<&str> = summary.iter().map(|(_, a)| a.as_ref()).collect();
        assert_eq!(
            select_texts(&document, "dl.summary-list dt"),
            questions,
            "{context}"
        );
        assert_eq!(
            select_texts(&document, "dl.summary-list dd"),
            given,
            "{context}"
        );

        assert!(
            count(&document, "main a[href=\"/symptom-checker/how-it-works\"]") >= 1,
            "{context}: links how the checker decides"
        );
        let disclaimer = select_texts(&document, "main .result-disclaimer");
        assert!(
            disclaimer.len() == 1 && disclaimer[0].contains("not a diagnosis"),
            "{context}: {disclaimer:?}"
        );
    }
}

#[tokio::test]
async fn change_your_answers_brings_back_the_form_filled_in() {
    let app = spawn_app().await;
    for case in URGENCY_CASES {
        let context = case.urgency;
        let result = post_result(&app, case.form).await;
        let forms: Vec<ElementRef> = result
            .select(&selector(
                "form[method=post][action=\"/symptom-checker/change\"]",
            ))
            .collect();
        assert_eq!(forms.len(), 1, "{context}: one change form");
        let button: Vec<String> = forms[0].select(&selector("button")).map(text_of).collect();
        assert_eq!(button, ["Change your answers"], "{context}");
        let hidden: Vec<(&str, &str)> = forms[0]
            .select(&selector("input[type=hidden]"))
            .map(|input| {
                let input = input.value();
                (
                    input.attr("name").unwrap_or_default(),
                    input.attr("value").unwrap_or_default(),
                )
            })
            .collect();
        let body = serde_html_form::to_string(&hidden).expect("hidden fields encode");

        let response = app.post_form(CHANGE, &body).await;
        let form = private_page(response, 200, context).await;
        assert_checker_form(&form, context);
        assert_eq!(count(&form, ".error-summary"), 0, "{context}");
        assert_eq!(
            form_answers(&form),
            form_pairs(case.form),
            "{context}: exactly the original answers are filled in"
        );
    }
}

#[tokio::test]
async fn every_vignette_gets_the_same_result_through_the_server_with_no_under_triage() {
    let app = spawn_app().await;
    let report = vignette_report();
    let all = vignettes();
    assert!(all.len() >= 80);
    let mut failures = Vec::new();
    for (vignette, expected) in all.iter().zip(&report.results) {
        let body = serde_html_form::to_string(&vignette.answers).expect("answers encode");
        let response = app.post_form(CHECKER, &body).await;
        let status = response.status();
        let document = html(&response.text().await.expect("body"));
        let service = select_attrs(&document, "[data-service]", "data-service");
        let urgency = select_attrs(&document, "[data-urgency]", "data-urgency");
        let got = Service::from_value(service.first().map_or("", String::as_str));
        let shown_forbidden: Vec<String> = select_attrs(&document, "[data-advice]", "data-advice")
            .into_iter()
            .filter(|id| vignette.forbid_advice.contains(id))
            .collect();
        let under = got.is_none_or(|got| got.urgency() < vignette.expected.urgency());
        if status != 200
            || service.len() != 1
            || urgency != [got.map_or("", |s| s.urgency().value())]
            || got != expected.got
            || under
            || !shown_forbidden.is_empty()
        {
            failures.push(format!(
                "{:?}: expected {}, got {status} {service:?} {urgency:?}, forbidden advice shown {shown_forbidden:?}, for {body}",
                vignette.name,
                vignette.expected.value()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vignettes failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    assert_eq!(report.under_triaged, 0);
}

#[tokio::test]
async fn every_article_the_checker_can_recommend_is_served() {
    let app = spawn_app().await;
    for slug in linked_articles() {
        let path = format!("/articles/{slug}");
        assert_eq!(app.get(&path).await.status(), 200, "{path}");
    }
}

// ---- Answers to fix (422) -----------------------------------------------------------------

/// A form the checker cannot assess: the summary links it must show (target id, message),
/// in order, and answers that must still be filled in.
struct Invalid {
    body: &'static [u8],
    problems: &'static [(&'static str, &'static str)],
    kept: &'static [(&'static str, &'static str)],
}

const SELECT_LOCATION: &str = "Select where the pain is";
const LOCATION_UNLISTED: &str = "Select where the pain is from the options listed";
const SEVERITY_NUMBER: &str = "Enter how bad the pain is as a number from 0 to 10";
const AGE_NUMBER: &str = "Enter your age as a number from 0 to 120";
const SELECT_WARNING: &str = "Select any of these signs you have now, or 'None of these'";
const SELECT_PREGNANT: &str = "Select whether you are pregnant";
const SELECT_SYMPTOMS: &str = "Select the symptoms you have, or 'None of these'";
const SELECT_HISTORY: &str = "Select any of these that apply to you, or 'None of these'";

const INVALID: &[Invalid] = &[
    Invalid {
        body: b"",
        problems: &[
            ("warning-saddle-numbness", SELECT_WARNING),
            ("location-lower", SELECT_LOCATION),
            ("onset-sudden", "Select how the pain started"),
            (
                "duration-under-1-week",
                "Select how long you have had the pain",
            ),
            ("severity", SEVERITY_NUMBER),
            ("age", AGE_NUMBER),
            ("pregnant-yes", SELECT_PREGNANT),
            ("symptom-leg-weakness", SELECT_SYMPTOMS),
            ("history-cancer-history", SELECT_HISTORY),
        ],
        kept: &[],
    },
    // A blank symptom or history list is not a "no".
    Invalid {
        body: b"warning=none&location=lower&onset=gradual&duration=1-6-weeks&severity=4&age=30&pregnant=no",
        problems: &[
            ("symptom-leg-weakness", SELECT_SYMPTOMS),
            ("history-cancer-history", SELECT_HISTORY),
        ],
        kept: &[
            ("warning", "none"),
            ("location", "lower"),
            ("onset", "gradual"),
            ("duration", "1-6-weeks"),
            ("severity", "4"),
            ("age", "30"),
            ("pregnant", "no"),
        ],
    },
    Invalid {
        body: b"warning=none&location=side&onset=gradual&duration=1-6-weeks&severity=4&age=30\
                &pregnant=no&symptom=fever&symptom=hiccups&history=none&eased_by=heat",
        problems: &[
            ("location-lower", LOCATION_UNLISTED),
            ("symptom-leg-weakness", "Select only the symptoms listed"),
        ],
        kept: &[
            ("onset", "gradual"),
            ("duration", "1-6-weeks"),
            ("severity", "4"),
            ("age", "30"),
            ("symptom", "fever"),
            ("eased_by", "heat"),
        ],
    },
    Invalid {
        body: b"warning=none&location=lower&onset=sudden&duration=under-1-week&severity=5&age=50\
                &pregnant=no&symptom=none&symptom=fever&history=none&history=steroids",
        problems: &[
            (
                "symptom-leg-weakness",
                "Select the symptoms you have, or 'None of these', not both",
            ),
            (
                "history-cancer-history",
                "Select the ones that apply to you, or 'None of these', not both",
            ),
        ],
        kept: &[("onset", "sudden"), ("symptom", "fever"), ("history", "steroids")],
    },
    Invalid {
        body: b"warning=none&location=lower&location=upper&onset=sudden&duration=under-1-week\
                &severity=5&age=50&pregnant=no&trigger=injury&symptom=none&history=none",
        problems: &[(
            "location-lower",
            "Select one answer only for where the pain is",
        )],
        kept: &[
            ("onset", "sudden"),
            ("duration", "under-1-week"),
            ("severity", "5"),
            ("age", "50"),
            ("trigger", "injury"),
        ],
    },
    Invalid {
        body: b"warning=none&location=middle&onset=sudden&duration=under-1-week&severity=bad&age=forty\
                &pregnant=no&symptom=none&history=none",
        problems: &[("severity", SEVERITY_NUMBER), ("age", AGE_NUMBER)],
        kept: &[
            ("location", "middle"),
            ("severity", "bad"),
            ("age", "forty"),
        ],
    },
    Invalid {
        body: b"warning=none&location=lower&onset=gradual&duration=under-1-week&severity=11&age=121\
                &pregnant=maybe&symptom=none&history=none",
        problems: &[
            ("severity", SEVERITY_NUMBER),
            ("age", AGE_NUMBER),
            (
                "pregnant-yes",
                "Select whether you are pregnant from the options listed",
            ),
        ],
        kept: &[("location", "lower"), ("severity", "11"), ("age", "121")],
    },
    // Invalid UTF-8, percent-encoded and raw: an answer to fix, never a server error.
    Invalid {
        body: b"warning=none&location=%FF%FE&onset=gradual&duration=under-1-week&severity=2&age=30\
                &pregnant=no&symptom=none&history=none",
        problems: &[("location-lower", LOCATION_UNLISTED)],
        kept: &[("onset", "gradual"), ("age", "30")],
    },
    Invalid {
        body: b"warning=none&location=\xff\xfe&onset=gradual&duration=under-1-week&severity=2&age=3\xc3\
                &pregnant=no&symptom=none&history=none",
        problems: &[("location-lower", LOCATION_UNLISTED), ("age", AGE_NUMBER)],
        kept: &[("onset", "gradual"), ("severity", "2")],
    },
];

#[tokio::test]
async fn answers_to_fix_get_422_with_every_problem_linked_and_valid_answers_kept() {
    let app = spawn_app().await;
    for case in INVALID {
        let context = String::from_utf8_lossy(case.body).into_owned();
        let document = post_invalid(&app, case.body).await;
        let links = assert_error_summary(&document, &context);
        let expected: Vec<(String, String)> = case
            .problems
            .iter()
            .map(|&(target, message)| (target.to_owned(), message.to_owned()))
            .collect();
        assert_eq!(links, expected, "{context}");
        assert_checker_form(&document, &context);
        let filled = form_answers(&document);
        let kept = pairs(case.kept);
        assert!(
            kept.is_subset(&filled),
            "{context}: kept {kept:?}, form holds {filled:?}"
        );
        if case.kept.is_empty() {
            assert_eq!(filled, BTreeSet::new(), "{context}: nothing made up");
        }
    }
}

#[tokio::test]
async fn an_emergency_sign_in_an_unfinished_form_gets_the_result_at_once() {
    let app = spawn_app().await;
    for (body, service) in [
        (
            "warning=saddle-numbness&warning=chest-pain&age=",
            "call-999",
        ),
        ("warning=both-legs", "go-to-ae"),
        (
            "warning=none&warning=faint-or-clammy&location=sideways",
            "call-999",
        ),
        ("warning=bogus&warning=tearing-pain", "call-999"),
    ] {
        let document = post_result(&app, body).await;
        assert_eq!(
            select_attrs(&document, "[data-urgency]", "data-urgency"),
            ["emergency"],
            "{body}"
        );
        assert_eq!(
            select_attrs(&document, "[data-service]", "data-service"),
            [service],
            "{body}"
        );
        assert_eq!(
            count(&document, ".error-summary"),
            0,
            "{body}: never held behind a 422"
        );
        assert!(
            select_attrs(&document, "[data-advice]", "data-advice")
                .iter()
                .all(|id| !["heat", "stay-active", "anti-inflammatories"].contains(&id.as_str())),
            "{body}"
        );
    }
    let both = post_result(&app, "warning=saddle-numbness&warning=chest-pain").await;
    assert_eq!(
        count(&both, "section > ul.reasons > li"),
        2,
        "both signs are named"
    );

    // Without an emergency sign the unfinished form is a form to fix.
    let document = post_invalid(&app, b"symptom=fever&age=").await;
    assert_eq!(document.select(&selector("[data-urgency]")).count(), 0);
}

/// The (name, value) pairs of the hidden inputs inside `element`: the answers a page carries.
fn hidden_answers(element: ElementRef) -> BTreeSet<(String, String)> {
    element
        .select(&selector("input[type=hidden]"))
        .map(|input| {
            let input = input.value();
            (
                input.attr("name").unwrap_or_default().to_owned(),
                input.attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A complete form for someone who may be pregnant, without the follow-up answered.
const PREGNANT_FORM: &str = "warning=none&location=lower&onset=gradual&duration=under-1-week&severity=4&age=31&pregnant=yes&symptom=none&history=none";

#[tokio::test]
async fn pregnancy_signs_are_asked_on_a_follow_up_page_that_keeps_the_answers_in_the_body() {
    let app = spawn_app().await;
    for pregnant in ["yes", "not-sure"] {
        let form = PREGNANT_FORM.replace("pregnant=yes", &format!("pregnant={pregnant}"));
        let page = post_result(&app, &form).await;
        assert_eq!(count(&page, "[data-step=pregnancy]"), 1, "{pregnant}");
        assert_eq!(
            count(&page, "[data-urgency]"),
            0,
            "{pregnant}: no result yet"
        );
        let forms: Vec<ElementRef> = page
            .select(&selector("form[method=post][action=\"/symptom-checker\"]"))
            .collect();
        assert_eq!(forms.len(), 1);
        assert_eq!(
            hidden_answers(forms[0]),
            form_pairs(&form),
            "every answer so far is carried"
        );
        let signs = select_attrs(&page, "input[name=pregnancy_sign]", "value");
        assert_eq!(
            signs,
            [
                "contractions",
                "waters-breaking",
                "vaginal-bleeding",
                "baby-moving-less",
                "headache-vision-swelling",
                "shoulder-tip-pain",
                "fever-or-shivering",
                "none"
            ]
        );
        // How far along is asked only of those who said yes.
        let weeks = select_attrs(
            &page,
            "[data-step=pregnancy] input[name=pregnancy_weeks]",
            "value",
        );
        if pregnant == "yes" {
            assert_eq!(
                weeks,
                ["under-12", "12-to-23", "24-to-36", "37-plus", "not-sure"]
            );
        } else {
            assert!(weeks.is_empty(), "{pregnant}: {weeks:?}");
        }
        assert_layout(&page, "follow-up");
    }

    // Answering it gives the result; back labour goes to the maternity unit, not 999.
    let labour = post_result(
        &app,
        &format!("{PREGNANT_FORM}&pregnancy_sign=contractions"),
    )
    .await;
    assert_eq!(
        select_attrs(&labour, "[data-service]", "data-service"),
        ["maternity-unit"]
    );
    let headline = select_texts(&labour, "[data-service] span");
    assert_eq!(headline, ["Call your maternity unit now"]);
    let calm = post_result(&app, &format!("{PREGNANT_FORM}&pregnancy_sign=none")).await;
    assert_eq!(
        select_attrs(&calm, "[data-service]", "data-service"),
        ["gp-or-physio"]
    );
    assert!(
        !select_attrs(&calm, "[data-advice]", "data-advice")
            .contains(&"anti-inflammatories".to_owned())
    );

    // A sign ticked with "None of these" wins, as on the emergency screen.
    let both = post_result(
        &app,
        &format!("{PREGNANT_FORM}&pregnancy_sign=none&pregnancy_sign=contractions"),
    )
    .await;
    assert_eq!(
        select_attrs(&both, "[data-service]", "data-service"),
        ["maternity-unit"]
    );
    // A follow-up answered wrongly is fixed on the follow-up page.
    let response = app
        .post_form(
            CHECKER,
            &format!("{PREGNANT_FORM}&pregnancy_sign=sometimes"),
        )
        .await;
    let page = private_page(response, 422, "an unlisted sign").await;
    assert_eq!(count(&page, "[data-step=pregnancy]"), 1);
    assert_error_summary(&page, "pregnancy follow-up");
}

#[tokio::test]
async fn markup_typed_into_a_box_comes_back_as_text() {
    let app = spawn_app().await;
    let typed = "<script>alert(1)</script>";
    let body = VALID_FORM.replace("age=40", &format!("age={typed}"));
    let response = app.post_form(CHECKER, &body).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("body");
    assert!(!page.contains("<script>alert"), "echoed unescaped");
    let document = html(&page);
    assert_eq!(count(&document, "script"), 0);
    assert_eq!(select_attrs(&document, "input#age", "value"), [typed]);
}

// ---- Refused requests ---------------------------------------------------------------------

const TOO_LARGE: &str = "Too much information was sent";
const NOT_A_FORM: &str = "Send your answers with the form";
const WRONG_METHOD: &str = "This page cannot be used that way";

#[tokio::test]
async fn bodies_over_16_kib_get_413_whether_declared_or_chunked() {
    let app = spawn_app().await;
    let at_limit = valid_form_of_size(MAX_BODY_BYTES);
    let over_limit = valid_form_of_size(MAX_BODY_BYTES + 1);

    assert_eq!(
        app.post_form(CHECKER, &at_limit).await.status(),
        200,
        "16 KiB exactly is read and assessed"
    );
    for path in [CHECKER, CHANGE] {
        let response = app.post_form(path, &over_limit).await;
        assert_refused(response, 413, TOO_LARGE, path).await;
    }

    let (status, _) = raw_request(&app, &chunked_post(CHECKER, at_limit.as_bytes())).await;
    assert_eq!(status, 200, "chunked, 16 KiB exactly");
    for path in [CHECKER, CHANGE] {
        let (status, response) =
            raw_request(&app, &chunked_post(path, over_limit.as_bytes())).await;
        assert_eq!(status, 413, "chunked {path}");
        let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        assert_refusal_page(&html(body), TOO_LARGE, path);
    }
}

#[tokio::test]
async fn only_form_encoded_bodies_are_accepted() {
    let app = spawn_app().await;
    let multipart =
        "--x\r\nContent-Disposition: form-data; name=\"location\"\r\n\r\nlower\r\n--x--\r\n";
    let refused = [
        (Some("application/json"), r#"{"location":"lower"}"#),
        (Some("multipart/form-data; boundary=x"), multipart),
        (Some("text/plain"), VALID_FORM),
        (None, VALID_FORM),
    ];
    for path in [CHECKER, CHANGE] {
        for (content_type, body) in refused {
            let response = app.post(path, content_type, body).await;
            let context = format!("{path} as {content_type:?}");
            assert_refused(response, 415, NOT_A_FORM, &context).await;
        }
    }
    // Browsers may add a charset, and the media type is case-insensitive.
    for content_type in [
        "application/x-www-form-urlencoded; charset=UTF-8",
        "Application/X-WWW-Form-URLEncoded",
    ] {
        let response = app.post(CHECKER, Some(content_type), VALID_FORM).await;
        assert_eq!(response.status(), 200, "{content_type}");
    }
}

#[tokio::test]
async fn other_methods_get_405_with_an_allow_header() {
    let app = spawn_app().await;
    for method in [Method::PUT, Method::DELETE, Method::PATCH] {
        let response = app.request(method.clone(), CHECKER).await;
        assert_eq!(header_text(&response, ALLOW), "GET, HEAD, POST", "{method}");
        assert_refused(response, 405, WRONG_METHOD, method.as_str()).await;
    }
    let response = app.get(CHANGE).await;
    assert_eq!(header_text(&response, ALLOW), "POST");
    assert_refused(response, 405, WRONG_METHOD, "GET /symptom-checker/change").await;
}

// ---- How it works, and the article that shares the rules ----------------------------------

#[tokio::test]
async fn how_it_works_lists_every_rule_under_its_service_with_its_source() {
    let app = spawn_app().await;
    let document = app.get_page(HOW_IT_WORKS).await;
    for &service in Service::ALL {
        let section = format!("section[aria-labelledby=\"rules-{}\"]", service.value());
        let signs: Vec<&str> = rules_for_service(service).map(|rule| rule.sign).collect();
        let sources: Vec<&str> = rules_for_service(service)
            .map(|rule| rule.source.url)
            .collect();
        assert_eq!(
            select_texts(&document, &format!("{section} ul.rules > li > strong")),
            signs,
            "{}",
            service.value()
        );
        assert_eq!(
            select_attrs(&document, &format!("{section} ul.rules > li a"), "href"),
            sources,
            "{}",
            service.value()
        );
    }
    assert_eq!(count(&document, "ul.rules > li"), RULES.len());
    assert_eq!(
        count(
            &document,
            "section[aria-labelledby=\"rules-self-care\"] ul.rules"
        ),
        0,
        "self-care is what is left when no rule matches"
    );
}

#[tokio::test]
async fn how_it_works_figures_are_the_vignette_report_and_say_how_cases_were_written() {
    let app = spawn_app().await;
    let document = app.get_page(HOW_IT_WORKS).await;
    let report = vignette_report();
    assert!(report.total >= 80);
    let figures = select_texts(&document, "ul[data-vignette-report] > li");
    assert_eq!(
        figures,
        [
            format!(
                "{} of {} cases get exactly the expected service.",
                report.exact, report.total
            ),
            format!(
                "{} of {} cases get the expected level of urgency.",
                report.same_urgency, report.total
            ),
            format!(
                "{} cases get a less urgent result than expected (under-triage).",
                report.under_triaged
            ),
            format!(
                "{} cases get a more urgent result than expected.",
                report.over_triaged
            ),
            format!(
                "{} cases show advice the source says to avoid.",
                report.harmful_advice
            ),
        ]
    );
    let page = document.root_element().text().collect::<String>();
    assert!(page.contains("not from our own rules"));
    assert!(page.contains("have not yet been reviewed by a clinician"));
    assert!(!page.contains("a clinician would expect"));
    assert_eq!(count(&document, "table.cases tbody tr"), report.total);
    for (service, expected) in &report.per_service {
        let section = format!("section[aria-labelledby=\"rules-{}\"]", service.value());
        assert_eq!(
            select_texts(&document, &format!("{section} > p")).first(),
            Some(&format!("{expected} of our test cases expect this result.")),
            "{}",
            service.value()
        );
    }
}

/// How the "when to get help" article turns a rule's sign into a list item.
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn help_article_lists_exactly_the_checkers_signs_for_each_urgency() {
    let app = spawn_app().await;
    let document = app.get_page("/articles/when-to-get-help").await;
    for urgency in [Urgency::Emergency, Urgency::Urgent, Urgency::Soon] {
        let list = format!("ul.red-flags-{}", urgency.value());
        let mut expected: Vec<String> = Vec::new();
        for &service in Service::ALL.iter().rev() {
            if service.urgency() != urgency {
                continue;
            }
            let mut signs: Vec<String> = Vec::new();
            for sign in rules_for_service(service).map(|rule| sentence_case(rule.sign)) {
                if !signs.contains(&sign) {
                    signs.push(sign);
                }
            }
            expected.extend(signs);
        }
        assert_eq!(
            select_texts(&document, &format!("main {list} > li")),
            expected,
            "{list}"
        );
        assert!(
            rules_for(urgency).count() >= expected.len(),
            "{list}: signs come from the rules"
        );
    }
    // Labour is a maternity-unit sign, listed under its own heading rather than "Call 999".
    let text = document.root_element().text().collect::<String>();
    let maternity = text
        .find("call your maternity unit now")
        .expect("maternity heading");
    let cramps = text
        .find("Tightenings or cramps that come and go")
        .expect("labour sign");
    assert!(maternity < cramps);
}

// ---- The checker across the site ----------------------------------------------------------

/// One page of each kind a reader can land on, fetched the way a reader gets it.
async fn every_kind_of_page(app: &TestApp) -> Vec<(&'static str, Html)> {
    let mut pages = Vec::new();
    for (kind, path) in [
        ("home", "/"),
        ("article", "/articles/heat-therapy"),
        ("topic", "/topics/relief"),
        ("form", CHECKER),
        ("how it works", HOW_IT_WORKS),
    ] {
        pages.push((kind, app.get_page(path).await));
    }
    let (status, body) = app.get_text("/no-such-page").await;
    assert_eq!(status, 404);
    pages.push(("404", html(&body)));
    pages.push(("result", post_result(app, VALID_FORM).await));
    pages.push(("422", post_invalid(app, b"").await));
    pages
}

#[tokio::test]
async fn checker_is_in_the_header_nav_of_every_page_and_on_the_home_page() {
    let app = spawn_app().await;
    for (kind, document) in every_kind_of_page(&app).await {
        assert_eq!(
            count(&document, "header nav a[href=\"/symptom-checker\"]"),
            1,
            "{kind}"
        );
    }
    let home = app.get_page("/").await;
    assert!(count(&home, "main a[href=\"/symptom-checker\"]") >= 1);
}

#[tokio::test]
async fn checker_pages_keep_the_site_layout() {
    let app = spawn_app().await;
    for (kind, document) in every_kind_of_page(&app).await {
        assert_layout(&document, kind);
    }
}

// ---- Properties against one running server ------------------------------------------------

/// Runs `check` on the status of every generated body POSTed to `path`, all against one
/// server: proptest drives plain closures, so each request runs on the server's runtime
/// through `block_on`.
fn post_generated_bodies(
    path: &str,
    bodies: impl Strategy<Value = Vec<u8>>,
    check: impl Fn(&[u8], u16) -> Result<(), TestCaseError>,
) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let app = runtime.block_on(spawn_app());
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&bodies, |body| {
        let response = runtime.block_on(app.post(path, Some(FORM_CONTENT_TYPE), body.clone()));
        check(&body, response.status().as_u16())
    });
    if let Err(failure) = outcome {
        panic!("POST {path}: {failure}");
    }
}

/// Any bytes, with form punctuation and percent escapes mixed in so they reach the decoder's
/// corners rather than failing at the first byte.
fn arbitrary_bodies() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        any::<u8>(),
        proptest::sample::select(b"=&%+;location=age=symptom=ff0".to_vec()),
    ];
    proptest::collection::vec(byte, 0..512)
}

#[test]
fn arbitrary_bytes_never_cause_a_server_error() {
    for path in [CHECKER, CHANGE] {
        post_generated_bodies(path, arbitrary_bodies(), |body, status| {
            prop_assert!(
                matches!(status, 200 | 400 | 422),
                "{status} for {:?}",
                String::from_utf8_lossy(body)
            );
            Ok(())
        });
    }
}

/// Each question answered zero, one or two times from its own choices, or any number of
/// times for checkboxes; numbers a little either side of their ranges.
fn mixed_valid_values() -> impl Strategy<Value = Vec<u8>> {
    let fields: Vec<BoxedStrategy<Vec<(String, String)>>> = FIELDS
        .iter()
        .map(|&(field, input_type, values)| {
            let value: BoxedStrategy<String> = match field {
                "severity" => (-2i32..=12).prop_map(|n| n.to_string()).boxed(),
                "age" => (-1i32..=122).prop_map(|n| n.to_string()).boxed(),
                _ => proptest::sample::select(values)
                    .prop_map(str::to_owned)
                    .boxed(),
            };
            let most = if input_type == "checkbox" {
                values.len()
            } else {
                2
            };
            proptest::collection::vec(value, 0..=most)
                .prop_map(move |chosen| {
                    chosen
                        .into_iter()
                        .map(|value| (field.to_owned(), value))
                        .collect()
                })
                .boxed()
        })
        .collect();
    fields.prop_map(|fields| {
        serde_html_form::to_string(fields.concat())
            .expect("pairs encode")
            .into_bytes()
    })
}

#[test]
fn any_mix_of_valid_values_gets_a_result_or_a_form_to_fix() {
    post_generated_bodies(CHECKER, mixed_valid_values(), |body, status| {
        let raw: RawAnswers = serde_html_form::from_bytes(body).expect("generated bodies decode");
        prop_assert_eq!(&RawAnswers::from_form(body), &raw);
        let expected = match check(&raw) {
            Outcome::Result { .. } => 200,
            // A follow-up answered wrongly is asked again on the follow-up page, with a 422.
            Outcome::FollowUp { errors, .. } if errors.is_empty() => 200,
            Outcome::FollowUp { .. } | Outcome::Problems(_) => 422,
        };
        prop_assert_eq!(status, expected, "{}", String::from_utf8_lossy(body));
        Ok(())
    });
}

#[tokio::test]
async fn the_emergency_boxes_on_the_home_page_and_form_list_the_screen_from_the_rules() {
    let app = spawn_app().await;
    let home = app.get_page("/").await;
    let form = app.get_page(CHECKER).await;
    assert_eq!(
        select_texts(&home, "ul[data-service-list] > li"),
        select_texts(&form, "[data-emergency-box] ul[data-service-list] > li"),
        "the home page shows the same signs as the checker"
    );
    for service in [Service::Call999, Service::GoToAe] {
        let signs: Vec<&str> = rules_for_service(service)
            .filter(|rule| rule.is_on_screen())
            .map(|rule| rule.sign)
            .collect();
        assert!(!signs.is_empty());
        assert_eq!(
            select_texts(
                &form,
                &format!(
                    "[data-emergency-box] ul[data-service-list=\"{}\"] > li",
                    service.value()
                )
            ),
            signs,
            "{}",
            service.value()
        );
    }
    // Every box on the emergency screen has its sign in the "do not use" box.
    let boxes = select_attrs(&form, "input[name=warning]:not([value=none])", "value");
    assert_eq!(
        boxes.len(),
        count(&form, "[data-emergency-box] li"),
        "one line per emergency screen box"
    );
}

#[tokio::test]
async fn follow_up_blocks_ask_only_what_applies_and_carry_the_answers_in_the_body() {
    let app = spawn_app().await;
    let teen = VALID_FORM
        .replace("age=40", "age=15")
        .replace("pregnant=no", "pregnant=yes");
    let page = post_result(&app, &teen).await;
    assert_eq!(count(&page, "[data-urgency]"), 0, "no result yet");
    assert_eq!(count(&page, "[data-step=pregnancy]"), 1);
    assert_eq!(count(&page, "[data-step=child]"), 1);
    assert_eq!(
        select_attrs(&page, "[data-step=child] input[name=child_sign]", "value"),
        [
            "not-walking",
            "fever",
            "floppy-or-drowsy",
            "rash-not-fading",
            "not-peeing",
            "none"
        ]
    );
    assert_eq!(
        hidden_answers(page.root_element()),
        form_pairs(&teen),
        "every answer so far is carried"
    );
    // Answering the pregnancy block only leaves the child block.
    let page = post_result(
        &app,
        &format!("{teen}&pregnancy_sign=none&pregnancy_weeks=12-to-23"),
    )
    .await;
    assert_eq!(count(&page, "[data-step=pregnancy]"), 0);
    assert_eq!(count(&page, "[data-step=child]"), 1);
    // Every answer given: straight to the result, with one urgency and one service.
    let done = post_result(
        &app,
        &format!("{teen}&pregnancy_sign=none&pregnancy_weeks=12-to-23&child_sign=none"),
    )
    .await;
    assert_eq!(count(&done, "[data-urgency]"), 1);
    assert_eq!(count(&done, "[data-service]"), 1);
    // After a birth, only the signs that can happen then.
    let after = post_result(
        &app,
        &VALID_FORM.replace("pregnant=no", "pregnant=recently"),
    )
    .await;
    assert_eq!(
        select_attrs(&after, "input[name=pregnancy_sign]", "value"),
        [
            "vaginal-bleeding",
            "headache-vision-swelling",
            "fever-or-shivering",
            "none"
        ]
    );
    assert_eq!(count(&after, "input[name=pregnancy_weeks]"), 0);
    // A wrong child answer is fixed on the follow-up page.
    let response = app
        .post_form(
            CHECKER,
            &format!(
                "{}&child_sign=sometimes",
                VALID_FORM.replace("age=40", "age=9")
            ),
        )
        .await;
    let page = private_page(response, 422, "an unlisted child sign").await;
    assert_eq!(count(&page, "[data-step=child]"), 1);
    assert_error_summary(&page, "child follow-up");
    // A 999 sign in a child is acted on even before the rest of the form is finished.
    let floppy = post_result(&app, "age=4&child_sign=floppy-or-drowsy").await;
    assert_eq!(
        select_attrs(&floppy, "[data-service]", "data-service"),
        ["call-999"]
    );
}
