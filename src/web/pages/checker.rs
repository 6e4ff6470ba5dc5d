//! The symptom checker's pages: the form, its errors, the result and "how it works".
//! Handlers parse the body and call `triage`; every decision about urgency lives there.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::{self, Write};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Resource, web};
use askama::Template;
use time::OffsetDateTime;

use super::escaped_once::{
    ConstantFragment, ConstantOrMade, Constants, Remembered, escaped, remembered,
};
use super::layout::{
    ArticleLink, ErrorLink, Framed, Layout, SignList, emergency_box, private_html, private_page,
};
use crate::content::Library;
use crate::rate_limit::Decision;
use crate::triage::{
    Advice, Answers, Assessment, Audience, Control, FieldError, Outcome, Question, RawAnswers,
    Rule, check, linked_articles,
};
use crate::web::error::PageError;
use crate::web::form::{FormKind, read_body};
use crate::web::page_frame::{CONTENT_MARKER, PageFrame, TITLE_MARKER};
use crate::web::paths::CHECKER_PATH;
use crate::web::prerender::{Prerender, RenderError, SiteSettings};
use crate::web::routing;
use crate::web::{AppState, Site};

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
fn carried_answers(raw: RawAnswers, except: &[Question]) -> Vec<(&'static str, Cow<'static, str>)> {
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
    pub hidden_fields: Vec<(&'static str, Cow<'static, str>)>,
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

/// The result's main content. Its head, header and footer are the same for every result, so
/// they are rendered once per generation (`result_frame`) and only this is rendered per request.
#[derive(Template)]
#[template(path = "pages/checker_result.html", block = "content")]
pub struct ResultPage<'a> {
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
    /// The "Read more" items, as the generation rendered them (`article_item`).
    pub articles: Vec<&'a str>,
    pub safety_net: Vec<&'static str>,
    /// How back pain like this usually goes (GP and self-care results).
    pub outlook: Option<&'static str>,
    /// On a page headed "now", lower-level reasons show only as signs, without their time words.
    pub other_reasons_as_signs: bool,
    pub answers: Vec<(&'static str, Cow<'static, str>)>,
    /// True when an emergency sign was ticked before the rest of the form was finished.
    pub unfinished: bool,
    /// The answers again as form fields, for "Change your answers".
    pub hidden_fields: Vec<(&'static str, Cow<'static, str>)>,
    pub assessed_at: AssessedAt,
}

/// When the answers were checked, as the page shows it: "7 December 2026 at 21:40 UTC".
/// Written straight into the page (numbers, letters and a colon: nothing to escape).
#[derive(Debug, Clone, Copy)]
pub struct AssessedAt(OffsetDateTime);

impl fmt::Display for AssessedAt {
    /// Written from the last result's text when it was checked in the same minute: every
    /// result in a minute shows the same words.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        thread_local! {
            static LAST: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
        }
        let minute = self.0.unix_timestamp().div_euclid(60);
        LAST.with_borrow_mut(|(last_minute, words)| {
            if *last_minute != minute {
                let at = self.0.to_offset(time::UtcOffset::UTC);
                words.clear();
                write!(
                    words,
                    "{} {} {} at {:02}:{:02} UTC",
                    at.day(),
                    at.month(),
                    at.year(),
                    at.hour(),
                    at.minute()
                )?;
                *last_minute = minute;
            }
            f.write_str(words)
        })
    }
}

impl askama::filters::HtmlSafe for AssessedAt {}

impl<'a> ResultPage<'a> {
    pub fn new(
        assessment: Assessment,
        answers: Option<&Answers>,
        raw: &RawAnswers,
        site: &'a Site,
        now: OffsetDateTime,
    ) -> Self {
        let hidden_fields = match answers {
            Some(answers) => answers.fields(),
            None => raw.clone().into_fields(),
        };
        // Counts per urgency only: never the answers.
        ::metrics::counter!("backcare_checker_results_total", "urgency" => assessment.urgency().value())
            .increment(1);
        ResultPage {
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
                .filter_map(|slug| site.article_item(slug))
                .collect(),
            advice: assessment.advice,
            safety_net: assessment.safety_net,
            answers: answers.map(Answers::summary).unwrap_or_default(),
            unfinished: answers.is_none(),
            hidden_fields,
            assessed_at: AssessedAt(now),
        }
    }

    /// The whole page, in the frame `result_frame` made.
    pub fn render_in(&self, frame: &PageFrame) -> askama::Result<String> {
        frame.render(
            format_args!("{RESULT_TITLE}{}", escaped(self.headline)),
            self,
        )
    }
}

/// A rule the result gives as a reason, with its source.
#[derive(Template)]
#[template(path = "pages/checker_result_parts.html", block = "reason")]
struct ReasonItem {
    rule: &'static Rule,
}

/// A lower-level rule listed by its sign only, under a result headed "now".
#[derive(Template)]
#[template(path = "pages/checker_result_parts.html", block = "sign")]
struct SignItem {
    rule: &'static Rule,
}

/// One piece of advice: its heading and text.
#[derive(Template)]
#[template(path = "pages/checker_result_parts.html", block = "advice")]
struct AdviceBox {
    advice: Advice,
}

/// One line of "If things get worse".
#[derive(Template)]
#[template(path = "pages/checker_result_parts.html", block = "safety_line")]
struct SafetyLine {
    line: &'static str,
}

/// A question and the reader's answer, under "Your answers".
#[derive(Template)]
#[template(path = "pages/checker_result_parts.html", block = "answer_row")]
struct AnswerRow<'a> {
    question: &'static str,
    answer: &'a str,
}

/// An answer carried to the next page in a hidden field.
#[derive(Template)]
#[template(path = "pages/checker_result_parts.html", block = "hidden_field")]
struct HiddenField<'a> {
    name: &'static str,
    value: &'a str,
}

/// An article under "Read more", rendered once per generation (`prerender`).
#[derive(Template)]
#[template(path = "pages/checker_result_parts.html", block = "article_item")]
struct ArticleItem<'a> {
    link: ArticleLink<'a>,
}

impl ConstantFragment for ReasonItem {
    fn constants(&self) -> Constants {
        Constants::value(self.rule)
    }
}

impl ConstantFragment for SignItem {
    fn constants(&self) -> Constants {
        Constants::value(self.rule)
    }
}

impl ConstantFragment for AdviceBox {
    fn constants(&self) -> Constants {
        let Advice { id, heading, text } = self.advice;
        Constants::texts([id, heading, text])
    }
}

impl ConstantFragment for SafetyLine {
    fn constants(&self) -> Constants {
        Constants::texts([self.line])
    }
}

impl ConstantFragment for AnswerRow<'static> {
    fn constants(&self) -> Constants {
        Constants::texts([self.question, self.answer])
    }
}

impl ConstantFragment for HiddenField<'static> {
    fn constants(&self) -> Constants {
        Constants::texts([self.name, self.value])
    }
}

// The templates call these with what their loops give them. The Cows themselves are the point
// of the last two: whether an answer is a `'static` constant, which a `&str` hides.
fn reason_item(rule: &&'static Rule) -> Remembered<ReasonItem> {
    remembered(ReasonItem { rule })
}

fn sign_item(rule: &&'static Rule) -> Remembered<SignItem> {
    remembered(SignItem { rule })
}

fn advice_box(advice: &Advice) -> Remembered<AdviceBox> {
    remembered(AdviceBox { advice: *advice })
}

fn safety_line(line: &&'static str) -> Remembered<SafetyLine> {
    remembered(SafetyLine { line })
}

#[allow(clippy::ptr_arg)]
fn answer_row<'a>(
    question: &&'static str,
    answer: &'a Cow<'static, str>,
) -> ConstantOrMade<AnswerRow<'static>, AnswerRow<'a>> {
    let question = *question;
    ConstantOrMade::of(
        answer,
        |answer| AnswerRow { question, answer },
        |answer| AnswerRow { question, answer },
    )
}

#[allow(clippy::ptr_arg)]
fn hidden_field<'a>(
    name: &&'static str,
    value: &'a Cow<'static, str>,
) -> ConstantOrMade<HiddenField<'static>, HiddenField<'a>> {
    let name = *name;
    ConstantOrMade::of(
        value,
        |value| HiddenField { name, value },
        |value| HiddenField { name, value },
    )
}

/// The empty form, the same for everyone, so it is cached like any page.
pub fn empty_form(settings: &SiteSettings) -> FormPage<'_> {
    FormPage::new(&RawAnswers::default(), &[], settings)
}

/// A result's title starts with this, then its headline (`ResultPage::render_in`).
const RESULT_TITLE: &str = "Your result: ";

/// The result page's head, header and footer, with no title or content yet.
fn result_frame(settings: &SiteSettings) -> Framed<'_> {
    Framed {
        layout: Layout::new(TITLE_MARKER, FORM_DESCRIPTION, CHECKER_PATH, settings),
        content: CONTENT_MARKER,
    }
}

pub fn prerender(site: &mut Prerender, library: &Library) -> Result<(), RenderError> {
    let settings = site.settings;
    site.html(CHECKER_PATH, &empty_form(settings))?;
    site.frame(CHECKER_PATH, &result_frame(settings))?;
    // Only the articles a result can link (the triage tables name about thirty), not every
    // article: at 10,000 articles that would be 10,000 renders at start-up, nearly all never used.
    for article in linked_articles()
        .into_iter()
        .filter_map(|slug| library.get(slug))
    {
        let item = ArticleItem {
            link: ArticleLink::from(article),
        };
        site.article_item(&article.slug, &item)?;
    }
    Ok(())
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
                &generation.site,
                OffsetDateTime::now_utc(),
            );
            let frame = generation.site.frame(CHECKER_PATH).ok_or_else(|| {
                PageError::Internal("this generation has no frame for the checker's result".into())
            })?;
            Ok(private_html(StatusCode::OK, page.render_in(frame)?))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::Site;
    use crate::web::assets::Assets;
    use crate::web::base_url::BaseUrl;

    #[test]
    fn results_in_the_same_minute_show_the_same_time_and_the_next_minute_its_own() {
        let at = time::macros::datetime!(2026-12-07 23:59:01 UTC);
        assert_eq!(AssessedAt(at).to_string(), "7 December 2026 at 23:59 UTC");
        let later = time::macros::datetime!(2026-12-07 23:59:58 UTC);
        assert_eq!(
            AssessedAt(later).to_string(),
            "7 December 2026 at 23:59 UTC"
        );
        let next = time::macros::datetime!(2026-12-08 00:00:00 UTC);
        assert_eq!(AssessedAt(next).to_string(), "8 December 2026 at 00:00 UTC");
        let offset = time::macros::datetime!(2026-12-08 01:00:30 +01:00);
        assert_eq!(
            AssessedAt(offset).to_string(),
            "8 December 2026 at 00:00 UTC"
        );
    }

    /// Whatever the checker answers, as this module renders it (a result's content, the
    /// follow-up page or the form with its problems).
    fn rendered(raw: &RawAnswers, site: &Site) -> String {
        match check(raw) {
            Outcome::Result {
                assessment,
                answers,
            } => ResultPage::new(
                assessment,
                answers.as_ref(),
                raw,
                site,
                OffsetDateTime::UNIX_EPOCH,
            )
            .render(),
            Outcome::FollowUp { questions, errors } => {
                FollowUpPage::new(&questions, raw, &errors, &site.settings).render()
            }
            Outcome::Problems(errors) => FormPage::new(raw, &errors, &site.settings).render(),
        }
        .expect("the page renders")
    }

    /// The per-thread memory of constant pieces (`escaped_once`) must never put one result's
    /// words into another's page (a wrong advice box or reason would be a clinical hazard):
    /// every vignette's page, rendered first on a fresh thread, is byte for byte what it is on
    /// a thread that has already rendered every vignette, with every piece remembered.
    #[test]
    fn a_page_is_the_same_rendered_first_and_after_every_other() {
        let settings = SiteSettings::new(BaseUrl::for_address(([127, 0, 0, 1], 80).into()));
        let site = Site::build(&Library::default(), &Assets::default(), settings)
            .expect("the site renders");
        let vignettes = crate::triage::vignettes();
        assert!(vignettes.len() > 100, "the vignettes load");
        let after_all: Vec<String> = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    for vignette in &vignettes {
                        rendered(&vignette.answers, &site);
                    }
                    vignettes
                        .iter()
                        .map(|vignette| rendered(&vignette.answers, &site))
                        .collect()
                })
                .join()
                .expect("renders")
        });
        let mut kinds = std::collections::BTreeSet::new();
        for (vignette, remembered) in vignettes.iter().zip(&after_all) {
            let first = std::thread::scope(|scope| {
                scope
                    .spawn(|| rendered(&vignette.answers, &site))
                    .join()
                    .expect("renders")
            });
            assert_eq!(&first, remembered, "{}", vignette.name);
            kinds.extend(
                ["data-rule", "data-advice", "summary-row", "type=\"hidden\""]
                    .into_iter()
                    .filter(|piece| first.contains(piece)),
            );
        }
        assert_eq!(
            kinds.len(),
            4,
            "the pages hold every kind of remembered piece"
        );
    }

    #[test]
    fn the_time_of_a_result_reads_as_before() {
        let at = time::macros::datetime!(2026-12-07 09:05:59 UTC);
        let before = at
            .format(time::macros::format_description!(
                "[day padding:none] [month repr:long] [year] at [hour]:[minute] UTC"
            ))
            .unwrap();
        assert_eq!(AssessedAt(at).to_string(), before);
        assert_eq!(before, "7 December 2026 at 09:05 UTC");
    }

    /// The result rendered into the generation's frame is byte for byte the page the layout
    /// makes around it: the frame is an optimisation, never a different page.
    #[test]
    fn a_result_in_its_frame_is_the_page_the_layout_makes() {
        let settings = SiteSettings::new(BaseUrl::for_address(([127, 0, 0, 1], 80).into()));
        let library = Library::default();
        let site = Site::build(&library, &Assets::default(), settings).expect("the site renders");
        let frame = site
            .frame(CHECKER_PATH)
            .expect("the checker's result has a frame");
        let forms: [&[u8]; 3] = [
            // A typical self-care result.
            b"warning=none&location=lower&onset=sudden&duration=under-1-week&severity=3&age=30\
              &pregnant=no&trigger=lifting&symptom=none&history=none&eased_by=heat",
            // An emergency sign ticked before the rest of the form.
            b"warning=saddle-numbness",
            // A child, so the page speaks to a parent.
            b"warning=none&location=lower&onset=gradual&duration=under-1-week&severity=4&age=9\
              &pregnant=no&symptom=none&history=none&child_sign=none",
        ];
        for form in forms {
            let raw = RawAnswers::from_form(form);
            let Outcome::Result {
                assessment,
                answers,
            } = check(&raw)
            else {
                panic!("{} gives a result", String::from_utf8_lossy(form));
            };
            let page = ResultPage::new(
                assessment,
                answers.as_ref(),
                &raw,
                &site,
                OffsetDateTime::UNIX_EPOCH,
            );
            let content = page.render().expect("the content renders");
            let whole = Framed {
                layout: Layout::new(
                    &format!("{RESULT_TITLE}{}", page.headline),
                    FORM_DESCRIPTION,
                    CHECKER_PATH,
                    &site.settings,
                ),
                content: &content,
            }
            .render()
            .expect("the whole page renders");
            assert_eq!(page.render_in(frame).expect("renders"), whole);
            assert!(whole.contains("<nav aria-label=\"Main\">") && whole.contains(&content));
        }
    }
}
