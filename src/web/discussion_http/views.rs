//! Template structs for the discussion and moderation pages: ready-to-show data only.

use askama::Template;

use crate::discussion::{Field, Paragraph, PostError, RawPost, Segment, ThreadPost};
use crate::web::pages::layout::{DateView, ErrorLink, Layout};
use crate::web::paths::discussion_path;

pub struct PostView {
    pub number: i64,
    pub display_name: String,
    pub date: DateView,
    pub paragraphs: Vec<Paragraph>,
    pub removed: bool,
}

impl From<ThreadPost> for PostView {
    fn from(post: ThreadPost) -> Self {
        PostView {
            number: post.number,
            display_name: post.display_name,
            date: post.created_at.into(),
            paragraphs: post.paragraphs,
            removed: post.removed,
        }
    }
}

/// One input of the post form with what the reader typed and its error, if any.
pub struct InputView {
    pub id: String,
    pub name: &'static str,
    pub value: String,
    pub error: Option<String>,
}

impl InputView {
    fn new(field: Field, raw: &RawPost, errors: &[PostError]) -> Self {
        InputView {
            id: format!("discussion-{}", field.id()),
            name: field.id(),
            value: raw.value(field).to_owned(),
            error: errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
        }
    }
}

/// The post form, empty or filled in again after a problem.
pub struct FormView {
    pub action: String,
    pub name: InputView,
    pub email: InputView,
    pub text: InputView,
}

impl FormView {
    pub fn new(slug: &str, raw: &RawPost, errors: &[PostError]) -> Self {
        FormView {
            action: discussion_path(slug),
            name: InputView::new(Field::DisplayName, raw, errors),
            email: InputView::new(Field::Email, raw, errors),
            text: InputView::new(Field::Text, raw, errors),
        }
    }
}

/// The error summary's lines for a post's problems, each linking to its input.
pub fn error_links(errors: &[PostError]) -> Vec<ErrorLink> {
    errors
        .iter()
        .map(|error| ErrorLink {
            target_id: format!("discussion-{}", error.field.id()),
            message: error.message.clone(),
        })
        .collect()
}

/// The discussion under an article: its approved posts and the form. Inserted into the
/// pre-rendered article page, so it has no layout of its own.
#[derive(Template)]
#[template(path = "partials/discussion.html")]
pub struct DiscussionFragment {
    pub posts: Vec<PostView>,
    /// The posts could not be read: say so instead of "no posts yet".
    pub unavailable: bool,
    /// Only the newest posts are shown.
    pub shown_limit: Option<i64>,
    pub form: FormView,
}

/// The post form on a page of its own: after a problem, with the problem and the reader's text.
#[derive(Template)]
#[template(path = "pages/discussion_form.html")]
pub struct PostFormPage<'a> {
    pub layout: Layout<'a>,
    pub article_title: &'a str,
    pub article_href: String,
    /// What went wrong when it is not about a field (expired form, too many posts, database).
    pub problem: Option<&'a str>,
    pub errors: Vec<ErrorLink>,
    pub form: FormView,
}

#[derive(Template)]
#[template(path = "pages/discussion_thanks.html")]
pub struct ThanksPage<'a> {
    pub layout: Layout<'a>,
    pub article_title: &'a str,
    pub article_href: String,
    /// The post mentioned warning signs: tell the writer not to wait for replies.
    pub urgent: bool,
}

#[derive(Template)]
#[template(path = "pages/moderate_login.html")]
pub struct LoginPage<'a> {
    pub layout: Layout<'a>,
    pub csrf_token: String,
    pub name: String,
    pub problem: Option<&'a str>,
    pub errors: Vec<ErrorLink>,
    pub notice: Option<&'a str>,
}

impl LoginPage<'_> {
    /// Whether the problem is the second-factor code: only its field is marked, not the name
    /// and password, which were right.
    pub fn code_in_error(&self) -> bool {
        self.errors
            .iter()
            .any(|error| error.target_id == "moderator-code")
    }

    /// Whether the name and password fields are marked.
    pub fn credentials_in_error(&self) -> bool {
        !self.errors.is_empty() && !self.code_in_error()
    }
}

pub struct PendingView {
    pub id: i64,
    pub article_title: String,
    pub article_href: String,
    pub display_name: String,
    pub email: Option<String>,
    pub date: DateView,
    pub paragraphs: Vec<Paragraph>,
    /// The start of a long post, shown before the whole of it is opened.
    pub preview: Option<String>,
    /// The post's length in characters.
    pub length: usize,
    pub red_flags: Vec<&'static str>,
    pub approve_action: String,
    pub reject_action: String,
    pub remove_action: String,
}

#[derive(Template)]
#[template(path = "pages/moderate.html")]
pub struct QueuePage<'a> {
    pub layout: Layout<'a>,
    /// Approved posts still shown, newest first, each with a button to take it down.
    pub recently_approved: Vec<PendingView>,
    pub moderator: String,
    /// When this session began, in words.
    pub signed_in_since: String,
    pub csrf_token: String,
    /// This page of the queue, oldest first.
    pub posts: Vec<PendingView>,
    /// Pending posts in all, and the place of this page's first and last among them.
    pub waiting: i64,
    pub shown_from: i64,
    pub shown_to: i64,
    /// Links to the pages of older and newer posts, where there are any (page 1 is the oldest).
    pub older_page: Option<String>,
    pub newer_page: Option<String>,
    pub notice: Option<&'static str>,
}
