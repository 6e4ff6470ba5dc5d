//! The checker's warning signs in the words people write them ("I can't pee", "my legs gave
//! way"), for scanning free text: discussion posts and search queries (`discussion::red_flags`).
//! Each entry names the rules whose sign it is, and a test holds the two together: every sign on
//! the emergency screen and every pregnancy warning sign has words here, and every entry stands
//! for rules that exist.

/// One warning sign as people write it. A phrase matches whole words; a trailing `*` matches any
/// word starting with it. An `all` group matches when every phrase in it is present.
#[derive(Debug)]
pub struct LayWarningSign {
    pub id: &'static str,
    /// What the sign is, as shown to moderators and searchers: "numbness or loss of feeling".
    pub label: &'static str,
    pub any: &'static [&'static str],
    pub all: &'static [&'static [&'static str]],
    /// The ids of the rules (`triage::RULES`) this sign stands for.
    pub rules: &'static [&'static str],
}

impl LayWarningSign {
    /// Every phrase, from `any` and from the `all` groups.
    pub fn phrases(&self) -> impl Iterator<Item = &'static str> {
        self.any
            .iter()
            .chain(self.all.iter().flat_map(|group| group.iter()))
            .copied()
    }
}

pub static LAY_WARNING_SIGNS: &[LayWarningSign] = &[
    LayWarningSign {
        id: "numbness",
        label: "numbness or loss of feeling",
        any: &[
            "numb",
            "numbness",
            "numbed",
            "cannot feel",
            "no feeling",
            "lost feeling",
            "loss of feeling",
        ],
        all: &[],
        rules: &["saddle-numbness"],
    },
    LayWarningSign {
        id: "bladder-bowel",
        label: "problems peeing or controlling the bladder or bowel",
        any: &[
            "cannot pee",
            "cannot wee",
            "cannot urinate",
            "cannot poo",
            "wet myself",
            "peed myself",
            "pee myself",
            "soiled myself",
            "incontinen*",
            "bladder control",
            "bowel control",
            "control my bladder",
            "control my bowel*",
            "control of my bladder",
            "control of my bowel*",
        ],
        all: &[],
        rules: &["bladder-bowel"],
    },
    LayWarningSign {
        id: "leg-weakness",
        label: "weakness in the legs",
        any: &[
            "both legs",
            "legs are weak",
            "legs feel weak",
            "leg weakness",
            "weak legs",
            "legs gave way",
            "legs giving way",
            "cannot walk",
            "cannot stand",
            "unsteady on my feet",
            "legs feel heavy",
            "legs are heavy",
        ],
        all: &[],
        rules: &["both-legs", "leg-weakness", "walking-difficulty"],
    },
    LayWarningSign {
        id: "sexual-problems",
        label: "new problems with sex, such as no feeling or erection problems",
        any: &["erection", "erectile", "ejaculat*"],
        all: &[],
        rules: &["sexual-problems"],
    },
    LayWarningSign {
        id: "chest-pain",
        label: "chest pain or breathing problems",
        any: &[
            "chest pain*",
            "pain in my chest",
            "tight chest",
            "chest is tight",
            "chest tightness",
            "cannot breathe",
            "short of breath",
            "breathless*",
        ],
        all: &[],
        rules: &["chest-pain", "breathlessness"],
    },
    LayWarningSign {
        id: "tearing-pain",
        label: "sudden tearing or ripping pain",
        any: &[
            "tearing pain",
            "ripping pain",
            "tearing feeling",
            "ripping feeling",
        ],
        all: &[],
        rules: &["tearing-pain"],
    },
    LayWarningSign {
        id: "faint-or-clammy",
        label: "feeling faint or clammy, or passing out",
        any: &[
            "fainted",
            "fainting",
            "feel faint",
            "feeling faint",
            "felt faint",
            "passed out",
            "blacked out",
            "clammy",
        ],
        all: &[],
        rules: &["faint-or-clammy"],
    },
    LayWarningSign {
        id: "confused-or-drowsy",
        label: "confusion, or being very sleepy or hard to wake",
        any: &[
            "feel confused",
            "feeling confused",
            "felt confused",
            "very drowsy",
            "hard to wake",
            "cannot wake",
        ],
        all: &[],
        rules: &["confused-or-drowsy"],
    },
    LayWarningSign {
        id: "fever",
        label: "fever",
        any: &[
            "fever*",
            "high temperature",
            "feverish",
            "night sweats",
            "shivering",
        ],
        all: &[],
        rules: &[
            "fever",
            "possible-spinal-infection",
            "fever-with-leg-weakness",
        ],
    },
    LayWarningSign {
        id: "pregnancy",
        label: "pregnancy with contractions, bleeding, waters breaking or the baby moving less",
        any: &[
            "back labour",
            "back labor",
            "in labour",
            "in labor",
            "baby moving less",
            "baby is moving less",
            "baby not moving",
            "baby stopped moving",
            "baby has stopped moving",
        ],
        all: &[
            &["pregnan*", "contraction*"],
            &["pregnan*", "bleed*"],
            &["pregnan*", "waters"],
            &["weeks", "contraction*"],
            &["pregnan*", "headache*"],
            &["pregnan*", "blurred"],
            &["pregnan*", "shoulder tip"],
            &["pregnan*", "fever*"],
            &["gave birth", "bleed*"],
            &["gave birth", "fever*"],
            &["caesarean", "fever*"],
            &["miscarriage", "bleed*"],
        ],
        rules: &[
            "pregnancy-contractions",
            "pregnancy-waters-breaking",
            "pregnancy-bleeding",
            "pregnancy-baby-moving-less",
            "pregnancy-pre-eclampsia-signs",
            "pregnancy-fever",
            "pregnancy-shoulder-tip-pain",
            "heavy-bleeding-after-birth",
            "early-pregnancy-bleeding",
            "early-pregnancy-shoulder-tip-pain",
            "early-pregnancy-cramps",
            "early-pregnancy-fever",
            "headache-or-vision-before-12-weeks",
        ],
    },
    LayWarningSign {
        id: "cancer-weight-loss",
        label: "cancer or unexplained weight loss",
        any: &["cancer", "weight loss", "losing weight", "lost weight"],
        all: &[],
        rules: &["cancer-history", "cancer-with-nerve-signs", "weight-loss"],
    },
    LayWarningSign {
        id: "major-injury",
        label: "a serious injury",
        any: &[
            "car crash",
            "car accident",
            "hit by a car",
            "fell from",
            "fall from",
            "broken back",
        ],
        all: &[],
        rules: &["major-trauma"],
    },
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::triage::rules::{RULES, When, rule};

    #[test]
    fn every_lay_sign_stands_for_rules_that_exist() {
        let mut ids = HashSet::new();
        for sign in LAY_WARNING_SIGNS {
            assert!(ids.insert(sign.id), "duplicate {}", sign.id);
            assert!(!sign.rules.is_empty(), "{} names no rule", sign.id);
            for id in sign.rules {
                assert!(rule(id).is_some(), "{}: no rule {id}", sign.id);
            }
            assert!(
                sign.phrases().next().is_some(),
                "{} has no phrases",
                sign.id
            );
            for phrase in sign.phrases() {
                assert_eq!(phrase, phrase.to_lowercase(), "{}: lowercase", sign.id);
                assert!(!phrase.contains("can't"), "{}: write cannot", sign.id);
            }
        }
    }

    /// The boxes a reader ticks as warning signs (the emergency screen, the pregnancy signs) are
    /// the ones a post or a search is most likely to describe, so each has words here.
    #[test]
    fn every_ticked_warning_sign_has_lay_words() {
        let named: HashSet<&str> = LAY_WARNING_SIGNS
            .iter()
            .flat_map(|sign| sign.rules.iter().copied())
            .collect();
        let ticked: Vec<&str> = RULES
            .iter()
            .filter(|rule| matches!(rule.when, When::Warning(_) | When::PregnancySign(..)))
            .map(|rule| rule.id.as_str())
            .collect();
        assert!(ticked.len() >= 15, "{ticked:?}");
        let missing: Vec<&&str> = ticked.iter().filter(|id| !named.contains(**id)).collect();
        assert!(missing.is_empty(), "no lay words for {missing:?}");
    }
}
