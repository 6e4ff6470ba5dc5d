//! The named lists an article can show with `{{ red_flags(urgency="NAME") }}`. The caller hands
//! them in (`LoadOptions::lists`): content knows how to show a list, never what is in it.

use std::sync::{Arc, OnceLock};

use super::slug::Slug;

/// One list an article can show, by name, e.g. "emergency": the warning signs of one urgency,
/// grouped by where to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedList {
    /// What the article writes in quotes; also names the list's CSS class (`red-flags-NAME`),
    /// which is why it is a slug.
    pub name: Slug,
    pub groups: Vec<ListGroup>,
}

/// Items under one heading. A list of one group shows no heading: the article's own sentence
/// above the list says it. A list of several shows each group's heading above its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListGroup {
    /// Shown as "**heading:**".
    pub heading: String,
    /// Plain text, shown in sentence case, each once.
    pub items: Vec<String>,
}

/// Every list an article may name, in the order messages suggest them.
#[derive(Debug, Clone, Default)]
pub struct NamedLists {
    lists: Vec<NamedList>,
    /// Each list as HTML, made the first time an article shows it: every article shows the same
    /// few lists, and escaping a few hundred signs for each of 10,000 articles was a tenth of
    /// loading them. Shared by the clones made for each load.
    shown: Arc<Vec<OnceLock<String>>>,
}

/// Lists are equal when they hold the same signs, whichever of them have been shown yet.
impl PartialEq for NamedLists {
    fn eq(&self, other: &Self) -> bool {
        self.lists == other.lists
    }
}

impl Eq for NamedLists {}

impl NamedLists {
    pub fn new(lists: Vec<NamedList>) -> NamedLists {
        let shown = Arc::new(lists.iter().map(|_| OnceLock::new()).collect());
        NamedLists { lists, shown }
    }

    pub fn get(&self, name: &str) -> Option<&NamedList> {
        self.lists.iter().find(|list| list.name == name)
    }

    /// The list called `name` as `show` writes it, written once however many articles show it.
    pub fn shown_as(&self, name: &str, show: fn(&NamedList) -> String) -> Option<&str> {
        let at = self.lists.iter().position(|list| list.name == name)?;
        let html = self.shown.get(at)?.get_or_init(|| show(&self.lists[at]));
        Some(html.as_str())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.lists.iter().map(|list| list.name.as_str())
    }
}

/// A small stand-in for the symptom checker's lists, so content's tests need nothing of triage:
/// three lists named as the articles name them, the first with two groups.
#[cfg(test)]
pub fn fixture() -> NamedLists {
    let group = |heading: &str, items: &[&str]| ListGroup {
        heading: heading.to_owned(),
        items: items.iter().map(|item| (*item).to_owned()).collect(),
    };
    NamedLists::new(vec![
        NamedList {
            name: Slug::from_static("emergency"),
            groups: vec![
                group(
                    "Call 999 if you have back pain and",
                    &["chest pain", "numbness around your bottom"],
                ),
                group(
                    "If you are pregnant, call your maternity unit now if you have",
                    &["cramps that come and go"],
                ),
            ],
        },
        NamedList {
            name: Slug::from_static("urgent"),
            groups: vec![group(
                "Call 111 or your GP surgery today if you have back pain and",
                &["a high temperature & <shivers>"],
            )],
        },
        NamedList {
            name: Slug::from_static("soon"),
            groups: vec![group(
                "See a GP or physiotherapist within 2 weeks if you have",
                &["pain that is getting worse", "pain that is getting worse"],
            )],
        },
    ])
}
