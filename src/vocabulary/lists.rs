//! The named lists an article can show with `{{ red_flags(urgency="NAME") }}`, and the signs a
//! page's own box picks from with `{{ warning_signs(signs="...") }}`. The caller hands them in
//! (`LoadOptions::lists`): content knows how to show a list, never what is in it, and triage,
//! which writes them, nothing of how they are shown.

use std::sync::{Arc, OnceLock};

use super::slug::Slug;

/// The page that shows every warning sign, whole; every other page shows a box of its own.
pub const FULL_LIST_PAGE: &str = "when-to-get-help";

/// More signs than this and a box stops being read: the issue-23 editor's limit per page.
pub const MOST_PICKED: usize = 8;

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
    /// What a page's own box can pick from; shared by every clone.
    catalogue: Arc<SignCatalogue>,
}

/// Every warning sign a page's box can show, the groups an author picks them by, and the
/// emergency core every box carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignCatalogue {
    /// The services signs lead to, most urgent first; a sign names one by its place here.
    pub services: Vec<ServiceHeadings>,
    pub signs: Vec<PickableSign>,
    pub groups: Vec<SignGroup>,
    /// Sign ids every box shows whatever the author picks: the signs that always mean 999 or A&E.
    pub core: Vec<String>,
    /// The same for a box about a child (`for="child"`), whose signs are spoken to the parent.
    pub child_core: Vec<String>,
    /// The article that shows every sign, e.g. "when-to-get-help"; each box links to it.
    pub full_list_article: String,
}

/// One service's list heading, to the reader and to a child's parent, e.g. "Call 999 if you have
/// back pain and" and "Call 999 if your child has back pain and".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceHeadings {
    /// The urgency the service belongs to ("emergency", "urgent", "soon"): the list's CSS class.
    pub urgency: Slug,
    pub to_reader: String,
    pub to_parent: String,
    /// What to do, to finish a sentence: "call 111 or your GP surgery today".
    pub action: String,
    /// Lowercase words that name the service in prose ("111", "a&e"), for the one-truth check.
    pub named_by: Vec<String>,
}

/// One sign a box can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickableSign {
    /// The rule's id, as the author writes it.
    pub id: String,
    /// Its service's place in `SignCatalogue::services`.
    pub service: usize,
    /// Written to follow its heading: "chest pain".
    pub words: String,
    /// Written to follow the parent's heading, if the sign can be said about a child.
    pub to_parent: Option<String>,
    /// Lowercase words that name the sign in prose: one of each group must be in a sentence
    /// (`[["numb", "tingling"], ["genitals", "bottom"]]`). Empty: prose is not checked for it.
    pub phrases: Vec<Vec<String>>,
}

/// Signs an author can pick together by one name, e.g. "pregnancy-signs".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignGroup {
    pub name: String,
    pub signs: Vec<String>,
}

impl SignCatalogue {
    pub fn sign(&self, id: &str) -> Option<&PickableSign> {
        self.signs.iter().find(|sign| sign.id == id)
    }

    pub fn group(&self, name: &str) -> Option<&SignGroup> {
        self.groups.iter().find(|group| group.name == name)
    }
}

/// Lists are equal when they hold the same signs, whichever of them have been shown yet.
impl PartialEq for NamedLists {
    fn eq(&self, other: &Self) -> bool {
        self.lists == other.lists && self.catalogue == other.catalogue
    }
}

impl Eq for NamedLists {}

impl NamedLists {
    pub fn new(lists: Vec<NamedList>) -> NamedLists {
        let shown = Arc::new(lists.iter().map(|_| OnceLock::new()).collect());
        NamedLists {
            lists,
            shown,
            catalogue: Arc::default(),
        }
    }

    /// These lists with the signs a page's own box picks from.
    pub fn with_catalogue(mut self, catalogue: SignCatalogue) -> NamedLists {
        self.catalogue = Arc::new(catalogue);
        self
    }

    pub fn catalogue(&self) -> &SignCatalogue {
        &self.catalogue
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
    .with_catalogue(fixture_catalogue())
}

/// Four services, six signs, two groups: enough to pick, group, speak to a parent and overflow.
#[cfg(test)]
fn fixture_catalogue() -> SignCatalogue {
    let names = |ids: &[&str]| ids.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
    let headings = |to_reader: &str, to_parent: &str, action: &str| {
        [to_reader, to_parent, action].map(str::to_owned)
    };
    let service =
        |urgency: &'static str, [to_reader, to_parent, action]: [String; 3], named_by: &[&str]| {
            ServiceHeadings {
                urgency: Slug::from_static(urgency),
                to_reader,
                to_parent,
                action,
                named_by: names(named_by),
            }
        };
    let sign = |id: &str, service: usize, words: &str, to_parent: Option<&str>| PickableSign {
        id: id.to_owned(),
        service,
        words: words.to_owned(),
        to_parent: to_parent.map(str::to_owned),
        phrases: match id {
            "chest-pain" => vec![names(&["chest pain"])],
            "saddle-numbness" => vec![names(&["numb"]), names(&["bottom", "genitals"])],
            "fever" => vec![names(&["high temperature"])],
            _ => Vec::new(),
        },
    };
    SignCatalogue {
        services: vec![
            service(
                "emergency",
                headings(
                    "Call 999 if you have back pain and",
                    "Call 999 if your child has back pain and",
                    "call 999",
                ),
                &["999"],
            ),
            service(
                "emergency",
                headings(
                    "If you are pregnant, call your maternity unit now if you have",
                    "Call your maternity unit now if you are pregnant and have",
                    "call your maternity unit now",
                ),
                &["maternity unit"],
            ),
            service(
                "urgent",
                headings(
                    "Call 111 or your GP surgery today if you have back pain and",
                    "Call 111 or your GP surgery today if your child has back pain and",
                    "call 111 or your GP surgery today",
                ),
                &["111", "urgent gp"],
            ),
            service(
                "soon",
                headings(
                    "See a GP or physiotherapist within 2 weeks if you have",
                    "See a GP within 2 weeks if your child has back pain and",
                    "see a GP or physiotherapist within 2 weeks",
                ),
                &["gp", "doctor"],
            ),
        ],
        signs: vec![
            sign("chest-pain", 0, "chest pain", Some("chest pain")),
            sign(
                "saddle-numbness",
                0,
                "numbness around your bottom",
                Some("numbness around their bottom"),
            ),
            sign("contractions", 1, "cramps that come and go", None),
            sign(
                "fever",
                2,
                "a high temperature & <shivers>",
                Some("a high temperature"),
            ),
            sign("under-5", 2, "a child under 5", Some("they are under 5")),
            sign("getting-worse", 3, "pain that is getting worse", None),
        ],
        groups: vec![
            SignGroup {
                name: "pregnancy-signs".to_owned(),
                signs: names(&["contractions"]),
            },
            SignGroup {
                name: "child-signs".to_owned(),
                signs: names(&["under-5", "fever"]),
            },
        ],
        core: names(&["saddle-numbness", "chest-pain"]),
        child_core: names(&["saddle-numbness"]),
        full_list_article: "when-to-get-help".to_owned(),
    }
}
