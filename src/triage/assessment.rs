//! Turns `Answers` into an `Assessment`: the urgency from the rules, plus tailored advice,
//! articles to read and safety-net lines, each chosen from a small table below.

use super::answers::{Answers, Duration, EasedBy, Location, Onset, RawAnswers, Symptom, Trigger};
use super::rules::{RULES, Rule, Urgency};

/// What the result page shows. Every field is ready to display; the template decides nothing.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The most urgent rule that fired, or `SelfCare` when none did.
    pub urgency: Urgency,
    /// Every rule that fired, most urgent first.
    pub fired: Vec<&'static Rule>,
    pub advice: Vec<Advice>,
    /// Up to 4 article slugs, most relevant first: at least 2, except that an emergency
    /// result links only to articles about getting help or the cause, never to self-care.
    pub articles: Vec<&'static str>,
    /// When to get more help than this result suggests.
    pub safety_net: Vec<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Advice {
    pub heading: &'static str,
    pub text: &'static str,
}

/// Every article slug the assessment may link to; the web layer can check these all exist.
pub const ARTICLE_SLUGS: &[&str] = &[
    "back-spasms",
    "muscle-strains",
    "posture-overuse-and-lifting",
    "period-pain",
    "spine-problems",
    "back-pain-with-stomach-cramps",
    "back-pain-in-pregnancy",
    "warming-up",
    "lifting-safely",
    "stretching-safely",
    "desk-setup-and-posture",
    "supportive-shoes",
    "heat-therapy",
    "pain-medicines",
    "massage",
    "gentle-stretches",
    "staying-active",
    "when-to-get-help",
];

const MAX_ARTICLES: usize = 4;

/// The articles an emergency result may link to: about getting help or about what may be
/// wrong. Everything else (heat, stretches, painkillers, staying active, lifting) is about
/// looking after yourself, which would contradict "Call 999 now" and, after an accident,
/// "keep still".
const EMERGENCY_ARTICLES: &[&str] = &[
    "when-to-get-help",
    "spine-problems",
    "back-pain-with-stomach-cramps",
    "back-pain-in-pregnancy",
];

/// Applies the rules and picks the advice, articles and safety net to go with the result.
pub fn assess(answers: &Answers) -> Assessment {
    let mut fired: Vec<&'static Rule> = RULES
        .iter()
        .filter(|rule| (rule.applies)(answers))
        .collect();
    // RULES is kept most urgent first (a test checks), but sorting here means the result
    // never depends on that; the sort is stable so table order still breaks ties.
    fired.sort_by_key(|rule| std::cmp::Reverse(rule.urgency));
    let urgency = fired.first().map_or(Urgency::SelfCare, |rule| rule.urgency);

    Assessment {
        urgency,
        advice: advice(answers, urgency),
        articles: articles(answers, urgency),
        safety_net: safety_net(urgency),
        fired,
    }
}

/// The emergency rules that fire on what the reader did answer, even when the form has
/// mistakes or gaps: a missing age must not hide "Call 999" from someone who ticked numbness
/// between the legs. A question left out or answered wrongly takes a calm value that no
/// emergency rule fires on by itself (lower back, gradual, under a week, pain 0, age 35), and
/// only the listed choices of a checkbox question are kept.
pub fn emergency_signs(raw: &RawAnswers) -> Vec<&'static Rule> {
    let errors = match Answers::parse(raw) {
        Ok(answers) => return emergency_rules(&answers),
        Err(errors) => errors,
    };
    let mut calm = raw.clone();
    for error in &errors {
        let calm_value = |value: &str| vec![value.to_owned()];
        match error.field {
            "location" => calm.location = calm_value(Location::Lower.value()),
            "onset" => calm.onset = calm_value(Onset::Gradual.value()),
            "duration" => calm.duration = calm_value(Duration::UnderOneWeek.value()),
            "severity" => calm.severity = calm_value("0"),
            "age" => calm.age = calm_value("35"),
            "trigger" => calm.trigger.retain(|v| Trigger::from_value(v).is_some()),
            "symptom" => calm.symptom.retain(|v| Symptom::from_value(v).is_some()),
            _ => calm.eased_by.retain(|v| EasedBy::from_value(v).is_some()),
        }
    }
    Answers::parse(&calm).map_or_else(|_| Vec::new(), |answers| emergency_rules(&answers))
}

fn emergency_rules(answers: &Answers) -> Vec<&'static Rule> {
    RULES
        .iter()
        .filter(|rule| rule.urgency == Urgency::Emergency && (rule.applies)(answers))
        .collect()
}

/// A piece of advice and when it applies. Advice for looking after yourself is only given
/// when self-care is part of the plan (`Soon` or `SelfCare`): with a 999 or same-day result
/// it would distract from getting help.
struct AdviceRule {
    applies: fn(&Answers, Urgency) -> bool,
    advice: Advice,
}

fn looking_after_yourself(urgency: Urgency) -> bool {
    urgency <= Urgency::Soon
}

fn has_leg_pain(a: &Answers) -> bool {
    a.has_symptom(Symptom::Sciatica) || a.has_symptom(Symptom::LegNumbness)
}

/// Most specific first; every entry that applies is shown, in this order.
static ADVICE: &[AdviceRule] = &[
    // ---- While waiting for emergency help ----
    AdviceRule {
        applies: |a, u| u == Urgency::Emergency && a.has_symptom(Symptom::Contractions),
        advice: Advice {
            heading: "Call your maternity unit",
            text: "Have your maternity notes ready when you call. If you cannot get through straight away, call 999.",
        },
    },
    AdviceRule {
        applies: |a, u| {
            u == Urgency::Emergency
                && (a.has_symptom(Symptom::MajorTrauma) || a.has_trigger(Trigger::Injury))
        },
        advice: Advice {
            heading: "Keep still until help arrives",
            text: "After a fall or accident, try not to move your back or neck unless you are in danger where you are.",
        },
    },
    AdviceRule {
        applies: |_, u| u == Urgency::Emergency,
        advice: Advice {
            heading: "While you wait",
            text: "If you can, ask someone to stay with you. Find a list of the medicines you take, or their boxes, to show the ambulance crew or hospital staff.",
        },
    },
    // ---- Getting help today ----
    AdviceRule {
        applies: |_, u| u == Urgency::Urgent,
        advice: Advice {
            heading: "Say what you told us",
            text: "When you call 111 or your GP surgery, say that you have back pain and mention the signs listed on this page, so they can judge how quickly to see you.",
        },
    },
    AdviceRule {
        applies: |a, u| u == Urgency::Urgent && !a.has_trigger(Trigger::Pregnancy),
        advice: Advice {
            heading: "Pain relief while you wait",
            text: "Paracetamol can help while you wait to be seen, if it is safe for you. A pharmacist can tell you what you can take.",
        },
    },
    AdviceRule {
        applies: |_, u| u == Urgency::Soon,
        advice: Advice {
            heading: "Before your appointment",
            text: "Note when the pain started, what makes it better or worse and which painkillers you have tried, so you can tell the GP.",
        },
    },
    // ---- Looking after yourself, tailored to what brought the pain on ----
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && a.has_trigger(Trigger::Lifting),
        advice: Advice {
            heading: "Lift safely while your back heals",
            text: "Avoid heavy lifting for now. When you do lift, keep the load close to your body, bend your knees and hips rather than your back, and turn with your feet instead of twisting.",
        },
    },
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && a.has_trigger(Trigger::Menstruation),
        advice: Advice {
            heading: "Ease period pain",
            text: "Ibuprofen often works best for period cramps if you take it as soon as the pain starts, as long as it is safe for you. Heat on your tummy or lower back and gentle exercise can also help.",
        },
    },
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && a.has_trigger(Trigger::Posture),
        advice: Advice {
            heading: "Set up where you sit",
            text: "Have your screen at eye level, your feet flat on the floor and your lower back supported by the chair. Get up and move about at least every 30 minutes.",
        },
    },
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && a.has_trigger(Trigger::Exercise),
        advice: Advice {
            heading: "Return to exercise gradually",
            text: "Ease off the activity that hurt your back for a few days, then build back up slowly. Warm up before you start and stretch gently afterwards.",
        },
    },
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && a.has_trigger(Trigger::Pregnancy),
        advice: Advice {
            heading: "Look after your back in pregnancy",
            text: "Wear flat shoes, bend your knees when you pick things up, and sleep on your side with a pillow between your knees. Ask a pharmacist or your midwife before taking any painkillers.",
        },
    },
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && has_leg_pain(a),
        advice: Advice {
            heading: "Help leg pain settle",
            text: "Keep moving gently and avoid sitting still for long spells. Pain that travels down a leg usually gets better within 4 to 6 weeks.",
        },
    },
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && a.severity.get() >= 7,
        advice: Advice {
            heading: "Ask a pharmacist about pain relief",
            text: "Strong pain makes it hard to keep moving. A pharmacist can tell you which painkillers are safe for you and how to take them so they work well.",
        },
    },
    // ---- Heat: keep going if it already helps, otherwise worth a try ----
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && a.is_eased_by(EasedBy::Heat),
        advice: Advice {
            heading: "Keep using heat safely",
            text: "Heat helps you, so keep using it. Wrap a hot water bottle or heat pack in a towel, use it for up to 20 minutes at a time, and never fall asleep on it.",
        },
    },
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && !a.is_eased_by(EasedBy::Heat),
        advice: Advice {
            heading: "Try heat",
            text: "Heat can relax muscles that have tightened. Try a hot water bottle wrapped in a towel or a warm bath, for up to 20 minutes at a time.",
        },
    },
    // ---- Movement: one of these three, depending on what eases the pain ----
    AdviceRule {
        applies: |a, u| looking_after_yourself(u) && a.is_eased_by(EasedBy::Movement),
        advice: Advice {
            heading: "Keep moving",
            text: "Moving eases your pain, so keep it up. Short walks and gentle activity through the day help your back recover faster than rest.",
        },
    },
    AdviceRule {
        applies: |a, u| {
            looking_after_yourself(u)
                && a.is_eased_by(EasedBy::Rest)
                && !a.is_eased_by(EasedBy::Movement)
        },
        advice: Advice {
            heading: "Rest in short spells",
            text: "Resting eases your pain, but long rests make backs stiffer. Rest for a short while, then get up and move about gently.",
        },
    },
    AdviceRule {
        applies: |a, u| {
            looking_after_yourself(u)
                && !a.is_eased_by(EasedBy::Rest)
                && !a.is_eased_by(EasedBy::Movement)
        },
        advice: Advice {
            heading: "Stay active",
            text: "Carry on with your normal activities as much as you can. Staying active helps back pain get better faster than resting in bed.",
        },
    },
];

fn advice(answers: &Answers, urgency: Urgency) -> Vec<Advice> {
    ADVICE
        .iter()
        .filter(|rule| (rule.applies)(answers, urgency))
        .map(|rule| rule.advice)
        .collect()
}

/// Articles worth reading when `applies` holds for the answers.
struct ArticleLink {
    applies: fn(&Answers) -> bool,
    slugs: &'static [&'static str],
}

/// In order of relevance: the first matches come first, and the per-urgency fallbacks below
/// fill the list up to at least two.
static ARTICLE_LINKS: &[ArticleLink] = &[
    ArticleLink {
        applies: |a| a.has_symptom(Symptom::Contractions) || a.has_trigger(Trigger::Pregnancy),
        slugs: &["back-pain-in-pregnancy"],
    },
    ArticleLink {
        applies: |a| a.has_symptom(Symptom::AbdominalPain) || a.has_symptom(Symptom::Vomiting),
        slugs: &["back-pain-with-stomach-cramps"],
    },
    ArticleLink {
        applies: |a| a.has_trigger(Trigger::Menstruation),
        slugs: &["period-pain"],
    },
    ArticleLink {
        applies: |a| {
            [
                Symptom::Sciatica,
                Symptom::LegNumbness,
                Symptom::LegWeakness,
                Symptom::BothLegs,
            ]
            .into_iter()
            .any(|s| a.has_symptom(s))
        },
        slugs: &["spine-problems"],
    },
    ArticleLink {
        applies: |a| a.has_trigger(Trigger::Lifting),
        slugs: &["lifting-safely", "heat-therapy"],
    },
    ArticleLink {
        applies: |a| a.has_trigger(Trigger::Posture),
        slugs: &["desk-setup-and-posture"],
    },
    ArticleLink {
        applies: |a| a.has_trigger(Trigger::Exercise),
        slugs: &["warming-up", "stretching-safely"],
    },
];

fn fallback_articles(urgency: Urgency) -> &'static [&'static str] {
    match urgency {
        Urgency::Emergency => &[],
        Urgency::Urgent => &["pain-medicines", "staying-active"],
        Urgency::Soon => &["staying-active", "pain-medicines", "back-spasms"],
        Urgency::SelfCare => &[
            "back-spasms",
            "heat-therapy",
            "staying-active",
            "gentle-stretches",
            "pain-medicines",
        ],
    }
}

fn articles(answers: &Answers, urgency: Urgency) -> Vec<&'static str> {
    // The "when to get help" page leads when the reader needs to act now.
    let first: &[&str] = if urgency >= Urgency::Urgent {
        &["when-to-get-help"]
    } else {
        &[]
    };
    let matched = ARTICLE_LINKS
        .iter()
        .filter(|link| (link.applies)(answers))
        .flat_map(|link| link.slugs.iter());
    let mut chosen: Vec<&'static str> = Vec::with_capacity(MAX_ARTICLES);
    for &slug in first
        .iter()
        .chain(matched)
        .chain(fallback_articles(urgency))
    {
        if chosen.len() == MAX_ARTICLES {
            break;
        }
        let allowed = urgency != Urgency::Emergency || EMERGENCY_ARTICLES.contains(&slug);
        if allowed && !chosen.contains(&slug) {
            chosen.push(slug);
        }
    }
    chosen
}

/// The cauda equina signs, on every result: they can come on later, and waiting costs nerves.
const CAUDA_EQUINA_999: &str = "Call 999 if you get numbness or tingling around your genitals or buttocks, cannot control when you pee or poo, or have pain, numbness or weakness in both legs.";
const CHEST_999: &str =
    "Call 999 if you get chest pain, difficulty breathing, or sudden severe pain in your tummy.";
const URGENT_SIGNS_111: &str = "Call 111 or ask for an urgent GP appointment if you get a high temperature, lose weight without trying, or the pain becomes much worse at night.";

fn safety_net(urgency: Urgency) -> Vec<&'static str> {
    let lines: &[&str] = match urgency {
        Urgency::Emergency => &[
            "Do not drive yourself to hospital. If an ambulance will take a long time, ask someone else to drive you to A&E.",
            "If you feel worse while you wait, call 999 again.",
            CAUDA_EQUINA_999,
        ],
        Urgency::Urgent => &[
            CAUDA_EQUINA_999,
            CHEST_999,
            "If you cannot get a GP appointment today, call 111 or use NHS 111 online.",
            "If you feel worse while you wait, do not wait for your appointment: call 111.",
        ],
        Urgency::Soon => &[
            CAUDA_EQUINA_999,
            CHEST_999,
            URGENT_SIGNS_111,
            "If you cannot see a GP in the next few days, a pharmacist or NHS 111 can advise you.",
        ],
        Urgency::SelfCare => &[
            CAUDA_EQUINA_999,
            CHEST_999,
            URGENT_SIGNS_111,
            "See a GP if your pain is not getting better after 2 weeks, stops you doing your usual activities, or keeps getting worse.",
        ],
    };
    lines.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::answers::RawAnswers;
    use crate::triage::test_support;
    use proptest::prelude::*;

    fn answers(form: &str) -> Answers {
        let raw: RawAnswers = serde_html_form::from_str(form).expect("test form is well formed");
        Answers::parse(&raw).unwrap_or_else(|errors| panic!("{form}: {errors:?}"))
    }

    const CALM: &str = "location=lower&onset=gradual&duration=under-1-week&severity=0&age=35";

    #[test]
    fn every_red_flag_symptom_alone_at_severity_0_is_an_emergency() {
        for symptom in [
            Symptom::SaddleNumbness,
            Symptom::BladderBowel,
            Symptom::BothLegs,
            Symptom::ChestPain,
            Symptom::Breathlessness,
            Symptom::MajorTrauma,
            Symptom::Contractions,
        ] {
            let form = format!("{CALM}&symptom={}", symptom.value());
            let result = assess(&answers(&form));
            assert_eq!(result.urgency, Urgency::Emergency, "{symptom:?} alone");
        }
    }

    #[test]
    fn no_rules_means_self_care() {
        let result = assess(&answers(CALM));
        assert_eq!(result.urgency, Urgency::SelfCare);
        assert!(result.fired.is_empty());
    }

    #[test]
    fn fired_rules_are_listed_most_urgent_first() {
        let result = assess(&answers(
            "location=middle&onset=gradual&duration=over-12-weeks&severity=9&age=70&symptom=fever&symptom=saddle-numbness",
        ));
        assert_eq!(result.urgency, Urgency::Emergency);
        let ids: Vec<_> = result.fired.iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            [
                "saddle-numbness",
                "fever",
                "lasting-over-6-weeks",
                "severe-pain",
                "middle-back"
            ]
        );
        assert!(
            result
                .fired
                .windows(2)
                .all(|p| p[0].urgency >= p[1].urgency)
        );
    }

    #[test]
    fn lifting_strain_gets_lifting_and_heat() {
        let result = assess(&answers(&format!("{CALM}&trigger=lifting")));
        assert_eq!(result.urgency, Urgency::SelfCare);
        assert_eq!(result.articles[..2], ["lifting-safely", "heat-therapy"]);
        let headings: Vec<_> = result.advice.iter().map(|a| a.heading).collect();
        assert!(headings.contains(&"Lift safely while your back heals"));
        assert!(headings.contains(&"Try heat"));
    }

    #[test]
    fn advice_follows_the_answers() {
        let headings = |form: &str| -> Vec<&'static str> {
            assess(&answers(form))
                .advice
                .iter()
                .map(|a| a.heading)
                .collect()
        };
        let period = headings(&format!(
            "{CALM}&trigger=menstruation&eased_by=heat&eased_by=movement"
        ));
        assert!(period.contains(&"Ease period pain"));
        assert!(period.contains(&"Keep using heat safely"));
        assert!(period.contains(&"Keep moving"));
        assert!(!period.contains(&"Try heat"));

        let desk = headings(&format!("{CALM}&trigger=posture&eased_by=rest"));
        assert!(desk.contains(&"Set up where you sit"));
        assert!(desk.contains(&"Rest in short spells"));

        let severe =
            headings("location=lower&onset=sudden&duration=under-1-week&severity=7&age=30");
        assert!(severe.contains(&"Ask a pharmacist about pain relief"));
        assert!(severe.contains(&"Stay active"));

        let emergency = headings(&format!("{CALM}&trigger=lifting&symptom=saddle-numbness"));
        assert!(emergency.contains(&"While you wait"));
        assert!(
            !emergency.contains(&"Lift safely while your back heals"),
            "no self-care advice with 999"
        );
    }

    #[test]
    fn articles_fit_the_answers() {
        let slugs = |form: &str| assess(&answers(form)).articles;
        assert_eq!(
            slugs(&format!("{CALM}&trigger=menstruation"))[0],
            "period-pain"
        );
        assert_eq!(
            slugs(&format!("{CALM}&trigger=posture"))[0],
            "desk-setup-and-posture"
        );
        assert_eq!(
            slugs(&format!("{CALM}&trigger=pregnancy"))[0],
            "back-pain-in-pregnancy"
        );
        assert_eq!(
            slugs(&format!("{CALM}&symptom=sciatica"))[0],
            "spine-problems"
        );
        assert_eq!(
            slugs(&format!("{CALM}&trigger=exercise"))[..2],
            ["warming-up", "stretching-safely"]
        );
        let tummy = slugs(&format!("{CALM}&symptom=abdominal-pain"));
        assert_eq!(
            tummy[..2],
            ["when-to-get-help", "back-pain-with-stomach-cramps"]
        );
        assert_eq!(
            slugs(CALM),
            [
                "back-spasms",
                "heat-therapy",
                "staying-active",
                "gentle-stretches"
            ]
        );
    }

    #[test]
    fn red_flags_are_found_in_an_incomplete_or_wrong_form() {
        let raw = |form: &str| -> RawAnswers { serde_html_form::from_str(form).unwrap() };
        let ids = |form: &str| {
            emergency_signs(&raw(form))
                .iter()
                .map(|rule| rule.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("symptom=saddle-numbness"), ["saddle-numbness"]);
        assert_eq!(
            ids(
                "age=&severity=ten&location=everywhere&symptom=chest-pain&symptom=made-up&trigger=x&eased_by=y"
            ),
            ["chest-pain"]
        );
        assert_eq!(
            ids("symptom=osteoporosis&trigger=injury&age=abc"),
            ["possible-fracture"]
        );
        assert_eq!(
            ids("onset=sudden&severity=9&age=70&symptom=abdominal-pain"),
            ["possible-aortic-aneurysm"]
        );
        assert!(ids("").is_empty());
        assert!(
            ids("symptom=fever&age=").is_empty(),
            "urgent is not emergency"
        );
        assert_eq!(
            ids(&format!("{CALM}&symptom=both-legs")),
            ["both-legs"],
            "a complete form gives the same rules"
        );
    }

    #[test]
    fn an_emergency_result_links_to_no_self_care_articles() {
        let slugs = |form: &str| assess(&answers(form)).articles;
        assert_eq!(
            slugs(&format!(
                "{CALM}&symptom=saddle-numbness&trigger=lifting&trigger=exercise&trigger=posture"
            )),
            ["when-to-get-help"]
        );
        assert_eq!(
            slugs(&format!("{CALM}&symptom=major-trauma&trigger=exercise")),
            ["when-to-get-help"]
        );
        assert_eq!(
            slugs(&format!("{CALM}&symptom=both-legs&trigger=lifting")),
            ["when-to-get-help", "spine-problems"]
        );
        assert_eq!(
            slugs(&format!("{CALM}&symptom=contractions")),
            ["when-to-get-help", "back-pain-in-pregnancy"]
        );
    }

    #[test]
    fn safety_net_always_names_the_cauda_equina_signs() {
        for form in [
            CALM.to_owned(),
            format!("{CALM}&symptom=worsening"),
            format!("{CALM}&symptom=fever"),
            format!("{CALM}&symptom=chest-pain"),
        ] {
            let result = assess(&answers(&form));
            assert!(result.safety_net.contains(&CAUDA_EQUINA_999), "{form}");
            assert!(
                result
                    .safety_net
                    .iter()
                    .any(|line| line.starts_with("Call 999 if")),
                "{form}"
            );
        }
        let emergency = assess(&answers(&format!("{CALM}&symptom=chest-pain")));
        assert!(emergency.safety_net[0].starts_with("Do not drive yourself"));
        let self_care = assess(&answers(CALM));
        assert!(
            self_care
                .safety_net
                .iter()
                .any(|l| l.contains("not getting better after 2 weeks"))
        );
    }

    proptest! {
        #[test]
        fn assess_never_panics_and_is_well_formed(answers in test_support::answers()) {
            let result = assess(&answers);
            prop_assert_eq!(result.urgency, result.fired.first().map_or(Urgency::SelfCare, |r| r.urgency));
            prop_assert!(result.fired.windows(2).all(|p| p[0].urgency >= p[1].urgency));
            let fewest = if result.urgency == Urgency::Emergency { 1 } else { 2 };
            prop_assert!((fewest..=MAX_ARTICLES).contains(&result.articles.len()), "{:?}", result.articles);
            if result.urgency == Urgency::Emergency {
                for slug in &result.articles {
                    prop_assert!(EMERGENCY_ARTICLES.contains(slug), "self-care article {} on a 999 result", slug);
                }
            }
            for slug in &result.articles {
                prop_assert!(ARTICLE_SLUGS.contains(slug), "unknown article {}", slug);
            }
            let mut unique = result.articles.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), result.articles.len());
            if result.urgency >= Urgency::Urgent {
                prop_assert_eq!(result.articles[0], "when-to-get-help");
            }
            prop_assert!(!result.advice.is_empty());
            prop_assert!(result.safety_net.contains(&CAUDA_EQUINA_999));
        }

        #[test]
        fn adding_a_symptom_never_lowers_urgency(
            answers in test_support::answers(),
            symptom in proptest::sample::select(Symptom::ALL),
        ) {
            let before = assess(&answers).urgency;
            let mut more = answers.clone();
            more.symptoms.insert(symptom);
            prop_assert!(assess(&more).urgency >= before, "{:?} lowered urgency for {:?}", symptom, answers);
        }

        #[test]
        fn adding_a_trigger_or_easing_answer_never_lowers_urgency(
            answers in test_support::answers(),
            trigger in proptest::sample::select(Trigger::ALL),
            eased in proptest::sample::select(EasedBy::ALL),
        ) {
            let before = assess(&answers).urgency;
            let mut more = answers.clone();
            more.triggers.insert(trigger);
            prop_assert!(assess(&more).urgency >= before);
            let mut more = answers.clone();
            more.eased_by.insert(eased);
            prop_assert!(assess(&more).urgency >= before);
        }

        #[test]
        fn worse_pain_never_lowers_urgency(answers in test_support::answers()) {
            let before = assess(&answers).urgency;
            let mut worse = answers.clone();
            worse.severity = crate::triage::answers::Severity::new(10).expect("10 is in range");
            prop_assert!(assess(&worse).urgency >= before);
        }
    }
}
