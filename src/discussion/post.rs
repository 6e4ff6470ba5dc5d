//! A reader's new post: the raw form fields in, a checked `NewPost` out, with every problem
//! listed at once (GOV.UK style). Text is normalised here so storage and rendering can trust it.

use std::fmt;

use super::hygiene::{remove_format_characters, visible_count};

pub const NAME_MIN: usize = 2;
pub const NAME_MAX: usize = 40;
pub const TEXT_MIN: usize = 10;
pub const TEXT_MAX: usize = 5000;
/// RFC 5321's limit on a forward path; longer is not an address anyone can receive mail at.
pub const EMAIL_MAX: usize = 254;

/// The fields of the post form a reader fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    DisplayName,
    Email,
    Text,
}

impl Field {
    pub const ALL: [Field; 3] = [Field::DisplayName, Field::Email, Field::Text];

    /// The form field's name and the input's id, which the error summary links to.
    pub fn id(self) -> &'static str {
        match self {
            Field::DisplayName => "display-name",
            Field::Email => "email",
            Field::Text => "text",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Field::DisplayName => "display name",
            Field::Email => "email address",
            Field::Text => "post",
        }
    }
}

/// One problem with one field, worded as what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostError {
    pub field: Field,
    pub message: String,
}

/// The form as sent, before any checks. `unreadable` lists fields whose bytes were not UTF-8:
/// they arrive here decoded lossily, so the reader gets their text back with a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPost {
    pub display_name: String,
    pub email: String,
    pub text: String,
    pub unreadable: Vec<Field>,
}

impl RawPost {
    pub fn value(&self, field: Field) -> &str {
        match field {
            Field::DisplayName => &self.display_name,
            Field::Email => &self.email,
            Field::Text => &self.text,
        }
    }
}

/// 2 to 40 characters, at least 2 of them visible; no line breaks, control or format characters;
/// single spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

/// 10 to 5,000 characters of plain text with `\n` line endings and no other control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostText(String);

/// Checked loosely (one `@`, a dot in the domain, no spaces): it is only for the moderators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

macro_rules! string_newtype {
    ($($name:ident),*) => {$(
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
string_newtype!(DisplayName, PostText, Email);

/// A post that passed every check, ready to be stored as pending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub display_name: DisplayName,
    pub email: Option<Email>,
    pub text: PostText,
}

impl NewPost {
    pub fn parse(raw: &RawPost) -> Result<NewPost, Vec<PostError>> {
        let mut errors = Vec::new();
        let mut fail = |field: Field, message: String| errors.push(PostError { field, message });

        for &field in &raw.unreadable {
            fail(
                field,
                format!(
                    "Your {} has characters we could not read: check it and send it again",
                    field.noun()
                ),
            );
        }
        let unreadable = |field| raw.unreadable.contains(&field);

        let name = normalise_name(&raw.display_name);
        let name_length = name.chars().count();
        let name_visible = visible_count(&name);
        if !unreadable(Field::DisplayName) {
            if name_visible == 0 {
                fail(Field::DisplayName, "Enter a display name".to_owned());
            } else if name_visible < NAME_MIN {
                fail(
                    Field::DisplayName,
                    format!("Display name must be {NAME_MIN} characters or more"),
                );
            } else if name_length > NAME_MAX {
                fail(
                    Field::DisplayName,
                    format!("Display name must be {NAME_MAX} characters or fewer"),
                );
            }
        }

        let email = raw.email.trim();
        if !unreadable(Field::Email) && !email.is_empty() && !looks_like_email(email) {
            fail(
                Field::Email,
                "Enter an email address in the correct format, like name@example.com, or leave it empty".to_owned(),
            );
        }

        let text = normalise_text(&raw.text);
        let text_length = text.chars().count();
        if !unreadable(Field::Text) {
            if visible_count(&text) == 0 {
                fail(Field::Text, "Enter your post".to_owned());
            } else if text_length < TEXT_MIN {
                fail(
                    Field::Text,
                    format!("Your post must be {TEXT_MIN} characters or more"),
                );
            } else if text_length > TEXT_MAX {
                fail(
                    Field::Text,
                    format!(
                        "Your post must be 5,000 characters or fewer: it has {}",
                        thousands(text_length)
                    ),
                );
            }
        }

        if !errors.is_empty() {
            // Summary order follows the form, whatever order the checks ran in.
            errors.sort_by_key(|error| Field::ALL.iter().position(|&f| f == error.field));
            return Err(errors);
        }
        Ok(NewPost {
            display_name: DisplayName(name),
            email: (!email.is_empty()).then(|| Email(email.to_owned())),
            text: PostText(text),
        })
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whitespace runs (line breaks included) become one space; control and format characters go.
fn normalise_name(name: &str) -> String {
    remove_format_characters(name)
        .split(char::is_whitespace)
        .filter(|word| !word.is_empty())
        .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Line endings become `\n`, tabs spaces, other control and format characters go; outer blank
/// space is trimmed.
fn normalise_text(text: &str) -> String {
    let unified = remove_format_characters(text)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let cleaned: String = unified
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    cleaned.trim().to_owned()
}

fn looks_like_email(email: &str) -> bool {
    if email.len() > EMAIL_MAX || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain
                    .split_once('.')
                    .is_some_and(|(host, rest)| !host.is_empty() && !rest.is_empty())
                && !domain.ends_with('.')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn raw(name: &str, email: &str, text: &str) -> RawPost {
        RawPost {
            display_name: name.to_owned(),
            email: email.to_owned(),
            text: text.to_owned(),
            unreadable: Vec::new(),
        }
    }

    fn fields(errors: &[PostError]) -> Vec<Field> {
        errors.iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_good_post_is_normalised() {
        let post = NewPost::parse(&raw(
            "  Jo \t Smith ",
            " jo@example.com ",
            "\r\nFirst line\r\nsecond\r\n\r\nNew paragraph\u{7}  ",
        ))
        .unwrap();
        assert_eq!(post.display_name.as_str(), "Jo Smith");
        assert_eq!(post.email.unwrap().as_str(), "jo@example.com");
        assert_eq!(post.text.as_str(), "First line\nsecond\n\nNew paragraph");
    }

    #[test]
    fn email_is_optional() {
        let post = NewPost::parse(&raw("Jo", "  ", "Ten chars!")).unwrap();
        assert_eq!(post.email, None);
    }

    #[test]
    fn every_problem_is_listed_in_form_order() {
        let errors = NewPost::parse(&raw("", "not an email", "short")).unwrap_err();
        assert_eq!(
            fields(&errors),
            [Field::DisplayName, Field::Email, Field::Text]
        );
        assert_eq!(errors[0].message, "Enter a display name");
        assert_eq!(errors[2].message, "Your post must be 10 characters or more");
    }

    #[test]
    fn lengths_are_counted_in_characters_after_trimming() {
        assert!(NewPost::parse(&raw("Zoë", "", "ÅÅÅÅÅÅÅÅÅÅ")).is_ok());
        let errors = NewPost::parse(&raw(" J ", "", "  123456789  ")).unwrap_err();
        assert_eq!(
            errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>(),
            [
                "Display name must be 2 characters or more",
                "Your post must be 10 characters or more"
            ]
        );
        let long_name = "n".repeat(41);
        let long_text = "t".repeat(5001);
        let errors = NewPost::parse(&raw(&long_name, "", &long_text)).unwrap_err();
        assert_eq!(
            errors[0].message,
            "Display name must be 40 characters or fewer"
        );
        assert_eq!(
            errors[1].message,
            "Your post must be 5,000 characters or fewer: it has 5,001"
        );
        assert!(NewPost::parse(&raw(&"n".repeat(40), "", &"t".repeat(5000))).is_ok());
    }

    #[test]
    fn emails_are_checked_loosely() {
        for good in ["a@b.co", "first.last+tag@mail.example.org"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in [
            "a@b", "@b.co", "a@.co", "a b@c.co", "a@b@c.co", "a@b.", "abc",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn unreadable_fields_get_their_own_message() {
        let mut post = raw("Jo", "", "Ten chars \u{fffd}!");
        post.unreadable = vec![Field::Text];
        let errors = NewPost::parse(&post).unwrap_err();
        assert_eq!(
            errors,
            [PostError {
                field: Field::Text,
                message: "Your post has characters we could not read: check it and send it again"
                    .to_owned()
            }]
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_keeps_limits(name in ".{0,60}", email in ".{0,40}", text in ".{0,200}") {
            if let Ok(post) = NewPost::parse(&raw(&name, &email, &text)) {
                let n = post.display_name.as_str().chars().count();
                prop_assert!((NAME_MIN..=NAME_MAX).contains(&n));
                prop_assert!(!post.display_name.as_str().contains('\n'));
                let t = post.text.as_str().chars().count();
                prop_assert!((TEXT_MIN..=TEXT_MAX).contains(&t));
                prop_assert!(!post.text.as_str().contains('\r'));
            }
        }
    }
}
