//! The `warning_signs` shortcode: a box of the warning signs that fit one page, picked by the
//! author by rule id or group, always with the emergency core and a link to the whole list.
//!
//! The box writes its own lead-in (one bold heading per service, from the rules), so the author
//! writes none. A box `for="child"` speaks to the parent ("if your child has back pain and").

use super::front_matter::closest;
use super::lists::{MOST_PICKED, NamedLists, PickableSign, SignCatalogue};
use super::problem::ProblemCode;
use super::shortcode_syntax::{CallError, escape, named_arguments, sentence_case};

pub const USAGE: &str = "{{ warning_signs(signs=\"fall-aged-65-plus, weak-bones\") }}";

/// What the author asked for, checked against the catalogue.
struct Picked<'a> {
    /// In the author's order, each once, without the core.
    signs: Vec<&'a PickableSign>,
    for_child: bool,
}

/// The box as trusted HTML, or what is wrong with the call.
pub fn expand(arguments: &str, lists: &NamedLists) -> Result<String, CallError> {
    let catalogue = lists.catalogue();
    let picked = pick(arguments, catalogue)?;
    let core = if picked.for_child {
        &catalogue.child_core
    } else {
        &catalogue.core
    };
    let mut shown: Vec<&PickableSign> = core.iter().filter_map(|id| catalogue.sign(id)).collect();
    for sign in &picked.signs {
        if !shown.iter().any(|known| known.id == sign.id) {
            shown.push(sign);
        }
    }
    Ok(box_html(catalogue, &shown, picked.for_child))
}

/// A warning for a box that picks more than `MOST_PICKED` signs, if it does.
pub fn too_many(arguments: &str, lists: &NamedLists) -> Option<String> {
    let catalogue = lists.catalogue();
    let picked = pick(arguments, catalogue).ok()?;
    let core = match picked.for_child {
        true => &catalogue.child_core,
        false => &catalogue.core,
    };
    let count = picked
        .signs
        .iter()
        .filter(|sign| !core.contains(&sign.id))
        .count();
    (count > MOST_PICKED).then(|| {
        format!(
            "warning_signs box picks {count} signs; pick at most {MOST_PICKED} that fit this page (the emergency core is added anyway, and the box links to the whole list)"
        )
    })
}

/// How to write the service a rule gives, inside a sentence.
pub const SERVICE_USAGE: &str = "{{ service(sign=\"upper-back\") }}";

/// What a rule says to do, for `{{ service(sign="RULE") }}` inside a sentence: the page then
/// says exactly what the symptom checker says, and follows the rule when it changes.
pub fn service_action(arguments: &str, lists: &NamedLists) -> Result<String, CallError> {
    let catalogue = lists.catalogue();
    let id = match named_arguments(arguments).as_deref() {
        Some([("sign", id)]) => id.trim().to_owned(),
        _ => {
            return Err(CallError::new(
                ProblemCode::ServiceNeedsOneSign,
                format!("service takes one sign, by its rule id, as in {SERVICE_USAGE}"),
            ));
        }
    };
    let sign = catalogue.sign(&id).ok_or_else(|| {
        let guess = closest(&id, catalogue.signs.iter().map(|sign| sign.id.as_str()))
            .map(|guess| format!("; did you mean \"{guess}\"?"))
            .unwrap_or_default();
        CallError::new(ProblemCode::UnknownSign, format!(
            "service has no sign \"{id}\"{guess} (each sign is named by its rule id, listed on /symptom-checker/how-it-works)"
        ))
    })?;
    Ok(catalogue.services[sign.service].action.clone())
}

fn pick<'a>(arguments: &str, catalogue: &'a SignCatalogue) -> Result<Picked<'a>, CallError> {
    let pairs = named_arguments(arguments).ok_or_else(|| {
        CallError::new(ProblemCode::ArgumentSyntax, format!(
            "warning_signs arguments must be written name=\"value\", separated by commas, as in {USAGE}"
        ))
    })?;
    let mut picked = Picked {
        signs: Vec::new(),
        for_child: false,
    };
    for (key, value) in pairs {
        match (key, value.trim()) {
            ("signs", names) => {
                for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    for sign in signs_named(name, catalogue)? {
                        if !picked.signs.iter().any(|known| known.id == sign.id) {
                            picked.signs.push(sign);
                        }
                    }
                }
            }
            ("for", "child") => picked.for_child = true,
            ("for", other) => {
                return Err(CallError::new(
                    ProblemCode::UnknownAudience,
                    format!(
                        "warning_signs for=\"{other}\" is not known; write for=\"child\" to speak to a child's parent, or leave it out"
                    ),
                ));
            }
            (other, _) => {
                return Err(CallError::new(
                    ProblemCode::UnknownArgument,
                    format!(
                        "warning_signs has no argument \"{other}\"; it takes signs (and for=\"child\"), as in {USAGE}"
                    ),
                ));
            }
        }
    }
    if picked.for_child {
        check_child_words(&picked.signs, catalogue)?;
    }
    Ok(picked)
}

/// The signs a name stands for: one rule's sign, or every sign of a group.
fn signs_named<'a>(
    name: &str,
    catalogue: &'a SignCatalogue,
) -> Result<Vec<&'a PickableSign>, CallError> {
    if let Some(sign) = catalogue.sign(name) {
        return Ok(vec![sign]);
    }
    if let Some(group) = catalogue.group(name) {
        return Ok(group
            .signs
            .iter()
            .filter_map(|id| catalogue.sign(id))
            .collect());
    }
    let names = catalogue
        .groups
        .iter()
        .map(|group| group.name.as_str())
        .chain(catalogue.signs.iter().map(|sign| sign.id.as_str()));
    let guess = closest(name, names)
        .map(|guess| format!("did you mean \"{guess}\"? "))
        .unwrap_or_default();
    let groups: Vec<&str> = catalogue.groups.iter().map(|g| g.name.as_str()).collect();
    Err(CallError::new(
        ProblemCode::UnknownSign,
        format!(
            "warning_signs has no sign or group \"{name}\"; {guess}the groups are {}, and each sign is named by its rule id, listed on /symptom-checker/how-it-works",
            groups.join(", ")
        ),
    ))
}

fn check_child_words(signs: &[&PickableSign], catalogue: &SignCatalogue) -> Result<(), CallError> {
    match signs.iter().find(|sign| sign.to_parent.is_none()) {
        None => Ok(()),
        Some(sign) => {
            let spoken: Vec<&str> = catalogue
                .signs
                .iter()
                .filter(|sign| sign.to_parent.is_some())
                .map(|sign| sign.id.as_str())
                .collect();
            Err(CallError::new(
                ProblemCode::NoWordsForParent,
                format!(
                    "warning_signs for=\"child\" cannot show \"{}\": it has no words for a parent; pick from {}",
                    sign.id,
                    spoken.join(", ")
                ),
            ))
        }
    }
}

/// One bold heading and list per service, most urgent first, then the link to every sign.
fn box_html(catalogue: &SignCatalogue, shown: &[&PickableSign], for_child: bool) -> String {
    let mut html = String::from("<div class=\"warning-box\">\n");
    for (at, service) in catalogue.services.iter().enumerate() {
        let signs: Vec<&str> = shown
            .iter()
            .filter(|sign| sign.service == at)
            .filter_map(|sign| match for_child {
                true => sign.to_parent.as_deref(),
                false => Some(sign.words.as_str()),
            })
            .collect();
        if signs.is_empty() {
            continue;
        }
        let heading = if for_child {
            &service.to_parent
        } else {
            &service.to_reader
        };
        html.push_str(&format!(
            "<p><strong>{}:</strong></p>\n<ul class=\"red-flags red-flags-{}\">\n",
            escape(heading),
            service.urgency
        ));
        for sign in signs {
            html.push_str(&format!("<li>{}</li>\n", escape(&sentence_case(sign))));
        }
        html.push_str("</ul>\n");
    }
    html.push_str(&format!(
        "<p class=\"warning-box-more\">These are the signs that fit this page. <a href=\"/articles/{}\">See every warning sign</a>.</p>\n</div>",
        catalogue.full_list_article
    ));
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::lists;

    /// The box, or the message of what is wrong (the codes have their own test).
    fn expand(arguments: &str) -> Result<String, String> {
        super::expand(arguments, &lists::fixture()).map_err(|error| error.message)
    }

    #[test]
    fn a_box_shows_the_core_then_the_picked_signs_under_their_services() {
        assert_eq!(
            expand("signs=\"pregnancy-signs, getting-worse\"").unwrap(),
            "<div class=\"warning-box\">\n\
             <p><strong>Call 999 if you have back pain and:</strong></p>\n\
             <ul class=\"red-flags red-flags-emergency\">\n\
             <li>Numbness around your bottom</li>\n\
             <li>Chest pain</li>\n\
             </ul>\n\
             <p><strong>If you are pregnant, call your maternity unit now if you have:</strong></p>\n\
             <ul class=\"red-flags red-flags-emergency\">\n\
             <li>Cramps that come and go</li>\n\
             </ul>\n\
             <p><strong>See a GP or physiotherapist within 2 weeks if you have:</strong></p>\n\
             <ul class=\"red-flags red-flags-soon\">\n\
             <li>Pain that is getting worse</li>\n\
             </ul>\n\
             <p class=\"warning-box-more\">These are the signs that fit this page. <a href=\"/articles/when-to-get-help\">See every warning sign</a>.</p>\n\
             </div>"
        );
    }

    #[test]
    fn a_box_for_a_child_speaks_to_the_parent_with_the_child_core() {
        let html = expand("signs=\"child-signs\", for=\"child\"").unwrap();
        assert!(html.contains("<strong>Call 999 if your child has back pain and:</strong>"));
        assert!(html.contains("<li>Numbness around their bottom</li>"));
        assert!(html.contains("<li>They are under 5</li>\n<li>A high temperature</li>"));
        assert!(
            !html.contains("your bottom") && !html.contains("Chest pain"),
            "{html}"
        );
    }

    #[test]
    fn a_sign_picked_twice_or_in_the_core_is_shown_once() {
        let html = expand("signs=\"chest-pain, fever, fever\"").unwrap();
        assert_eq!(html.matches("Chest pain").count(), 1);
        assert_eq!(
            html.matches("A high temperature &amp; &lt;shivers&gt;")
                .count(),
            1
        );
    }

    #[test]
    fn mistakes_are_explained() {
        assert_eq!(
            expand("signs=\"chest-pian\"").unwrap_err(),
            "warning_signs has no sign or group \"chest-pian\"; did you mean \"chest-pain\"? the groups are pregnancy-signs, child-signs, and each sign is named by its rule id, listed on /symptom-checker/how-it-works"
        );
        assert_eq!(
            expand("signs=\"contractions\", for=\"child\"").unwrap_err(),
            "warning_signs for=\"child\" cannot show \"contractions\": it has no words for a parent; pick from chest-pain, saddle-numbness, fever, under-5"
        );
        assert!(expand("sign=\"fever\"").unwrap_err().starts_with(
            "warning_signs has no argument \"sign\"; it takes signs (and for=\"child\")"
        ));
        assert!(
            expand("for=\"baby\"")
                .unwrap_err()
                .starts_with("warning_signs for=\"baby\" is not known")
        );
        assert!(
            expand("signs=fever")
                .unwrap_err()
                .starts_with("warning_signs arguments must be written name=\"value\"")
        );
    }

    #[test]
    fn more_than_eight_picked_signs_is_a_warning_and_the_core_does_not_count() {
        let mut catalogue = lists::fixture().catalogue().clone();
        for n in 0..9 {
            catalogue.signs.push(PickableSign {
                id: format!("sign-{n}"),
                service: 3,
                words: format!("sign {n}"),
                to_parent: None,
                phrases: Vec::new(),
            });
        }
        let lists = lists::fixture().with_catalogue(catalogue);
        let nine = "signs=\"sign-0, sign-1, sign-2, sign-3, sign-4, sign-5, sign-6, sign-7, sign-8, chest-pain\"";
        assert_eq!(
            too_many(nine, &lists).as_deref(),
            Some(
                "warning_signs box picks 9 signs; pick at most 8 that fit this page (the emergency core is added anyway, and the box links to the whole list)"
            )
        );
        let eight = "signs=\"sign-0, sign-1, sign-2, sign-3, sign-4, sign-5, sign-6, sign-7\"";
        assert_eq!(too_many(eight, &lists), None);
    }
}
