//! `--contact-email`: where readers report a mistake, shown on `/about` and `/accessibility`.

use std::fmt;
use std::str::FromStr;

/// Where readers report a mistake until the operator sets `--contact-email`. The `.example`
/// domain is reserved, so an unconfigured site never sends mail to a stranger.
pub const DEFAULT_CONTACT_EMAIL: &str = "corrections@backcare.example";

/// An email address shown to readers as a `mailto:` link: one `@` with text either side, and
/// nothing that could break out of the link or the page (no spaces, quotes, angle brackets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactEmail(String);

impl ContactEmail {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ContactEmail {
    fn default() -> Self {
        ContactEmail(DEFAULT_CONTACT_EMAIL.to_owned())
    }
}

impl FromStr for ContactEmail {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let valid = text.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.')
        }) && text.matches('@').count() == 1
            && text.chars().all(|c| {
                c.is_ascii_graphic()
                    && !matches!(
                        c,
                        '"' | '\'' | '<' | '>' | '(' | ')' | ',' | ';' | '?' | '&'
                    )
            });
        if valid {
            Ok(ContactEmail(text.to_owned()))
        } else {
            Err("write an email address like corrections@backcare.example".to_owned())
        }
    }
}

impl fmt::Display for ContactEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_email_accepts_addresses_and_refuses_anything_that_could_break_the_link() {
        assert_eq!(
            "  editor@nhs.example "
                .parse::<ContactEmail>()
                .unwrap()
                .as_str(),
            "editor@nhs.example"
        );
        for bad in [
            "",
            "editor",
            "@nhs.example",
            "editor@",
            "editor@localhost",
            "a@b@c.example",
            "editor @nhs.example",
            "editor@nhs.example\"><script>",
            "editor@nhs.example?subject=x",
        ] {
            assert!(bad.parse::<ContactEmail>().is_err(), "{bad:?}");
        }
    }
}
