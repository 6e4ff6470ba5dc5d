//! The words articles use for warning signs and for services, so the one-truth check
//! (`content::one_truth`) can tell when a sentence sends a reader with a sign somewhere slower
//! than its rule. Kept beside the rules: change a rule's sign, check its words here.
//!
//! Each sign lists groups of words; a sentence names the sign when it has one word of every
//! group. Words are lowercase and match at the start of a word ("numb" matches "numbness").
//! Only signs with words people actually write in articles are here; the rest are not checked.

use super::rules::Service;

/// What to do, to finish a sentence such as "If the pain is between your shoulders, …".
pub fn action(service: Service) -> &'static str {
    match service {
        Service::Call999 => "call 999",
        Service::GoToAe => "go to A&E now",
        Service::MaternityUnit => "call your maternity unit now",
        Service::SameDay => "call 111 or your GP surgery today",
        Service::GpOrPhysio => "see a GP or physiotherapist within 2 weeks",
        Service::SelfCare => "look after it at home",
    }
}

/// The words that name each service in prose. A GP "today" or "urgent" is the same-day service;
/// a GP, doctor, physiotherapist or midwife without them is a routine appointment.
pub fn named_by(service: Service) -> &'static [&'static str] {
    match service {
        Service::Call999 => &["999", "ambulance"],
        Service::GoToAe => &["a&e", "a & e", "emergency department"],
        Service::MaternityUnit => &["maternity unit", "labour ward", "maternity triage"],
        Service::SameDay => &[
            "111",
            "urgent gp",
            "urgent appointment",
            "gp surgery today",
            "gp today",
            "same day",
            "same-day",
            "out-of-hours",
        ],
        Service::GpOrPhysio => &["gp", "doctor", "physiotherapist", "physio", "midwife"],
        Service::SelfCare => &["pharmacist", "pharmacy"],
    }
}

/// For each rule, the groups of words that name its sign in a sentence.
pub static SIGN_WORDS: &[(&str, &[&[&str]])] = &[
    (
        "chest-pain",
        &[&["chest pain", "pain in your chest", "chest pains"]],
    ),
    (
        "breathlessness",
        &[&[
            "difficulty breathing",
            "short of breath",
            "breathless",
            "hard to breathe",
        ]],
    ),
    ("tearing-pain", &[&["tearing", "ripping"]]),
    ("faint-or-clammy", &[&["faint", "clammy", "passed out"]]),
    ("confused-or-drowsy", &[&["confused", "hard to wake"]]),
    (
        "major-trauma",
        &[&[
            "car crash",
            "car accident",
            "serious accident",
            "fall from a height",
            "fell from a height",
        ]],
    ),
    (
        "saddle-numbness",
        &[
            &["numb", "tingl", "pins and needles", "loss of feeling"],
            &["genital", "bottom", "buttock", "inner thigh", "groin"],
        ],
    ),
    (
        "bladder-bowel",
        &[&[
            "cannot pee",
            "difficulty peeing",
            "problems peeing",
            "trouble peeing",
            "control when you pee",
            "bladder control",
            "bowel control",
            "control your bladder",
            "peeing or pooing yourself",
            "incontinen",
        ]],
    ),
    ("both-legs", &[&["both legs"]]),
    ("sexual-problems", &[&["erection", "ejaculat"]]),
    (
        "possible-fracture",
        &[
            &["weak bones", "osteoporosis", "thin bones"],
            &[
                "fall", "fell", "sudden", "break", "broken", "fracture", "knock",
            ],
        ],
    ),
    ("fall-aged-65-plus", &[&["fall", "fell", "knock"], &["65"]]),
    (
        "sudden-or-severe-tummy-pain",
        &[
            &["tummy pain", "pain in your tummy", "stomach pain"],
            &["sudden", "severe", "very bad"],
        ],
    ),
    (
        "pregnancy-contractions",
        &[&["pregnan"], &["contraction", "tightening"]],
    ),
    (
        "pregnancy-waters-breaking",
        &[&["waters break", "waters have broken", "waters breaking"]],
    ),
    (
        "pregnancy-bleeding",
        &[
            &["pregnan"],
            &["bleeding from your vagina", "vaginal bleeding"],
        ],
    ),
    (
        "pregnancy-baby-moving-less",
        &[&["moving less", "stopped moving", "not moving as much"]],
    ),
    (
        "pregnancy-pre-eclampsia-signs",
        &[
            &["pregnan"],
            &[
                "bad headache",
                "severe headache",
                "problems seeing",
                "blurred vision",
            ],
        ],
    ),
    (
        "pregnancy-tummy-pain",
        &[&["pregnan"], &["tummy pain", "pain in your tummy"]],
    ),
    ("under-5", &[&["under 5", "under five"]]),
    ("child-floppy-or-drowsy", &[&["floppy"]]),
    ("child-rash-not-fading", &[&["rash"], &["fade"]]),
    (
        "child-not-walking",
        &[&["will not walk", "new limp", "put weight on"]],
    ),
    ("fever", &[&["high temperature", "fever"]]),
    (
        "possible-kidney-infection",
        &[&[
            "pain when you pee",
            "burning when you pee",
            "pain or burning when you pee",
            "pee more often",
        ]],
    ),
    (
        "blood-in-pee",
        &[&["blood in your pee", "blood in your urine", "blood in pee"]],
    ),
    ("cancer-history", &[&["had cancer", "cancer in the past"]]),
    (
        "weight-loss",
        &[&[
            "losing weight without",
            "lost weight without",
            "weight loss",
        ]],
    ),
    (
        "back-lump",
        &[&["lump or swelling", "lump on your back", "lump in your back"]],
    ),
    (
        "night-pain",
        &[&[
            "worse at night",
            "wakes you at night",
            "wakes them at night",
        ]],
    ),
    (
        "nothing-eases",
        &[&[
            "does not get better when you rest",
            "does not improve with rest",
            "does not ease when you rest",
        ]],
    ),
    (
        "cough-worse",
        &[&[
            "worse when you cough",
            "cough, sneeze",
            "coughing, sneezing",
        ]],
    ),
    (
        "upper-back",
        &[&[
            "between your shoulder",
            "between the shoulder",
            "top of your back",
            "upper back",
        ]],
    ),
    (
        "leg-weakness",
        &[&[
            "weakness in one leg",
            "weak leg",
            "leg weakness",
            "weakness in your leg",
        ]],
    ),
];

/// A rule's sign words, owned, as `PickableSign::phrases` holds them.
pub fn phrases(rule: &str) -> Vec<Vec<String>> {
    SIGN_WORDS
        .iter()
        .find(|(id, _)| *id == rule)
        .map(|(_, groups)| {
            groups
                .iter()
                .map(|group| group.iter().map(|word| (*word).to_owned()).collect())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::rules::rule;

    #[test]
    fn every_entry_is_a_rule_once_in_lowercase() {
        let mut seen = Vec::new();
        for (id, groups) in SIGN_WORDS {
            assert!(rule(id).is_some(), "no rule {id}");
            assert!(!seen.contains(id), "{id} twice");
            seen.push(id);
            for word in groups.iter().flat_map(|group| group.iter()) {
                assert_eq!(*word, word.to_lowercase(), "{id}");
            }
        }
        for service in Service::ALL {
            for word in named_by(*service) {
                assert_eq!(*word, word.to_lowercase());
            }
        }
    }
}
