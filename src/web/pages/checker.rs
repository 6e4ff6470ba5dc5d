//! The symptom checker's pages: the form, its errors, the result and "how it works".
//! Handlers parse the body and call `triage`; every decision about urgency lives there.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Resource, web};
use askama::Template;
use time::OffsetDateTime;
use time::macros::format_description;

use super::escaped_once::escaped;
use super::layout::{ArticleLink, ErrorLink, Layout, SignList, emergency_box, private_page};
use crate::content::Library;
use crate::rate_limit::Decision;
use crate::triage::{
    Advice, Answers, Assessment, Audience, Control, FieldError, Outcome, Question, RawAnswers,
    Rule, check,
};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::form::{FormKind, read_body};
use crate::web::paths::CHECKER_PATH;
use crate::web::prerender::{Prerender, RenderError, SiteSettings};
use crate::web::routing;

const FORM_TITLE: &str = "Check your back pain";
const FOLLOW_UP_TITLE: &str = "A few more questions";
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
            .choices_for(raw)
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
fn carried_answers(raw: RawAnswers, except: &[Question]) -> Vec<(&'static str, String)> {
    let mut fields = raw.into_fields();
    fields.retain(|(field, _)| !except.iter().any(|question| question.field() == *field));
    fields
}

#[derive(Template)]
#[template(path = "pages/checker_form.html")]
pub struct FormPage<'a> {
    pub layout: Layout<'a>,
    pub questions: Vec<QuestionView>,
    /// Every problem is about a question, so the error summary only lists `errors`.
    pub problem: Option<&'static str>,
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
                CHECKER_PATH,
                settings,
            )
            .canonical(CHECKER_PATH),
            problem: None,
            errors: error_links(questions.iter(), errors),
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

fn error_links<'q>(
    questions: impl Iterator<Item = &'q QuestionView> + Clone,
    errors: &[FieldError],
) -> Vec<ErrorLink> {
    errors
        .iter()
        .map(|error| ErrorLink {
            target_id: questions
                .clone()
                .find(|q| q.field == error.question.field())
                .map_or_else(
                    || error.question.field().to_owned(),
                    |q| q.target_id.clone(),
                ),
            message: error.message.to_owned(),
        })
        .collect()
}

/// One block of the follow-up page, with its own `data-step`: the pregnancy questions, or the
/// child's warning signs.
pub struct StepView {
    pub name: &'static str,
    pub lead: &'static str,
    pub questions: Vec<QuestionView>,
}

/// Why each follow-up block is asked, in the order the blocks appear.
const STEPS: &[(&str, &str)] = &[
    (
        "pregnancy",
        "You told us you are or may be pregnant, or were pregnant in the last 6 weeks. Some signs at this time need help straight away.",
    ),
    (
        "child",
        "You told us the person with back pain is a child. Some signs in a child need help straight away.",
    ),
];

/// The follow-up page: the questions that now apply to these answers, grouped in blocks, with
/// the answers so far carried in hidden fields.
#[derive(Template)]
#[template(path = "pages/checker_follow_up.html")]
pub struct FollowUpPage<'a> {
    pub layout: Layout<'a>,
    pub steps: Vec<StepView>,
    pub problem: Option<&'static str>,
    pub errors: Vec<ErrorLink>,
    pub hidden_fields: Vec<(&'static str, String)>,
}

impl<'a> FollowUpPage<'a> {
    pub fn new(
        questions: &[Question],
        raw: &RawAnswers,
        errors: &[FieldError],
        settings: &'a SiteSettings,
    ) -> Self {
        let steps: Vec<StepView> = STEPS
            .iter()
            .map(|&(name, lead)| StepView {
                name,
                lead,
                questions: questions
                    .iter()
                    .filter(|question| question.step() == name)
                    .map(|&question| QuestionView::new(question, raw, errors))
                    .collect(),
            })
            .filter(|step| !step.questions.is_empty())
            .collect();
        let shown: Vec<&QuestionView> = steps.iter().flat_map(|step| &step.questions).collect();
        FollowUpPage {
            layout: Layout::new(
                &error_title(FOLLOW_UP_TITLE, errors),
                FORM_DESCRIPTION,
                CHECKER_PATH,
                settings,
            ),
            problem: None,
            errors: error_links(shown.into_iter(), errors),
            steps,
            hidden_fields: carried_answers(raw.clone(), questions),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/checker_result.html")]
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
    /// How back pain like this usually goes (GP and self-care results).
    pub outlook: Option<&'static str>,
    /// On a page headed "now", lower-level reasons show only as signs, without their time words.
    pub other_reasons_as_signs: bool,
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
            Some(answers) => answers.to_raw().into_fields(),
            None => raw.clone().into_fields(),
        };
        // Counts per urgency only: never the answers.
        ::metrics::counter!("backcare_checker_results_total", "urgency" => assessment.urgency().value())
            .increment(1);
        ResultPage {
            layout: Layout::new(
                &format!("Your result: {}", assessment.headline),
                FORM_DESCRIPTION,
                CHECKER_PATH,
                settings,
            ),
            urgency: assessment.urgency().value(),
            service: assessment.service.value(),
            headline: assessment.headline,
            explanation: assessment.explanation,
            for_parent: assessment.audience == Audience::Parent,
            reasons: assessment.main_reasons(),
            other_reasons: assessment.other_reasons(),
            other_reasons_as_signs: assessment.other_reasons_as_signs(),
            outlook: assessment.outlook,
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

/// The empty form, the same for everyone, so it is cached like any page.
pub fn empty_form(settings: &SiteSettings) -> FormPage<'_> {
    FormPage::new(&RawAnswers::default(), &[], settings)
}

pub fn prerender(site: &mut Prerender, _: &Library) -> Result<(), RenderError> {
    site.html(CHECKER_PATH, &empty_form(site.settings))
}

/// The form posts its answers to its own address; GET and HEAD get the pre-rendered form (their
/// routes are added by `web::routes`, for every pre-rendered page with handlers).
pub fn form_handlers(path: &'static str) -> Resource {
    web::resource(path)
        .route(web::post().to(submit))
        .default_service(routing::not_allowed("GET, HEAD, POST"))
}

/// "Change your answers" on a result posts them back here, to show the form filled in.
pub fn change_handlers(path: &'static str) -> Resource {
    routing::form(web::resource(path), change)
}

/// Reads the checker's answers from a form body (see `read_body` for what is refused).
async fn read_answers(
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<RawAnswers, PageError> {
    let body = read_body(request, payload, FormKind::Answers).await?;
    Ok(RawAnswers::from_form(&body))
}

/// The answers posted to the checker: a 429 when this client has sent too many, before its body
/// is even read, then the body's refusals (see `read_body`).
async fn posted_answers(
    request: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<RawAnswers, PageError> {
    if let Decision::Limited { retry_after } = state.checker_allowance(request) {
        return Err(PageError::RateLimited(retry_after));
    }
    read_answers(request, payload).await
}

/// `POST /symptom-checker`: the result, or the form again with every problem listed (422).
pub async fn submit(
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let raw = posted_answers(&request, payload, &state).await?;
    // Taken after the body has arrived, so the answer comes from the newest generation.
    let generation = state.current();
    let settings = &generation.site.settings;
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
            private_page(StatusCode::OK, &page)
        }
        // A problem with a follow-up question is shown on the follow-up page, where it was asked.
        Outcome::FollowUp { questions, errors } => private_page(
            if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            &FollowUpPage::new(&questions, &raw, &errors, settings),
        ),
        Outcome::Problems(errors) => private_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage::new(&raw, &errors, settings),
        ),
    }
}

/// `POST /symptom-checker/change`: the form again, filled in with the answers from a result page.
pub async fn change(
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let raw = posted_answers(&request, payload, &state).await?;
    let generation = state.current();
    private_page(
        StatusCode::OK,
        &FormPage::new(&raw, &[], &generation.site.settings),
    )
}
