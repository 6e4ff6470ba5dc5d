//! What an article's warning box can show: the emergency core every box carries, the groups of
//! signs an author picks by name, and the child signs in words spoken to a parent. Content gets
//! them as a `SignCatalogue` and never needs to know a rule.

use super::rules::{RULES, Service, Urgency, rules_for_service};
use super::sign_words;
use crate::vocabulary::lists::{
    FULL_LIST_PAGE, PickableSign, ServiceHeadings, SignCatalogue, SignGroup,
};
use crate::vocabulary::{ListGroup, NamedList, NamedLists, Slug};

/// Every box shows these, whatever its topic: the NHS back pain page's own "call 999 or go to
/// A&E if you have back pain and" list (both legs, genitals or bottom, peeing, bladder or bowel
/// control, chest pain, a serious accident).
pub static EMERGENCY_CORE: &[&str] = &[
    "saddle-numbness",
    "bladder-bowel",
    "both-legs",
    "chest-pain",
    "major-trauma",
];

/// The same core in a box about a child: the child signs that mean 999 (sepsis, meningitis),
/// then the signs that mean 999 or A&E at any age.
pub static CHILD_EMERGENCY_CORE: &[&str] = &[
    "child-floppy-or-drowsy",
    "child-rash-not-fading",
    "saddle-numbness",
    "bladder-bowel",
    "both-legs",
    "major-trauma",
];

/// Signs an author picks together, by topic. A name here is never also a rule id (tested).
pub static SIGN_GROUPS: &[(&str, &[&str])] = &[
    (
        "cauda-equina",
        &[
            "saddle-numbness",
            "bladder-bowel",
            "both-legs",
            "sexual-problems",
        ],
    ),
    (
        "heart-and-aorta",
        &[
            "chest-pain",
            "breathlessness",
            "tearing-pain",
            "faint-or-clammy",
            "possible-aortic-aneurysm",
            "possible-aortic-dissection",
            "possible-heart-attack",
        ],
    ),
    (
        "nerves",
        &[
            "both-legs",
            "fever-with-leg-weakness",
            "leg-weakness",
            "cough-worse",
            "leg-numbness-not-settling",
        ],
    ),
    (
        "injury",
        &[
            "major-trauma",
            "possible-fracture",
            "injury-severe-aged-50-plus",
            "fall-aged-65-plus",
            "injury-aged-50-plus",
        ],
    ),
    (
        "weak-bones",
        &[
            "possible-fracture",
            "fall-aged-65-plus",
            "weak-bones-fracture-check",
            "sudden-pain-aged-65-plus",
        ],
    ),
    (
        "infection",
        &[
            "possible-spinal-infection",
            "fever-with-leg-weakness",
            "fever",
            "infection-risk",
        ],
    ),
    (
        "cancer",
        &[
            "cancer-with-nerve-signs",
            "cancer-history",
            "weight-loss",
            "back-lump",
            "night-pain",
        ],
    ),
    (
        "kidney",
        &[
            "possible-kidney-infection",
            "blood-in-pee",
            "fever",
            "vomiting",
        ],
    ),
    (
        "tummy",
        &[
            "possible-aortic-aneurysm",
            "sudden-or-severe-tummy-pain",
            "abdominal-pain",
            "vomiting",
        ],
    ),
    (
        "pregnancy-signs",
        &[
            "pregnancy-contractions",
            "pregnancy-waters-breaking",
            "pregnancy-bleeding",
            "pregnancy-baby-moving-less",
            "pregnancy-pre-eclampsia-signs",
            "pregnancy-tummy-pain",
            "pregnancy-infection-signs",
        ],
    ),
    (
        "child-signs",
        &[
            "child-not-walking",
            "child-fever",
            "child-not-peeing",
            "under-5",
            "child-injury",
            "under-16",
        ],
    ),
    (
        "not-settling",
        &[
            "night-pain",
            "nothing-eases",
            "getting-worse",
            "severe-pain",
            "lasting-over-6-weeks",
        ],
    ),
];

/// Signs said about a child, to follow "… if your child has back pain and". Only these can be in
/// a box `for="child"`, so a parent never reads an adult sign such as erection problems.
pub static SPOKEN_TO_PARENT: &[(&str, &str)] = &[
    (
        "saddle-numbness",
        "numbness or tingling around their genitals, bottom or inner thighs",
    ),
    (
        "bladder-bowel",
        "they cannot pee, or cannot control when they pee or poo",
    ),
    ("both-legs", "pain, numbness or weakness in both legs"),
    (
        "major-trauma",
        "the pain started after a serious accident, such as a car crash or a bad fall",
    ),
    (
        "child-floppy-or-drowsy",
        "they are floppy, very sleepy or hard to wake",
    ),
    (
        "child-rash-not-fading",
        "a rash that does not fade when you press a glass on it",
    ),
    (
        "child-not-walking",
        "they will not walk or put weight on a leg, or have a new limp",
    ),
    ("child-fever", "a high temperature (38C or more)"),
    (
        "child-not-peeing",
        "they have not had a pee, or a wet nappy, for 12 hours",
    ),
    ("under-5", "they are under 5"),
    ("child-injury", "the pain is bad after a fall or knock"),
    ("fever", "a high temperature, or they feel hot and shivery"),
    ("leg-weakness", "weakness in one leg"),
    ("weight-loss", "they are losing weight without trying"),
    ("night-pain", "the pain is much worse at night"),
    (
        "back-lump",
        "a lump or swelling on their back, or a change in its shape",
    ),
    (
        "under-16",
        "none of the signs above: a GP should check any back pain in a child",
    ),
];

/// The heading of a service's list in a box about a child.
fn heading_to_parent(service: Service) -> &'static str {
    match service {
        Service::Call999 => "Call 999 if your child has back pain and",
        Service::GoToAe => "Go to A&E now if your child has back pain and",
        Service::MaternityUnit => service.list_heading(),
        Service::SameDay => "Call 111 or your GP surgery today if your child has back pain and",
        Service::GpOrPhysio => "See a GP within 2 weeks if your child has back pain and",
        Service::SelfCare => "You can usually look after your child's back pain at home if",
    }
}

/// Every rule's sign, grouped and headed as the boxes show them.
pub fn sign_catalogue() -> SignCatalogue {
    let services: Vec<Service> = Service::ALL.iter().rev().copied().collect();
    let ids = |ids: &[&str]| ids.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
    SignCatalogue {
        services: services
            .iter()
            .map(|&service| ServiceHeadings {
                urgency: Slug::from_static(service.urgency().value()),
                to_reader: service.list_heading().to_owned(),
                to_parent: heading_to_parent(service).to_owned(),
                action: sign_words::action(service).to_owned(),
                named_by: ids(sign_words::named_by(service)),
            })
            .collect(),
        signs: RULES
            .iter()
            .map(|rule| PickableSign {
                id: rule.id.as_str().to_owned(),
                service: services
                    .iter()
                    .position(|&s| s == rule.service)
                    .unwrap_or(0),
                words: rule.sign.to_owned(),
                to_parent: SPOKEN_TO_PARENT
                    .iter()
                    .find(|(id, _)| rule.id == *id)
                    .map(|(_, words)| (*words).to_owned()),
                phrases: sign_words::phrases(rule.id.as_str()),
            })
            .collect(),
        groups: SIGN_GROUPS
            .iter()
            .map(|(name, signs)| SignGroup {
                name: (*name).to_owned(),
                signs: ids(signs),
            })
            .collect(),
        core: ids(EMERGENCY_CORE),
        child_core: ids(CHILD_EMERGENCY_CORE),
        full_list_article: FULL_LIST_PAGE.to_owned(),
    }
}

/// The lists an article shows with `{{ red_flags(urgency="emergency") }}` (or "urgent" or
/// "soon"): each urgency's signs grouped by the service they lead to, most urgent first. Content
/// takes them from its caller (`LoadOptions::lists`), so the articles and the checker read the
/// same rules and cannot disagree.
pub fn article_sign_lists() -> NamedLists {
    let lists = Urgency::ALL
        .iter()
        .rev()
        .filter(|&&urgency| urgency != Urgency::SelfCare)
        .map(|&urgency| NamedList {
            name: Slug::from_static(urgency.value()),
            groups: Service::ALL
                .iter()
                .rev()
                .filter(|service| service.urgency() == urgency)
                .map(|&service| ListGroup {
                    heading: service.list_heading().to_owned(),
                    items: rules_for_service(service)
                        .map(|rule| rule.sign.to_owned())
                        .collect(),
                })
                .collect(),
        })
        .collect();
    NamedLists::new(lists).with_catalogue(sign_catalogue())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::rules::rule;
    use crate::vocabulary::lists::MOST_PICKED;

    #[test]
    fn every_name_is_a_rule_and_no_group_is_named_like_a_rule() {
        let named = EMERGENCY_CORE
            .iter()
            .chain(CHILD_EMERGENCY_CORE)
            .chain(SIGN_GROUPS.iter().flat_map(|(_, signs)| signs.iter()))
            .chain(SPOKEN_TO_PARENT.iter().map(|(id, _)| id));
        for id in named {
            assert!(rule(id).is_some(), "no rule {id}");
        }
        for (name, _) in SIGN_GROUPS {
            assert!(rule(name).is_none(), "group {name} is also a rule id");
        }
    }

    #[test]
    fn the_core_is_all_emergency_and_every_group_fits_a_box() {
        for id in EMERGENCY_CORE.iter().chain(CHILD_EMERGENCY_CORE) {
            let service = rule(id).map(|rule| rule.service);
            assert!(
                matches!(service, Some(Service::Call999 | Service::GoToAe)),
                "{id}"
            );
        }
        for (name, signs) in SIGN_GROUPS {
            assert!(signs.len() <= MOST_PICKED, "{name}");
        }
    }

    #[test]
    fn the_child_core_can_be_said_to_a_parent() {
        for id in CHILD_EMERGENCY_CORE {
            assert!(
                SPOKEN_TO_PARENT.iter().any(|(known, _)| known == id),
                "{id}"
            );
        }
        for (_, words) in SPOKEN_TO_PARENT {
            assert!(!words.contains("your "), "\"{words}\" speaks to the child");
        }
    }

    #[test]
    fn the_catalogue_heads_each_sign_with_its_rules_service() {
        let catalogue = sign_catalogue();
        for rule in RULES {
            let sign = catalogue
                .sign(rule.id.as_str())
                .expect("every rule can be picked");
            assert_eq!(
                catalogue.services[sign.service].to_reader,
                rule.service.list_heading()
            );
        }
    }
}
