//! The triage rules as one table a clinician can read top to bottom: each rule's condition,
//! the urgency it implies, the reason shown to the reader and the source it comes from.

use super::answers::{Answers, Duration, EasedBy, Location, Onset, Symptom, Trigger};

/// How soon the reader should get help. `Ord` runs from least to most urgent, so the most
/// urgent rule that fires is simply the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    SelfCare,
    Soon,
    Urgent,
    Emergency,
}

impl Urgency {
    /// Least urgent first, matching `Ord`.
    pub const ALL: &[Self] = &[Self::SelfCare, Self::Soon, Self::Urgent, Self::Emergency];

    /// A stable machine name, for data files, CSS classes and test assertions.
    pub fn value(self) -> &'static str {
        match self {
            Self::SelfCare => "self-care",
            Self::Soon => "soon",
            Self::Urgent => "urgent",
            Self::Emergency => "emergency",
        }
    }

    pub fn from_value(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|u| u.value() == value)
    }

    pub fn headline(self) -> &'static str {
        match self {
            Self::Emergency => "Call 999 now",
            Self::Urgent => "Get help today: call 111 or ask for an urgent GP appointment",
            Self::Soon => "See a GP in the next few days",
            Self::SelfCare => "You can probably look after this yourself",
        }
    }

    /// One sentence on what to do next.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Emergency => {
                "Call 999 for an ambulance or go straight to A&E, and tell them about your back pain and the signs listed below."
            }
            Self::Urgent => {
                "Call 111 or your GP surgery today and explain that you need to be seen today because of the signs listed below."
            }
            Self::Soon => {
                "Book an appointment with a GP for the next few days; you do not need to go today, but get help sooner if anything changes."
            }
            Self::SelfCare => {
                "Back pain like yours usually gets better on its own within a few weeks, and the advice below can help it settle."
            }
        }
    }
}

/// Where a rule comes from, so a reader or reviewer can check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Source {
    pub title: &'static str,
    pub url: &'static str,
}

pub static NHS_BACK_PAIN: Source = Source {
    title: "NHS: Back pain",
    url: "https://www.nhs.uk/conditions/back-pain/",
};
pub static NHS_SCIATICA: Source = Source {
    title: "NHS: Sciatica",
    url: "https://www.nhs.uk/conditions/sciatica/",
};
pub static NHS_KIDNEY_INFECTION: Source = Source {
    title: "NHS: Kidney infection",
    url: "https://www.nhs.uk/conditions/kidney-infection/",
};
pub static NHS_AORTIC_ANEURYSM: Source = Source {
    title: "NHS: Abdominal aortic aneurysm",
    url: "https://www.nhs.uk/conditions/abdominal-aortic-aneurysm/",
};
pub static NHS_CAUDA_EQUINA: Source = Source {
    title: "NHS: Cauda equina syndrome",
    url: "https://www.nhs.uk/conditions/cauda-equina-syndrome/",
};
pub static NICE_NG59: Source = Source {
    title: "NICE guideline NG59: Low back pain and sciatica in over 16s",
    url: "https://www.nice.org.uk/guidance/ng59",
};
pub static NICE_CKS_BACK_PAIN: Source = Source {
    title: "NICE Clinical Knowledge Summaries: Back pain - low (without radiculopathy)",
    url: "https://cks.nice.org.uk/topics/back-pain-low-without-radiculopathy/",
};
pub static MAYO_BACK_PAIN: Source = Source {
    title: "Mayo Clinic: Back pain",
    url: "https://www.mayoclinic.org/diseases-conditions/back-pain/symptoms-causes/syc-20369906",
};
pub static NHS_PREGNANCY_BACK_PAIN: Source = Source {
    title: "NHS: Back pain in pregnancy",
    url: "https://www.nhs.uk/pregnancy/related-conditions/common-symptoms/back-pain/",
};
pub static NHS_SIGNS_OF_LABOUR: Source = Source {
    title: "NHS: Signs that labour has begun",
    url: "https://www.nhs.uk/pregnancy/labour-and-birth/signs-of-labour/signs-that-labour-has-begun/",
};

/// Every source a rule may cite, for a "sources" list on the "how it works" page.
pub static SOURCES: &[&Source] = &[
    &NHS_BACK_PAIN,
    &NHS_SCIATICA,
    &NHS_CAUDA_EQUINA,
    &NHS_KIDNEY_INFECTION,
    &NHS_AORTIC_ANEURYSM,
    &NHS_PREGNANCY_BACK_PAIN,
    &NHS_SIGNS_OF_LABOUR,
    &NICE_NG59,
    &NICE_CKS_BACK_PAIN,
    &MAYO_BACK_PAIN,
];

/// One triage rule. `applies` is a plain function of the answers, so a rule has no hidden
/// state and the table can be read, tested and published as it stands.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable kebab-case name, for tests, logs and anchors on the "how it works" page.
    pub id: &'static str,
    pub urgency: Urgency,
    /// Why this matters, in plain words, shown to the reader when the rule fires.
    pub reason: &'static str,
    /// A short phrase for lists ("you told us about: ...").
    pub sign: &'static str,
    pub source: &'static Source,
    pub applies: fn(&Answers) -> bool,
}

// Short names keep each condition on one readable line in the table below.
use Symptom::*;
use Urgency::*;

/// Weak bones: osteoporosis, or long-term steroid tablets which thin the bones.
fn has_weak_bones(a: &Answers) -> bool {
    a.has_symptom(Osteoporosis) || a.has_symptom(Steroids)
}

/// Pain that began within the last 6 weeks.
fn is_recent(a: &Answers) -> bool {
    matches!(a.duration, Duration::UnderOneWeek | Duration::OneToSixWeeks)
}

/// The rules, most urgent first. Where sources disagree the safer urgency is used.
pub static RULES: &[Rule] = &[
    // ---- Emergency: call 999 ----
    // Any single sign of cauda equina syndrome is enough, whatever the pain score.
    Rule {
        id: "saddle-numbness",
        urgency: Emergency,
        reason: "Numbness around your genitals or buttocks can be a sign of cauda equina syndrome, where the nerves at the bottom of the spine are squeezed. It needs treatment in hospital within hours to prevent lasting damage.",
        sign: "numbness or tingling around your genitals, buttocks or inner thighs",
        source: &NHS_CAUDA_EQUINA,
        applies: |a| a.has_symptom(SaddleNumbness),
    },
    Rule {
        id: "bladder-bowel",
        urgency: Emergency,
        reason: "New problems peeing, or losing control of your bladder or bowels, can be a sign of cauda equina syndrome, which needs treatment in hospital within hours.",
        sign: "problems peeing, or controlling when you pee or poo",
        source: &NHS_CAUDA_EQUINA,
        applies: |a| a.has_symptom(BladderBowel),
    },
    Rule {
        id: "both-legs",
        urgency: Emergency,
        reason: "Pain, numbness or weakness in both legs can mean the nerves at the bottom of your spine are being squeezed (cauda equina syndrome), which needs treatment in hospital straight away.",
        sign: "pain, numbness or weakness in both legs",
        source: &NHS_CAUDA_EQUINA,
        applies: |a| a.has_symptom(BothLegs),
    },
    Rule {
        id: "chest-pain",
        urgency: Emergency,
        reason: "Chest pain with back pain can be a sign of a heart attack or a tear in the main blood vessel of the body, which need treatment straight away.",
        sign: "chest pain",
        source: &NHS_BACK_PAIN,
        applies: |a| a.has_symptom(ChestPain),
    },
    Rule {
        id: "breathlessness",
        urgency: Emergency,
        reason: "Difficulty breathing with back pain can be a sign of bleeding from the main blood vessel in your tummy, or of a heart or lung problem, which need treatment straight away.",
        sign: "difficulty breathing",
        source: &NHS_AORTIC_ANEURYSM,
        applies: |a| a.has_symptom(Breathlessness),
    },
    Rule {
        id: "major-trauma",
        urgency: Emergency,
        reason: "Back pain after a serious accident can mean a broken bone in the spine, which needs checking in hospital before you move about.",
        sign: "back pain after a serious accident",
        source: &NHS_BACK_PAIN,
        applies: |a| a.has_symptom(MajorTrauma),
    },
    // A burst or leaking aortic aneurysm: sudden, severe back and tummy pain from middle age.
    Rule {
        id: "possible-aortic-aneurysm",
        urgency: Emergency,
        reason: "Sudden, severe pain in your back and tummy from the age of 50 can be a sign of a burst or leaking aortic aneurysm (a swelling in the main blood vessel), which is life-threatening.",
        sign: "sudden, severe back pain with tummy pain, aged 50 or over",
        source: &NHS_AORTIC_ANEURYSM,
        applies: |a| {
            a.onset == Onset::Sudden
                && a.severity.get() >= 7
                && a.has_symptom(AbdominalPain)
                && a.age.get() >= 50
        },
    },
    // Contractions count whether or not "pregnant" was ticked: the reader may have missed it,
    // and early labour or a problem in pregnancy cannot wait for a GP appointment.
    Rule {
        id: "contractions",
        urgency: Emergency,
        reason: "Back pain with contractions can mean labour has started, perhaps early. Call your maternity unit straight away, or 999 if you cannot reach them.",
        sign: "contractions or regular tightening of your tummy",
        source: &NHS_SIGNS_OF_LABOUR,
        applies: |a| a.has_symptom(Contractions),
    },
    Rule {
        id: "possible-fracture",
        urgency: Emergency,
        reason: "A fall or knock can break a bone in the spine if your bones are weakened by osteoporosis or long-term steroid tablets. This needs an X-ray and treatment quickly.",
        sign: "a fall or injury when you have weak bones or take steroids",
        source: &NICE_CKS_BACK_PAIN,
        applies: |a| {
            has_weak_bones(a) && (a.has_trigger(Trigger::Injury) || a.has_symptom(MajorTrauma))
        },
    },
    // ---- Urgent: get help today ----
    Rule {
        id: "fever",
        urgency: Urgent,
        reason: "A high temperature with back pain can be a sign of an infection, in the spine or the kidneys, that needs treatment soon.",
        sign: "a high temperature or feeling hot and shivery",
        source: &NHS_BACK_PAIN,
        applies: |a| a.has_symptom(Fever),
    },
    Rule {
        id: "weight-loss",
        urgency: Urgent,
        reason: "Losing weight without trying, together with back pain, should be checked by a doctor to rule out a serious cause such as cancer.",
        sign: "losing weight without trying",
        source: &NHS_BACK_PAIN,
        applies: |a| a.has_symptom(WeightLoss),
    },
    Rule {
        id: "back-lump",
        urgency: Urgent,
        reason: "A new lump or swelling on your back, or a change in its shape, should be checked by a doctor soon.",
        sign: "a lump, swelling or change in the shape of your back",
        source: &NHS_BACK_PAIN,
        applies: |a| a.has_symptom(BackLump),
    },
    Rule {
        id: "night-pain",
        urgency: Urgent,
        reason: "Pain that is much worse at night is less likely to be a simple strain, so a doctor should check it.",
        sign: "pain that is much worse at night",
        source: &NHS_BACK_PAIN,
        applies: |a| a.has_symptom(NightPain),
    },
    // Only an explicit "nothing": an empty answer means the reader did not say.
    Rule {
        id: "nothing-eases",
        urgency: Urgent,
        reason: "Pain from strained muscles usually eases at least a little with rest or a change of position. Pain that nothing eases should be checked by a doctor.",
        sign: "pain that nothing eases, not even rest",
        source: &MAYO_BACK_PAIN,
        applies: |a| a.is_eased_by(EasedBy::Nothing),
    },
    Rule {
        id: "cough-worse",
        urgency: Urgent,
        reason: "Pain that gets worse when you cough, sneeze or poo can mean something is pressing on a nerve in your spine, so a doctor should check it.",
        sign: "pain that is worse when you cough, sneeze or poo",
        source: &NHS_BACK_PAIN,
        applies: |a| a.has_symptom(CoughWorse),
    },
    Rule {
        id: "upper-back",
        urgency: Urgent,
        reason: "Pain in the upper back, between the shoulder blades, is less often a simple strain than lower back pain and can come from the heart, lungs or spine, so a doctor should check it.",
        sign: "pain in the upper back or between the shoulder blades",
        source: &NHS_BACK_PAIN,
        applies: |a| a.location == Location::Upper,
    },
    Rule {
        id: "cancer-history",
        urgency: Urgent,
        reason: "If you have had cancer, new back pain should be checked quickly in case the cancer has spread to the bones of the spine.",
        sign: "having had cancer",
        source: &NICE_CKS_BACK_PAIN,
        applies: |a| a.has_symptom(CancerHistory),
    },
    Rule {
        id: "weak-bones-sudden-pain",
        urgency: Urgent,
        reason: "Sudden back pain when you have osteoporosis or take long-term steroids can be a small break in a bone of the spine, even without a fall.",
        sign: "sudden pain when you have weak bones or take steroids",
        source: &NICE_CKS_BACK_PAIN,
        applies: |a| has_weak_bones(a) && a.onset == Onset::Sudden,
    },
    Rule {
        id: "leg-weakness",
        urgency: Urgent,
        reason: "Weakness in a leg can mean a nerve in your back is being pressed on. It should be checked the same day so it does not get worse.",
        sign: "weakness in a leg",
        source: &NHS_SCIATICA,
        applies: |a| a.has_symptom(LegWeakness),
    },
    // Middle-back pain sits over the kidneys, so with urinary symptoms it counts as a sign.
    Rule {
        id: "possible-kidney-infection",
        urgency: Urgent,
        reason: "Pain when you pee together with a high temperature, being sick or pain in the middle of your back can be a kidney infection, which needs antibiotics quickly.",
        sign: "pain when peeing with a high temperature, being sick or pain in the middle of your back",
        source: &NHS_KIDNEY_INFECTION,
        applies: |a| {
            a.has_symptom(Urinary)
                && (a.has_symptom(Fever)
                    || a.has_symptom(Vomiting)
                    || a.location == Location::Middle)
        },
    },
    Rule {
        id: "abdominal-pain",
        urgency: Urgent,
        reason: "Tummy pain with back pain can come from something inside the tummy, such as the kidneys, pancreas or gallbladder, rather than from the back, so it should be checked today.",
        sign: "tummy pain",
        source: &NICE_CKS_BACK_PAIN,
        applies: |a| a.has_symptom(AbdominalPain),
    },
    Rule {
        id: "vomiting",
        urgency: Urgent,
        reason: "Being sick with back pain can be a sign of a kidney infection, kidney stones or another problem inside the tummy, so it should be checked today.",
        sign: "being sick",
        source: &NHS_KIDNEY_INFECTION,
        applies: |a| a.has_symptom(Vomiting),
    },
    Rule {
        id: "injury-aged-65-plus",
        urgency: Urgent,
        reason: "From the age of 65 a bone in the spine can break after quite a small fall or knock, so back pain after an injury should be checked for a fracture.",
        sign: "a fall or injury at age 65 or over",
        source: &NICE_CKS_BACK_PAIN,
        applies: |a| a.has_trigger(Trigger::Injury) && a.age.get() >= 65,
    },
    // ---- Soon: see a GP in the next few days ----
    Rule {
        id: "lasting-over-6-weeks",
        urgency: Soon,
        reason: "Most back pain gets better within 6 weeks. Pain that lasts longer is worth a GP appointment, to look at other help such as physiotherapy.",
        sign: "pain that has lasted more than 6 weeks",
        source: &NICE_NG59,
        applies: |a| {
            matches!(
                a.duration,
                Duration::SixToTwelveWeeks | Duration::OverTwelveWeeks
            )
        },
    },
    Rule {
        id: "sciatica-not-settling",
        urgency: Soon,
        reason: "Pain or numbness that spreads into a leg comes from a nerve in the back. It often settles by itself, but after a week a GP can check it and help with the pain.",
        sign: "pain, numbness or tingling in a leg for more than a week",
        source: &NHS_SCIATICA,
        applies: |a| {
            (a.has_symptom(Sciatica) || a.has_symptom(LegNumbness))
                && a.duration != Duration::UnderOneWeek
        },
    },
    Rule {
        id: "severe-pain",
        urgency: Soon,
        reason: "Very bad pain is worth a GP appointment, to make sure you have the right pain relief and that nothing else is causing it.",
        sign: "very bad pain (8 or more out of 10)",
        source: &NHS_BACK_PAIN,
        applies: |a| a.severity.get() >= 8,
    },
    Rule {
        id: "getting-worse",
        urgency: Soon,
        reason: "Back pain from a strain usually eases bit by bit. Pain that keeps getting worse should be checked by a GP.",
        sign: "pain that is getting worse",
        source: &NHS_BACK_PAIN,
        applies: |a| a.has_symptom(Worsening),
    },
    Rule {
        id: "under-20",
        urgency: Soon,
        reason: "Back pain is less common in children and young people, so a GP should check for a cause that needs treatment.",
        sign: "being under 20",
        source: &NICE_CKS_BACK_PAIN,
        applies: |a| a.age.get() < 20,
    },
    Rule {
        id: "new-pain-50-plus",
        urgency: Soon,
        reason: "Back pain that starts from the age of 50 is more likely to have a cause other than a strain, so a GP should check it.",
        sign: "back pain that started in the last 6 weeks, aged 50 or over",
        source: &NICE_CKS_BACK_PAIN,
        applies: |a| a.age.get() >= 50 && is_recent(a),
    },
    Rule {
        id: "middle-back",
        urgency: Soon,
        reason: "Pain in the middle of the back is less often a simple strain than lower back pain and can come from the kidneys or the spine, so it is worth a GP appointment.",
        sign: "pain in the middle of the back",
        source: &NICE_CKS_BACK_PAIN,
        applies: |a| a.location == Location::Middle,
    },
    Rule {
        id: "pregnancy",
        urgency: Soon,
        reason: "Back pain is common in pregnancy, but your GP or midwife should know about it. They can check it and refer you to a physiotherapist if you need one.",
        sign: "back pain in pregnancy",
        source: &NHS_PREGNANCY_BACK_PAIN,
        applies: |a| a.has_trigger(Trigger::Pregnancy),
    },
    Rule {
        id: "urinary-symptoms",
        urgency: Soon,
        reason: "Pain or burning when you pee, or needing to pee more often, can be a urine infection that may need treatment.",
        sign: "pain or burning when you pee, or peeing more often",
        source: &NHS_KIDNEY_INFECTION,
        applies: |a| a.has_symptom(Urinary),
    },
];

/// The rules that imply one urgency, in table order.
pub fn rules_for(urgency: Urgency) -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(move |rule| rule.urgency == urgency)
}

/// A rule by its id, for tests and for linking to one rule on the "how it works" page.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
            assert!(
                !rule.id.is_empty()
                    && rule
                        .id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !rule.id.starts_with('-')
                    && !rule.id.ends_with('-'),
                "{} is not kebab-case",
                rule.id
            );
        }
    }

    #[test]
    fn table_is_ordered_most_urgent_first() {
        assert!(
            RULES
                .windows(2)
                .all(|pair| pair[0].urgency >= pair[1].urgency),
            "keep RULES grouped from Emergency down to Soon"
        );
    }

    #[test]
    fn every_rule_explains_itself_and_cites_a_listed_source() {
        for rule in RULES {
            assert!(
                rule.reason.ends_with('.'),
                "{}: reason should be a sentence",
                rule.id
            );
            assert!(
                !rule.sign.is_empty() && !rule.sign.ends_with('.'),
                "{}: sign is a phrase",
                rule.id
            );
            assert!(rule.source.url.starts_with("https://"), "{}", rule.id);
            assert!(
                SOURCES.contains(&rule.source),
                "{}: source not in SOURCES",
                rule.id
            );
            assert_ne!(
                rule.urgency, SelfCare,
                "{}: self-care is the default, not a rule",
                rule.id
            );
        }
    }

    #[test]
    fn rules_for_splits_the_table() {
        let counted: usize = Urgency::ALL.iter().map(|&u| rules_for(u).count()).sum();
        assert_eq!(counted, RULES.len());
        assert!(rules_for(Emergency).all(|r| r.urgency == Emergency));
        assert_eq!(rule("saddle-numbness").map(|r| r.urgency), Some(Emergency));
        assert!(rule("no-such-rule").is_none());
    }

    #[test]
    fn urgency_orders_and_names() {
        assert!(SelfCare < Soon && Soon < Urgent && Urgent < Emergency);
        for &urgency in Urgency::ALL {
            assert_eq!(Urgency::from_value(urgency.value()), Some(urgency));
            assert!(!urgency.headline().is_empty());
            assert!(urgency.explanation().ends_with('.'));
        }
        assert_eq!(Urgency::from_value("panic"), None);
    }
}
