//! The symptom checker's pages: the form, its errors, the result and "how it works".
//! Handlers parse the body and call `triage`; every decision about urgency lives there.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use time::OffsetDateTime;
use time::macros::format_description;

use super::pages::{ArticleLink, Layout};
use super::site::{HTML, NO_STORE, Site, SiteSettings};
use super::{AppState, error_response};
use crate::content::Library;
use crate::rate_limit::Decision;
use crate::triage::{
    Advice, Answers, Duration, EasedBy, FieldError, Location, Onset, QUESTIONS, RULES, RawAnswers,
    Rule, Symptom, Trigger, Urgency, VignetteReport, assess, emergency_signs,
};

pub const PATH: &str = "/symptom-checker";
pub const CHANGE_PATH: &str = "/symptom-checker/change";
pub const HOW_IT_WORKS_PATH: &str = "/symptom-checker/how-it-works";

/// Forms are small; anything bigger is not our form.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// A form this small arrives in well under a second; a client still sending after this long is
/// holding a connection open on purpose (or has lost it).
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

const FORM_TITLE: &str = "Check your back pain";
const FORM_DESCRIPTION: &str = "Answer a few questions about your back pain to find out how urgently you should get help and what you can do now.";

pub struct ChoiceView {
    pub id: String,
    pub value: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub checked: bool,
}

pub struct QuestionView {
    pub field: &'static str,
    pub legend: &'static str,
    pub hint: Option<&'static str>,
    pub error: Option<String>,
    /// "radio", "checkbox" or "text" (numbers use a text input with a numeric keypad, as GOV.UK advises).
    pub input_type: &'static str,
    pub choices: Vec<ChoiceView>,
    /// For text inputs: the label next to the box and what the reader typed.
    pub input_label: &'static str,
    pub value: String,
    /// The id the error summary links to: the first radio or checkbox, or the text input.
    pub target_id: String,
    pub described_by: String,
}

pub struct ErrorLink {
    pub target_id: String,
    pub message: String,
}

type Choice = (&'static str, &'static str, Option<&'static str>);

fn choices<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter().map(|&c| (value(c), label(c), None)).collect()
}

/// How each question is asked: (input type, choices, text input label).
fn control(field: &str) -> (&'static str, Vec<Choice>, &'static str) {
    match field {
        "location" => (
            "radio",
            choices(Location::ALL, Location::value, Location::label),
            "",
        ),
        "onset" => ("radio", choices(Onset::ALL, Onset::value, Onset::label), ""),
        "duration" => (
            "radio",
            choices(Duration::ALL, Duration::value, Duration::label),
            "",
        ),
        "trigger" => (
            "checkbox",
            choices(Trigger::ALL, Trigger::value, Trigger::label),
            "",
        ),
        "symptom" => (
            "checkbox",
            Symptom::ALL
                .iter()
                .map(|&s| (s.value(), s.label(), s.hint()))
                .collect(),
            "",
        ),
        "eased_by" => (
            "checkbox",
            choices(EasedBy::ALL, EasedBy::value, EasedBy::label),
            "",
        ),
        "severity" => ("text", Vec::new(), "Pain score from 0 to 10"),
        _ => ("text", Vec::new(), "Age in years"),
    }
}

fn raw_values<'a>(raw: &'a RawAnswers, field: &str) -> &'a [String] {
    match field {
        "location" => &raw.location,
        "onset" => &raw.onset,
        "duration" => &raw.duration,
        "severity" => &raw.severity,
        "age" => &raw.age,
        "trigger" => &raw.trigger,
        "symptom" => &raw.symptom,
        _ => &raw.eased_by,
    }
}

/// The form's questions, prefilled from `raw` and annotated with `errors`.
pub fn questions(raw: &RawAnswers, errors: &[FieldError]) -> Vec<QuestionView> {
    QUESTIONS
        .iter()
        .map(|question| {
            let field = question.field;
            let (input_type, options, input_label) = control(field);
            let given = raw_values(raw, field);
            let error = errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone());
            let choices: Vec<ChoiceView> = options
                .into_iter()
                .map(|(value, label, hint)| ChoiceView {
                    id: format!("{field}-{value}"),
                    value,
                    label,
                    hint,
                    checked: given.iter().any(|g| g == value),
                })
                .collect();
            let target_id = choices
                .first()
                .map_or_else(|| field.to_owned(), |c| c.id.clone());
            let described_by = [
                question.hint.map(|_| format!("{field}-hint")),
                error.as_ref().map(|_| format!("{field}-error")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            QuestionView {
                field,
                legend: question.legend,
                hint: question.hint,
                error,
                input_type,
                choices,
                input_label,
                // A text box shows what was typed, even when several values came in.
                value: given.join(" "),
                target_id,
                described_by,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "checker_form.html")]
pub struct FormPage<'a> {
    pub layout: Layout<'a>,
    pub questions: Vec<QuestionView>,
    pub errors: Vec<ErrorLink>,
    /// Emergency rules that fired on the answers given, shown above the errors: a form with
    /// a gap must not hold back "Call 999 now".
    pub emergency: Vec<&'static Rule>,
}

impl<'a> FormPage<'a> {
    pub fn new(raw: &RawAnswers, errors: &[FieldError], settings: &'a SiteSettings) -> Self {
        let title = if errors.is_empty() {
            FORM_TITLE.to_owned()
        } else {
            format!("Error: {FORM_TITLE}")
        };
        let questions = questions(raw, errors);
        let errors = errors
            .iter()
            .map(|error| ErrorLink {
                target_id: questions
                    .iter()
                    .find(|q| q.field == error.field)
                    .map_or_else(|| error.field.to_owned(), |q| q.target_id.clone()),
                message: error.message.clone(),
            })
            .collect();
        FormPage {
            layout: Layout::new(&title, FORM_DESCRIPTION, PATH, settings).canonical(PATH),
            questions,
            errors,
            emergency: Vec::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "checker_result.html")]
pub struct ResultPage<'a> {
    pub layout: Layout<'a>,
    pub urgency: &'static str,
    pub headline: &'static str,
    pub explanation: &'static str,
    /// Every rule that fired, most urgent first; each shows its reason and source.
    pub reasons: Vec<&'static Rule>,
    pub advice: Vec<Advice>,
    pub articles: Vec<ArticleLink<'a>>,
    pub safety_net: Vec<&'static str>,
    pub answers: Vec<(&'static str, String)>,
    /// The answers again as form fields, for "Change your answers".
    pub hidden_fields: Vec<(&'static str, String)>,
    pub assessed_at: String,
}

impl<'a> ResultPage<'a> {
    pub fn new(
        answers: &Answers,
        library: &'a Library,
        now: OffsetDateTime,
        settings: &'a SiteSettings,
    ) -> Self {
        let assessment = assess(answers);
        let urgency = assessment.urgency;
        // Counts per urgency only: never the answers.
        ::metrics::counter!("backcare_checker_results_total", "urgency" => urgency.value())
            .increment(1);
        let raw = answers.to_raw();
        let hidden_fields = QUESTIONS
            .iter()
            .flat_map(|q| {
                raw_values(&raw, q.field)
                    .iter()
                    .map(move |v| (q.field, v.clone()))
            })
            .collect();
        ResultPage {
            layout: Layout::new(
                &format!("Your result: {}", urgency.headline()),
                FORM_DESCRIPTION,
                PATH,
                settings,
            ),
            urgency: urgency.value(),
            headline: urgency.headline(),
            explanation: urgency.explanation(),
            reasons: assessment.fired,
            advice: assessment.advice,
            articles: assessment
                .articles
                .iter()
                .filter_map(|slug| library.get(slug))
                .map(ArticleLink::from)
                .collect(),
            safety_net: assessment.safety_net,
            answers: answers.summary(),
            hidden_fields,
            assessed_at: now
                .format(format_description!(
                    "[day padding:none] [month repr:long] [year] at [hour]:[minute] UTC"
                ))
                .unwrap_or_default(),
        }
    }
}

pub struct UrgencyGroup {
    pub value: &'static str,
    pub headline: &'static str,
    pub rules: Vec<&'static Rule>,
    pub vignettes: usize,
}

#[derive(Template)]
#[template(path = "checker_how.html")]
pub struct HowItWorksPage<'a> {
    pub layout: Layout<'a>,
    pub groups: Vec<UrgencyGroup>,
    pub rule_count: usize,
    pub report: VignetteReport,
}

impl<'a> HowItWorksPage<'a> {
    pub fn new(report: VignetteReport, settings: &'a SiteSettings) -> Self {
        let groups = Urgency::ALL
            .iter()
            .rev()
            .map(|&urgency| UrgencyGroup {
                value: urgency.value(),
                headline: urgency.headline(),
                rules: RULES
                    .iter()
                    .filter(|rule| rule.urgency == urgency)
                    .collect(),
                vignettes: report
                    .per_urgency
                    .iter()
                    .find(|(u, _)| *u == urgency)
                    .map_or(0, |(_, count)| *count),
            })
            .collect();
        HowItWorksPage {
            layout: Layout::new(
                "How the symptom checker works",
                "How the backcare symptom checker decides how urgently you need help, every rule it uses with its source, and how it performs on our test cases.",
                PATH,
                settings,
            )
            .canonical(HOW_IT_WORKS_PATH),
            groups,
            rule_count: RULES.len(),
            report,
        }
    }
}

/// Why a posted body was refused before its answers were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRefusal {
    NotAForm,
    TooLarge,
    Unreadable,
    TooSlow,
}

fn is_form_content_type(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The body of a form post, or why it was refused: the wrong content type, more than
/// `MAX_BODY_BYTES`, or slower than `BODY_TIMEOUT`. The discussion's forms are read through this too.
pub async fn read_body(request: &HttpRequest, payload: web::Payload) -> Result<Bytes, BodyRefusal> {
    read_body_up_to(request, payload, MAX_BODY_BYTES).await
}

/// `read_body` with another size limit, for forms that carry more than the checker's answers.
pub async fn read_body_up_to(
    request: &HttpRequest,
    payload: web::Payload,
    max_bytes: usize,
) -> Result<Bytes, BodyRefusal> {
    if !is_form_content_type(request) {
        return Err(BodyRefusal::NotAForm);
    }
    let declared_length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared_length.is_some_and(|length| length > max_bytes) {
        return Err(BodyRefusal::TooLarge);
    }
    match tokio::time::timeout(BODY_TIMEOUT, payload.to_bytes_limited(max_bytes)).await {
        Ok(Ok(Ok(body))) => Ok(body),
        Ok(Ok(Err(_))) => Err(BodyRefusal::Unreadable),
        Ok(Err(_)) => Err(BodyRefusal::TooLarge),
        Err(_) => Err(BodyRefusal::TooSlow),
    }
}

/// Reads the checker's answers from a form body (see `read_body` for what is refused).
async fn read_form(
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<RawAnswers, BodyRefusal> {
    let body = read_body(request, payload).await?;
    // Every field is a list of strings, so only a malformed body can fail here; invalid
    // UTF-8 is decoded lossily and then fails as an unknown answer, with a message.
    serde_html_form::from_bytes(&body).map_err(|_| BodyRefusal::Unreadable)
}

fn private_html(status: StatusCode, body: String) -> HttpResponse {
    // Answers are health data: never stored by us, so never stored by a cache either.
    HttpResponse::build(status)
        .content_type(HTML)
        .insert_header((header::CACHE_CONTROL, NO_STORE))
        .body(body)
}

fn render_or_500(site: &Site, template: &impl Template, status: StatusCode) -> HttpResponse {
    match template.render() {
        Ok(body) => private_html(status, body),
        Err(error) => {
            tracing::error!(%error, "could not render a symptom checker page");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, &site.server_error)
        }
    }
}

fn refusal_response(site: &Site, refusal: BodyRefusal) -> HttpResponse {
    match refusal {
        BodyRefusal::NotAForm => error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &site.unsupported_media_type,
        ),
        BodyRefusal::TooLarge => {
            error_response(StatusCode::PAYLOAD_TOO_LARGE, &site.payload_too_large)
        }
        BodyRefusal::Unreadable => error_response(StatusCode::BAD_REQUEST, &site.bad_request),
        BodyRefusal::TooSlow => error_response(StatusCode::REQUEST_TIMEOUT, &site.request_timeout),
    }
}

/// The 429 page when this client has sent too many answers, before its body is even read.
fn rate_limited(request: &HttpRequest, state: &AppState) -> Option<HttpResponse> {
    let Decision::Limited { retry_after } = state.checker_allowance(request) else {
        return None;
    };
    let mut response = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        &state.current().site.too_many_requests,
    );
    super::retry_after(&mut response, retry_after);
    Some(response)
}

/// `POST /symptom-checker`: the result, or the form again with every problem listed (422).
pub async fn submit(
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    if let Some(response) = rate_limited(&request, &state) {
        return response;
    }
    let raw = read_form(&request, payload).await;
    // Taken after the body has arrived, so the answer comes from the newest generation.
    let generation = state.current();
    let site = &generation.site;
    let raw = match raw {
        Ok(raw) => raw,
        Err(refusal) => return refusal_response(site, refusal),
    };
    match Answers::parse(&raw) {
        Ok(answers) => {
            let page = ResultPage::new(
                &answers,
                &generation.library,
                OffsetDateTime::now_utc(),
                &site.settings,
            );
            render_or_500(site, &page, StatusCode::OK)
        }
        Err(errors) => render_or_500(
            site,
            &FormPage {
                emergency: emergency_signs(&raw),
                ..FormPage::new(&raw, &errors, &site.settings)
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// `POST /symptom-checker/change`: the form again, filled in with the answers from a result page.
pub async fn change(
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    if let Some(response) = rate_limited(&request, &state) {
        return response;
    }
    let raw = read_form(&request, payload).await;
    let generation = state.current();
    let site = &generation.site;
    match raw {
        Ok(raw) => render_or_500(
            site,
            &FormPage::new(&raw, &[], &site.settings),
            StatusCode::OK,
        ),
        Err(refusal) => refusal_response(site, refusal),
    }
}

/// Any method the checker does not support.
pub async fn method_not_allowed(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let allow = if request.path() == PATH {
        "GET, HEAD, POST"
    } else {
        "POST"
    };
    super::method_not_allowed(&state.current().site, allow)
}
