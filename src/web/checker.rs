//! The symptom checker's pages: the form, its errors, the result and "how it works".
//! Handlers parse the body and call `triage`; every decision about urgency lives there.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use time::OffsetDateTime;
use time::macros::format_description;

use super::pages::{ArticleLink, ErrorLink, Layout, SignList, emergency_box};
use super::site::{HTML, NO_STORE, Site, SiteSettings};
use super::{AppState, error_response};
use crate::content::Library;
use crate::rate_limit::Decision;
use crate::triage::{
    Advice, Answers, Assessment, Audience, Control, FieldError, Outcome, Question, RawAnswers,
    Rule, Service, VignetteReport, check,
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
const FOLLOW_UP_TITLE: &str = "Pregnancy: warning signs";
const FORM_DESCRIPTION: &str = "Answer a few questions about your back pain to find out how urgently you should get help and what you can do now.";

pub struct ChoiceView {
    pub id: String,
    pub value: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub checked: bool,
    /// "None of these", shown after an "or" divider.
    pub exclusive: bool,
}

pub struct QuestionView {
    pub field: &'static str,
    pub legend: &'static str,
    pub hint: Option<&'static str>,
    pub error: Option<&'static str>,
    /// "radio" or "checkbox"; empty for a number in a text box.
    pub input_type: &'static str,
    pub choices: Vec<ChoiceView>,
    /// For number inputs: the label next to the box and what the reader typed.
    pub input_label: &'static str,
    pub value: String,
    /// The id the error summary links to: the first radio or checkbox, or the text input.
    pub target_id: String,
    pub described_by: String,
    /// The location question shows a picture of the back beside each choice.
    pub illustrated: bool,
    /// The emergency screen is drawn as a warning callout.
    pub emergency_screen: bool,
}

impl QuestionView {
    fn new(question: Question, raw: &RawAnswers, errors: &[FieldError]) -> Self {
        let field = question.field();
        let given = question.posted(raw);
        let error = errors
            .iter()
            .find(|e| e.question == question)
            .map(|e| e.message);
        let (input_type, input_label) = match question.control() {
            Control::Radios => ("radio", ""),
            Control::Checkboxes => ("checkbox", ""),
            Control::Number { label } => ("", label),
        };
        let choices: Vec<ChoiceView> = question
            .choices()
            .into_iter()
            .map(|choice| ChoiceView {
                id: format!("{field}-{}", choice.value),
                value: choice.value,
                label: choice.label,
                hint: choice.hint,
                checked: given.iter().any(|g| g == choice.value),
                exclusive: choice.exclusive,
            })
            .collect();
        let target_id = choices
            .first()
            .map_or_else(|| field.to_owned(), |c| c.id.clone());
        let described_by = [
            question.hint().map(|_| format!("{field}-hint")),
            error.map(|_| format!("{field}-error")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        QuestionView {
            field,
            legend: question.legend(),
            hint: question.hint(),
            error,
            input_type,
            choices,
            input_label,
            // A text box shows what was typed, even when several values came in.
            value: given.join(" "),
            target_id,
            described_by,
            illustrated: question == Question::Location,
            emergency_screen: question == Question::Warning,
        }
    }
}

/// Every posted answer to the questions not on this page, so the next page keeps them. They
/// travel in the form body, never in the address: they are health data.
fn carried_answers(raw: &RawAnswers, except: &[Question]) -> Vec<(&'static str, String)> {
    Question::ALL
        .iter()
        .filter(|question| !except.contains(question))
        .flat_map(|&question| {
            question
                .posted(raw)
                .iter()
                .map(move |value| (question.field(), value.clone()))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "checker_form.html")]
pub struct FormPage<'a> {
    pub layout: Layout<'a>,
    pub questions: Vec<QuestionView>,
    pub errors: Vec<ErrorLink>,
    pub emergency_box: Vec<SignList>,
}

impl<'a> FormPage<'a> {
    pub fn new(raw: &RawAnswers, errors: &[FieldError], settings: &'a SiteSettings) -> Self {
        let questions: Vec<QuestionView> = Question::MAIN_FORM
            .iter()
            .map(|&question| QuestionView::new(question, raw, errors))
            .collect();
        FormPage {
            layout: Layout::new(
                &error_title(FORM_TITLE, errors),
                FORM_DESCRIPTION,
                PATH,
                settings,
            )
            .canonical(PATH),
            errors: error_links(&questions, errors),
            questions,
            emergency_box: emergency_box(),
        }
    }
}

/// GOV.UK: a page with errors says so first in its title.
fn error_title(title: &str, errors: &[FieldError]) -> String {
    if errors.is_empty() {
        title.to_owned()
    } else {
        format!("Error: {title}")
    }
}

fn error_links(questions: &[QuestionView], errors: &[FieldError]) -> Vec<ErrorLink> {
    errors
        .iter()
        .map(|error| ErrorLink {
            target_id: questions
                .iter()
                .find(|q| q.field == error.question.field())
                .map_or_else(
                    || error.question.field().to_owned(),
                    |q| q.target_id.clone(),
                ),
            message: error.message.to_owned(),
        })
        .collect()
}

/// The follow-up page: one more question that applies to these answers, with the answers so far
/// carried in hidden fields.
#[derive(Template)]
#[template(path = "checker_follow_up.html")]
pub struct FollowUpPage<'a> {
    pub layout: Layout<'a>,
    pub step: &'static str,
    pub question: QuestionView,
    pub errors: Vec<ErrorLink>,
    pub hidden_fields: Vec<(&'static str, String)>,
}

impl<'a> FollowUpPage<'a> {
    pub fn new(
        question: Question,
        raw: &RawAnswers,
        errors: &[FieldError],
        settings: &'a SiteSettings,
    ) -> Self {
        let view = QuestionView::new(question, raw, errors);
        FollowUpPage {
            layout: Layout::new(
                &error_title(FOLLOW_UP_TITLE, errors),
                FORM_DESCRIPTION,
                PATH,
                settings,
            ),
            step: match question {
                Question::PregnancySign => "pregnancy",
                _ => question.field(),
            },
            errors: error_links(std::slice::from_ref(&view), errors),
            question: view,
            hidden_fields: carried_answers(raw, &[question]),
        }
    }
}

#[derive(Template)]
#[template(path = "checker_result.html")]
pub struct ResultPage<'a> {
    pub layout: Layout<'a>,
    pub urgency: &'static str,
    pub service: &'static str,
    pub headline: &'static str,
    pub explanation: &'static str,
    pub for_parent: bool,
    /// The rules at the result's own level, shown first.
    pub reasons: Vec<&'static Rule>,
    /// Rules at a lower level, collapsed under "Also worth mentioning to the doctor".
    pub other_reasons: Vec<&'static Rule>,
    pub advice: Vec<Advice>,
    pub articles: Vec<ArticleLink<'a>>,
    pub safety_net: Vec<&'static str>,
    pub answers: Vec<(&'static str, String)>,
    /// True when an emergency sign was ticked before the rest of the form was finished.
    pub unfinished: bool,
    /// The answers again as form fields, for "Change your answers".
    pub hidden_fields: Vec<(&'static str, String)>,
    pub assessed_at: String,
}

impl<'a> ResultPage<'a> {
    pub fn new(
        assessment: Assessment,
        answers: Option<&Answers>,
        raw: &RawAnswers,
        library: &'a Library,
        now: OffsetDateTime,
        settings: &'a SiteSettings,
    ) -> Self {
        let hidden_fields = match answers {
            Some(answers) => carried_answers(&answers.to_raw(), &[]),
            None => carried_answers(raw, &[]),
        };
        // Counts per urgency only: never the answers.
        ::metrics::counter!("backcare_checker_results_total", "urgency" => assessment.urgency().value())
            .increment(1);
        ResultPage {
            layout: Layout::new(
                &format!("Your result: {}", assessment.headline),
                FORM_DESCRIPTION,
                PATH,
                settings,
            ),
            urgency: assessment.urgency().value(),
            service: assessment.service.value(),
            headline: assessment.headline,
            explanation: assessment.explanation,
            for_parent: assessment.audience == Audience::Parent,
            reasons: assessment.main_reasons(),
            other_reasons: assessment.other_reasons(),
            articles: assessment
                .articles
                .iter()
                .filter_map(|slug| library.get(slug))
                .map(ArticleLink::from)
                .collect(),
            advice: assessment.advice,
            safety_net: assessment.safety_net,
            answers: answers.map(Answers::summary).unwrap_or_default(),
            unfinished: answers.is_none(),
            hidden_fields,
            assessed_at: now
                .format(format_description!(
                    "[day padding:none] [month repr:long] [year] at [hour]:[minute] UTC"
                ))
                .unwrap_or_default(),
        }
    }
}

pub struct ServiceGroup {
    pub value: &'static str,
    pub heading: &'static str,
    pub rules: Vec<&'static Rule>,
    pub vignettes: usize,
}

#[derive(Template)]
#[template(path = "checker_how.html")]
pub struct HowItWorksPage<'a> {
    pub layout: Layout<'a>,
    pub groups: Vec<ServiceGroup>,
    pub rule_count: usize,
    pub report: VignetteReport,
}

impl<'a> HowItWorksPage<'a> {
    pub fn new(report: VignetteReport, settings: &'a SiteSettings) -> Self {
        let groups = Service::ALL
            .iter()
            .rev()
            .map(|&service| ServiceGroup {
                value: service.value(),
                heading: service.list_heading(),
                rules: crate::triage::rules_for_service(service).collect(),
                vignettes: report
                    .per_service
                    .iter()
                    .find(|(s, _)| *s == service)
                    .map_or(0, |(_, count)| *count),
            })
            .collect();
        HowItWorksPage {
            layout: Layout::new(
                "How the symptom checker works",
                "How the backcare symptom checker decides how urgently you need help, every rule it uses with its source, and how it does on test cases written from NHS and NICE pages.",
                PATH,
                settings,
            )
            .canonical(HOW_IT_WORKS_PATH),
            groups,
            rule_count: crate::triage::RULES.len(),
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
    let settings = &site.settings;
    match check(&raw) {
        Outcome::Result {
            assessment,
            answers,
        } => {
            let page = ResultPage::new(
                assessment,
                answers.as_ref(),
                &raw,
                &generation.library,
                OffsetDateTime::now_utc(),
                settings,
            );
            render_or_500(site, &page, StatusCode::OK)
        }
        Outcome::FollowUp(question) => render_or_500(
            site,
            &FollowUpPage::new(question, &raw, &[], settings),
            StatusCode::OK,
        ),
        // A problem with a follow-up question is shown on the follow-up page, where it was asked.
        Outcome::Problems(errors) => match errors.as_slice() {
            [only] if only.question == Question::PregnancySign => render_or_500(
                site,
                &FollowUpPage::new(only.question, &raw, &errors, settings),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            _ => render_or_500(
                site,
                &FormPage::new(&raw, &errors, settings),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        },
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
