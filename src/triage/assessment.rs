//! Turns the form into an `Outcome`: a result (the service from the rules, plus advice, articles
//! and safety-net lines, each chosen from a small table below), a follow-up question, or the
//! problems to fix. Advice that could harm is held back by the `ADVICE_FILTERS` table.

use super::answers::{
    Answers, EasedBy, History, Incomplete, PregnancyStage, Question, RawAnswers, Screen, Symptom,
    Trigger, Warning,
};
use super::rules::{
    NHS_ANTICOAGULANTS, NHS_IBUPROFEN, NHS_KIDNEY_INFECTION, NHS_SCIATICA, NICE_CKS_BACK_PAIN,
    RULES, Rule, Service, Source, Urgency,
};
use crate::vocabulary::Slug;

/// What the checker says about one posted form. A result is much larger than the other two
/// outcomes, but only one outcome exists per request, so boxing it would buy nothing.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    /// The result. `answers` is `None` when an emergency sign was ticked on a form that was not
    /// finished: the emergency is never held behind a problem with another question.
    Result {
        assessment: Assessment,
        answers: Option<Answers>,
    },
    /// The main form is fine, and these follow-up questions now apply: unanswered, or answered
    /// with the problems listed.
    FollowUp {
        questions: Vec<Question>,
        errors: Vec<super::answers::FieldError>,
    },
    /// Every problem to fix, in form order.
    Problems(Vec<super::answers::FieldError>),
}

/// Reads a posted form and decides what to show.
pub fn check(raw: &RawAnswers) -> Outcome {
    match Answers::parse(raw) {
        Ok(answers) => Outcome::Result {
            assessment: assess(&answers),
            answers: Some(answers),
        },
        Err(Incomplete { screen, .. }) if !screen.is_empty() => Outcome::Result {
            assessment: assess_screen(&screen),
            answers: None,
        },
        Err(Incomplete {
            follow_ups, errors, ..
        }) if errors
            .iter()
            .all(|e| Question::FOLLOW_UPS.contains(&e.question))
            && (!errors.is_empty() || !follow_ups.is_empty()) =>
        {
            let mut questions = follow_ups;
            questions.extend(errors.iter().map(|error| error.question));
            questions.sort_unstable();
            questions.dedup();
            Outcome::FollowUp { questions, errors }
        }
        Err(Incomplete { errors, .. }) => Outcome::Problems(errors),
    }
}

/// Who the result speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Adult,
    /// The checker is written for adults; for a child the words speak to their parent.
    Parent,
}

/// What the result page shows. Every field is ready to display; the template decides nothing.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// Where to go: the most urgent rule that fired, or self-care when none did.
    pub service: Service,
    pub audience: Audience,
    pub headline: &'static str,
    pub explanation: &'static str,
    /// Every rule that fired, most urgent first.
    pub fired: Vec<&'static Rule>,
    pub advice: Vec<Advice>,
    /// Up to 4 article slugs, most relevant first. An emergency result links only to articles
    /// about getting help or the cause, never to self-care.
    pub articles: Vec<&'static Slug>,
    /// What to do if things get worse, each line with who to call and when.
    pub safety_net: Vec<&'static str>,
    /// How back pain like this usually goes, for GP and self-care results (NHS words).
    pub outlook: Option<&'static str>,
}

impl Assessment {
    pub fn urgency(&self) -> Urgency {
        self.service.urgency()
    }

    /// The reasons for the result's own level, shown first.
    pub fn main_reasons(&self) -> Vec<&'static Rule> {
        let urgency = self.urgency();
        self.fired
            .iter()
            .copied()
            .filter(|rule| rule.urgency() == urgency)
            .collect()
    }

    /// Whether lower-level reasons are shown only as short signs: a page headed "now" must not
    /// carry a softer time word ("today", "within 2 weeks") from a lower-level reason.
    pub fn other_reasons_as_signs(&self) -> bool {
        self.urgency() == Urgency::Emergency
    }

    /// Reasons at a lower level: "also worth mentioning to the doctor".
    pub fn other_reasons(&self) -> Vec<&'static Rule> {
        let urgency = self.urgency();
        self.fired
            .iter()
            .copied()
            .filter(|rule| rule.urgency() < urgency)
            .collect()
    }
}

/// One piece of advice with a stable id (`data-advice` on the page, and the hazard log's name
/// for it), so a filter can hold it back and a test can look for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Advice {
    pub id: &'static str,
    pub heading: &'static str,
    pub text: &'static str,
}

const MAX_ARTICLES: usize = 4;

/// The articles about getting help or about what may be wrong. An emergency result links to
/// nothing else: heat, stretches, painkillers or lifting would contradict "get help now".
const HELP_AND_CAUSE_ARTICLES: &[Slug] = &[
    Slug::from_static("when-to-get-help"),
    Slug::from_static("kidney-or-back-pain"),
    Slug::from_static("sciatica"),
    Slug::from_static("back-pain-in-children"),
    Slug::from_static("back-pain-in-older-people"),
    Slug::from_static("spine-problems"),
    Slug::from_static("back-pain-with-stomach-cramps"),
    Slug::from_static("back-pain-in-pregnancy"),
    Slug::from_static("period-pain"),
];

/// Applies every rule to complete answers and picks the advice, articles and safety net.
pub fn assess(answers: &Answers) -> Assessment {
    let fired = sorted(RULES.iter().filter(|rule| rule.applies(answers)));
    build(fired, Some(answers))
}

/// The result for an unfinished form with an emergency sign: only the screen's rules can fire.
pub fn assess_screen(screen: &Screen) -> Assessment {
    let fired = sorted(RULES.iter().filter(|rule| rule.applies_to_screen(screen)));
    build(fired, None)
}

/// Most urgent first. The sort is stable, so table order still breaks ties.
fn sorted<'a>(rules: impl Iterator<Item = &'static Rule> + 'a) -> Vec<&'static Rule> {
    let mut fired: Vec<&'static Rule> = rules.collect();
    fired.sort_by_key(|rule| std::cmp::Reverse(rule.service));
    fired
}

fn build(fired: Vec<&'static Rule>, answers: Option<&Answers>) -> Assessment {
    let service = fired.first().map_or(Service::SelfCare, |rule| rule.service);
    let audience = match answers {
        Some(answers) if answers.is_child() => Audience::Parent,
        _ => Audience::Adult,
    };
    let stage = answers.map_or(PregnancyStage::NotStated, Answers::pregnancy_stage);
    let early_pregnancy_signs = stage.may_be_early()
        && fired
            .iter()
            .any(|rule| rule.id.as_str().starts_with("early-pregnancy"));
    let (headline, explanation) = match (service, answers) {
        (Service::GpOrPhysio, Some(a)) if a.may_be_pregnant() || a.recently_pregnant() => {
            MIDWIFE_WORDS
        }
        (Service::SameDay, _) if early_pregnancy_signs => EARLY_PREGNANCY_WORDS,
        (Service::MaternityUnit, _) => maternity_words(stage),
        _ => words(service, audience),
    };
    Assessment {
        service,
        audience,
        headline,
        explanation,
        advice: advice(answers, service),
        articles: articles(answers, service),
        safety_net: safety_net(answers, service),
        outlook: outlook(answers, service, &fired),
        fired,
    }
}

const MIDWIFE_WORDS: (&str, &str) = (
    "See your midwife or GP within 2 weeks",
    "Tell your midwife or GP about your back pain in the next 2 weeks. They can send you to a physio if you need one.",
);

/// NHS ectopic pregnancy: "speak to your GP, early pregnancy unit or call 111".
const EARLY_PREGNANCY_WORDS: (&str, &str) = (
    "Get help today: call 111, your GP surgery or an early pregnancy unit",
    "Call your GP surgery, an early pregnancy unit or 111 today. Say you may be pregnant. Name the signs listed below. Call 999 if the pain gets very bad, or you feel faint or dizzy.",
);

/// Most maternity triage units see women from 16 to 20 weeks, and up to 6 weeks after a birth;
/// a reader early in pregnancy has no maternity notes yet.
fn maternity_words(stage: PregnancyStage) -> (&'static str, &'static str) {
    let explanation = match stage {
        PregnancyStage::Late => {
            "Call your maternity unit or midwife now. Their number is in your maternity notes. If you cannot reach them, call 999."
        }
        PregnancyStage::Middle => {
            "Call your maternity unit or midwife now. Their number is in your maternity notes. If your unit does not see women this early, they or 111 will tell you where to go, such as an early pregnancy unit. If you cannot reach anyone, call 999."
        }
        PregnancyStage::AfterBirth => {
            "Call the maternity unit where you gave birth, or your midwife, now. After a miscarriage or abortion, call the unit that cared for you, or 111. If you cannot reach anyone, call 999."
        }
        _ => {
            "Call your maternity unit or midwife now. Are you less than 12 weeks pregnant, or have no maternity notes yet? Then call an early pregnancy unit, your GP or 111 now. If you cannot reach anyone, call 999."
        }
    };
    ("Call your maternity unit now", explanation)
}

/// What usually happens, in the sources' words. NHS back pain: "Back pain usually improves within
/// a few weeks or months"; NHS period pain: it "normally lasts 48 to 72 hours"; NHS GGC children's
/// back pain: "most cases are not caused by a serious problem. It usually gets better on its own
/// within a few weeks"; NHS ankylosing spondylitis: "There's no cure for AS ... However,
/// treatment is available to relieve the symptoms".
fn outlook(
    answers: Option<&Answers>,
    service: Service,
    fired: &[&'static Rule],
) -> Option<&'static str> {
    if service > Service::GpOrPhysio {
        return None;
    }
    let inflammatory = fired
        .iter()
        .any(|rule| rule.id.as_str().starts_with("axial-spondyloarthritis"));
    Some(match answers {
        Some(a) if a.is_child() => CHILD_OUTLOOK,
        _ if inflammatory => INFLAMMATORY_OUTLOOK,
        Some(a) if a.has_trigger(Trigger::Menstruation) => {
            "Period pain usually lasts 2 to 3 days. Back pain from other causes usually gets better within a few weeks."
        }
        _ => {
            "Most back pain gets better within a few weeks. Some takes a few months. It often comes back, but that is not usually a sign of harm."
        }
    })
}

const CHILD_OUTLOOK: &str = "Most back pain in children is not caused by anything serious. It usually gets better within a few weeks. The GP will check for a cause that needs treatment.";
const INFLAMMATORY_OUTLOOK: &str = "This kind of back pain can last a long time, and it can come and go. There is no cure, but treatment and exercise can ease the pain and stiffness a lot.";

/// The headline and the one sentence under it.
fn words(service: Service, audience: Audience) -> (&'static str, &'static str) {
    use Audience::*;
    match (service, audience) {
        (Service::Call999, Adult) => (
            "Call 999 now",
            "Call 999 for an ambulance now. Tell them you have back pain and the signs listed below.",
        ),
        (Service::Call999, Parent) => (
            "Call 999 now",
            "Call 999 for an ambulance now. Tell them your child's age, that they have back pain, and the signs listed below.",
        ),
        (Service::GoToAe, Adult) => (
            "Go to A&E now",
            "Go to A&E straight away. Do not drive yourself: ask someone to take you. If you cannot get there safely, call 999.",
        ),
        (Service::GoToAe, Parent) => (
            "Take your child to A&E now",
            "Take your child to A&E straight away. If you cannot get there safely, call 999.",
        ),
        (Service::MaternityUnit, _) => (
            "Call your maternity unit now",
            "Call your maternity unit or midwife now. Their number is in your maternity notes. If you cannot reach them, call 999.",
        ),
        (Service::SameDay, Adult) => (
            "Get help today: call 111 or your GP surgery",
            "Call 111 or your GP surgery today. Say you need to be seen today because of the signs listed below.",
        ),
        (Service::SameDay, Parent) => (
            "Get help for your child today: call 111 or your GP surgery",
            "Call 111 or your GP surgery today. Say your child needs to be seen today because of the signs listed below.",
        ),
        (Service::GpOrPhysio, Adult) => (
            "See a GP or physiotherapist within 2 weeks",
            "Book a visit to a GP or a physio in the next 2 weeks. You do not need to go today.",
        ),
        (Service::GpOrPhysio, Parent) => (
            "Take your child to see a GP within 2 weeks",
            "Book an appointment for your child with a GP in the next 2 weeks. You do not need to go today.",
        ),
        // Under 16 is never self-care (rule "under-16"), so a parent never reads this.
        (Service::SelfCare, _) => (
            "You can probably look after this yourself",
            "Back pain like yours usually gets better on its own within a few weeks. The advice below can help it settle.",
        ),
    }
}

/// A piece of advice and when it applies, given the answers and the result's service.
struct AdviceRule {
    applies: fn(&Answers, Service) -> bool,
    advice: Advice,
}

/// Looking after yourself is part of the plan only for GP and self-care results: with a 999,
/// A&E or same-day result it would distract from getting help.
fn looking_after_yourself(service: Service) -> bool {
    service <= Service::GpOrPhysio
}

fn has_numb_skin(a: &Answers) -> bool {
    a.has_symptom(Symptom::LegNumbness) || a.has_warning(Warning::SaddleNumbness)
}

fn has_kidney_signs(a: &Answers) -> bool {
    a.has_symptom(Symptom::Urinary)
        || a.has_symptom(Symptom::BloodInPee)
        || (a.has_symptom(Symptom::Fever) && a.has_symptom(Symptom::Vomiting))
}

/// Advice for emergencies, given whether or not the form was finished.
static EMERGENCY_ADVICE: &[(Service, Advice)] = &[
    (
        Service::Call999,
        Advice {
            id: "wait-for-the-ambulance",
            heading: "Wait for the ambulance",
            text: "Do not drive yourself to hospital. If you can, unlock the door and ask someone to stay with you.",
        },
    ),
    (
        Service::GoToAe,
        Advice {
            id: "getting-to-ae",
            heading: "Getting to A&E",
            text: "Do not drive yourself. Ask someone to take you now. If no one can, or you cannot get there safely, call 999.",
        },
    ),
    (
        Service::MaternityUnit,
        Advice {
            id: "maternity-notes",
            heading: "When you call",
            text: "Have your maternity notes ready. Do not drive yourself if you are asked to come in: ask someone to take you, or call 999.",
        },
    ),
];

/// The same advice for a parent: the reader is not the one who is ill, and may be the driver.
static PARENT_EMERGENCY_ADVICE: &[(Service, Advice)] = &[
    (
        Service::Call999,
        Advice {
            id: "wait-for-the-ambulance",
            heading: "Wait for the ambulance",
            text: "Do not drive your child to hospital yourself. Stay with your child. If you can, ask someone to unlock the door.",
        },
    ),
    (
        Service::GoToAe,
        Advice {
            id: "getting-to-ae",
            heading: "Getting to A&E",
            text: "Do not drive while your child is this unwell: ask someone else to drive, so you can look after your child. If no one can, call 999.",
        },
    ),
];

const KEEP_STILL: Advice = Advice {
    id: "keep-still",
    heading: "Keep still until help arrives",
    text: "After a bad accident, try not to move your back or neck. Only move if you are in danger where you are.",
};

const MEDICINES_LIST: Advice = Advice {
    id: "medicines-list",
    heading: "Take your medicines with you",
    text: "Find a list of the medicines you take, or their boxes, to show the staff.",
};

const PARENT_MEDICINES_LIST: Advice = Advice {
    id: "medicines-list",
    heading: "Take your child's medicines with you",
    text: "Find a list of the medicines your child takes, or their boxes, to show the staff.",
};

/// Advice shown on every result the answers allow, emergencies included.
static ALWAYS_ADVICE: &[AdviceRule] = &[
    // NICE NG234: people who have had cancer contact the acute oncology team about new back pain.
    AdviceRule {
        applies: |a, _| a.has_history(History::CancerHistory),
        advice: Advice {
            id: "acute-oncology-line",
            heading: "Call your cancer team too",
            text: "Your cancer team has a phone line for problems like this, often called the acute oncology line. The number is on your cancer letters or alert card. Call them and tell them about your back pain.",
        },
    },
    AdviceRule {
        applies: |a, _| a.has_symptom(Symptom::StrugglingToCope) && !a.is_child(),
        advice: Advice {
            id: "talking-therapies",
            heading: "Help with how you feel",
            text: "Feeling low or anxious is common with back pain. In England, you can refer yourself to NHS Talking Therapies for free. You do not need to see a GP. In Scotland, Wales or Northern Ireland, ask your GP about talking therapies. Your GP can also help if the pain has lasted a long time.",
        },
    },
    AdviceRule {
        applies: |a, _| a.has_symptom(Symptom::StrugglingToCope) && a.is_child(),
        advice: Advice {
            id: "talking-therapies",
            heading: "Help with how your child feels",
            text: "If your child feels low or anxious, or is struggling to cope, tell their GP. The GP can refer them to a mental health service for children and young people.",
        },
    },
];

/// Most specific first; every entry that applies is shown, in this order.
static ADVICE: &[AdviceRule] = &[
    // ---- Getting help today ----
    AdviceRule {
        applies: |_, s| s == Service::SameDay,
        advice: Advice {
            id: "say-what-you-told-us",
            heading: "Say what you told us",
            text: "When you call 111 or your GP surgery, say it is about back pain, and name the signs listed on this page. This helps them judge how soon to help.",
        },
    },
    AdviceRule {
        applies: |_, s| s == Service::SameDay,
        advice: Advice {
            id: "ask-a-pharmacist",
            heading: "Pain relief while you wait",
            text: "A pharmacist can tell you which painkillers are safe to take while you wait to be seen.",
        },
    },
    // ---- Seeing a GP or physiotherapist ----
    AdviceRule {
        applies: |_, s| s == Service::GpOrPhysio,
        advice: Advice {
            id: "before-your-appointment",
            heading: "Before your appointment",
            text: "Write down when the pain started, what makes it better or worse, and which painkillers have been tried. Then you can tell the GP.",
        },
    },
    AdviceRule {
        // Only where a physio is the right first step: under 50, low back, not getting worse.
        applies: |a, s| {
            s == Service::GpOrPhysio
                && !a.is_child()
                && !a.may_be_pregnant()
                && a.age.get() < 50
                && a.location == super::answers::Location::Lower
                && !a.has_symptom(Symptom::Worsening)
                && a.severity.get() < 8
        },
        advice: Advice {
            id: "physio-self-referral",
            heading: "You may not need to see a GP first",
            text: "In many areas you can book an NHS physio yourself. You do not need to see a GP first. Ask your GP surgery.",
        },
    },
    // ---- Looking after yourself ----
    AdviceRule {
        applies: |a, s| {
            looking_after_yourself(s) && !a.is_child() && a.is_eased_by(EasedBy::Movement)
        },
        advice: Advice {
            id: "stay-active",
            heading: "Keep moving",
            text: "Moving eases your pain, so keep it up. Short walks and gentle activity through the day help your back get better faster than rest.",
        },
    },
    AdviceRule {
        applies: |a, s| {
            looking_after_yourself(s)
                && !a.is_child()
                && a.is_eased_by(EasedBy::Rest)
                && !a.is_eased_by(EasedBy::Movement)
        },
        advice: Advice {
            id: "stay-active",
            heading: "Rest in short spells",
            text: "Resting eases your pain, but long rests make backs stiffer. Rest for a short while, then get up and move about gently.",
        },
    },
    AdviceRule {
        applies: |a, s| {
            looking_after_yourself(s)
                && !a.is_child()
                && !a.is_eased_by(EasedBy::Rest)
                && !a.is_eased_by(EasedBy::Movement)
        },
        advice: Advice {
            id: "stay-active",
            heading: "Stay active",
            text: "Carry on with your normal day as much as you can. Staying active helps back pain get better faster than resting in bed.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.is_child(),
        advice: Advice {
            id: "stay-active",
            heading: "Help your child keep moving gently",
            text: "Gentle activity, such as walking and play, helps most back pain in children more than lying in bed. Stop anything that makes the pain much worse.",
        },
    },
    AdviceRule {
        applies: |_, s| looking_after_yourself(s),
        advice: Advice {
            id: "anti-inflammatories",
            heading: "Painkillers that can help",
            text: "Painkillers such as ibuprofen can ease back pain if they are safe for you. Do not take them if you take medicine to thin your blood, or have heart failure. Do not take them if you have had a stomach ulcer, or if they made your asthma worse. Ask a pharmacist first if you have heart, kidney or liver problems, or take other medicines. Paracetamol on its own is not advised for low back pain.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.has_history(History::BloodThinners),
        advice: Advice {
            id: "pain-relief-with-blood-thinners",
            heading: "Pain relief with blood thinners",
            text: "You take medicine to thin your blood, so do not take ibuprofen, naproxen or aspirin for pain. They make bleeding more likely. Ask a pharmacist what is safe for you.",
        },
    },
    AdviceRule {
        applies: |a, s| {
            looking_after_yourself(s)
                && !a.may_be_pregnant()
                && !a.is_child()
                && (a.has_history(History::Steroids) || a.age.get() >= 65)
        },
        advice: Advice {
            id: "pain-relief-ask-pharmacist",
            heading: "Ask a pharmacist about pain relief",
            text: "Ibuprofen is more likely to harm your stomach if you are 65 or over, or take steroid tablets. A pharmacist can tell you what is safe for you to take.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.may_be_pregnant(),
        advice: Advice {
            id: "pain-relief-in-pregnancy",
            heading: "Pain relief when you are pregnant",
            text: "Do not take ibuprofen. It is not safe when you are pregnant. Paracetamol is usually safe to take. Ask your midwife or a pharmacist first.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.is_child(),
        advice: Advice {
            id: "pain-relief-for-children",
            heading: "Painkillers for your child",
            text: "Ask a pharmacist which painkiller is right for your child. Check the dose for their age on the pack.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.is_eased_by(EasedBy::Heat),
        advice: Advice {
            id: "heat",
            heading: "Keep using heat safely",
            text: "Heat helps you, so keep using it. Wrap a hot water bottle or heat pack in a towel. Use it for up to 20 minutes at a time, and never fall asleep on it.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && !a.is_eased_by(EasedBy::Heat),
        advice: Advice {
            id: "heat",
            heading: "Try heat",
            text: "Heat can relax tight muscles. Try a hot water bottle wrapped in a towel, or a warm bath, for up to 20 minutes at a time.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && has_numb_skin(a),
        advice: Advice {
            id: "no-heat-on-numb-skin",
            heading: "Do not use heat on numb skin",
            text: "Do not put a hot water bottle or heat pack on skin that feels numb. You may not feel it burn you.",
        },
    },
    // ---- Tailored to what brought the pain on ----
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.has_trigger(Trigger::Lifting),
        advice: Advice {
            id: "lifting",
            heading: "Go easy on lifting for now",
            text: "Avoid heavy lifting for a few days. When you lift, keep the load close to your body and turn with your feet. Being fit and active helps your back more than any one way of lifting.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.has_trigger(Trigger::Menstruation),
        advice: Advice {
            id: "period-pain",
            heading: "Ease period pain",
            text: "Heat on your tummy or lower back can ease period cramps. So can a gentle walk or swim.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.has_trigger(Trigger::Posture),
        advice: Advice {
            id: "posture",
            heading: "Change position often",
            text: "No single way of sitting is right. Get up and move about at least every 30 minutes, and set up your chair and screen so you are comfortable.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.has_trigger(Trigger::Exercise),
        advice: Advice {
            id: "exercise",
            heading: "Go back to exercise bit by bit",
            text: "Ease off the activity that hurt your back for a few days. Then build back up slowly.",
        },
    },
    AdviceRule {
        applies: |a, s| looking_after_yourself(s) && a.may_be_pregnant(),
        advice: Advice {
            id: "pregnancy-back-care",
            heading: "Look after your back in pregnancy",
            text: "Wear flat shoes, bend your knees to pick things up, and sleep on your side with a pillow between your knees.",
        },
    },
    AdviceRule {
        applies: |a, s| {
            looking_after_yourself(s)
                && (a.has_symptom(Symptom::Sciatica) || a.has_symptom(Symptom::LegNumbness))
        },
        advice: Advice {
            id: "leg-pain",
            heading: "Help leg pain settle",
            text: "Keep moving gently and avoid sitting still for long. Pain that travels down a leg usually gets better within 4 to 6 weeks.",
        },
    },
];

/// Advice that could harm someone, and when it is held back. Each is a hazard control in
/// CLINICAL_SAFETY.md, so a reviewer reads the reason and the source here.
pub struct AdviceFilter {
    pub id: &'static str,
    /// The `Advice::id`s held back.
    pub withholds: &'static [&'static str],
    pub withheld_when: fn(&Answers) -> bool,
    pub why: &'static str,
    pub source: &'static Source,
}

pub static ADVICE_FILTERS: &[AdviceFilter] = &[
    AdviceFilter {
        id: "no-heat-on-numb-skin",
        withholds: &["heat", "period-pain"],
        withheld_when: has_numb_skin,
        why: "Heat on skin that cannot feel it can scald.",
        source: &NHS_SCIATICA,
    },
    AdviceFilter {
        id: "no-anti-inflammatories-in-pregnancy",
        withholds: &["anti-inflammatories"],
        withheld_when: Answers::may_be_pregnant,
        why: "Ibuprofen and similar painkillers are not advised in pregnancy.",
        source: &NHS_IBUPROFEN,
    },
    AdviceFilter {
        id: "no-anti-inflammatories-with-kidney-signs",
        withholds: &["anti-inflammatories"],
        withheld_when: has_kidney_signs,
        why: "Anti-inflammatory painkillers are not advised with a possible kidney infection, and can harm the kidneys.",
        source: &NHS_KIDNEY_INFECTION,
    },
    AdviceFilter {
        id: "no-adult-painkiller-doses-for-children",
        withholds: &["anti-inflammatories"],
        withheld_when: Answers::is_child,
        why: "Children need a dose for their age; a pharmacist advises instead.",
        source: &NHS_IBUPROFEN,
    },
    AdviceFilter {
        id: "no-anti-inflammatories-with-steroids-or-over-65",
        withholds: &["anti-inflammatories"],
        withheld_when: |a| a.has_history(History::Steroids) || a.age.get() >= 65,
        why: "Ibuprofen with steroid tablets, or from 65, makes stomach bleeding more likely; a pharmacist advises instead.",
        source: &NHS_IBUPROFEN,
    },
    AdviceFilter {
        id: "no-anti-inflammatories-with-blood-thinners",
        withholds: &["anti-inflammatories", "pain-relief-ask-pharmacist"],
        withheld_when: |a| a.has_history(History::BloodThinners),
        why: "Ibuprofen and similar painkillers with a blood thinner make bleeding more likely; advice pain-relief-with-blood-thinners says so instead.",
        source: &NHS_ANTICOAGULANTS,
    },
    AdviceFilter {
        id: "no-heat-or-lifting-advice-for-children",
        withholds: &["heat", "period-pain", "lifting", "posture", "exercise"],
        withheld_when: Answers::is_child,
        why: "Heat, baths and lifting advice are written for adults; a child's back pain is checked by a GP first.",
        source: &NICE_CKS_BACK_PAIN,
    },
    AdviceFilter {
        id: "no-exercise-advice-after-a-childs-injury",
        withholds: &["exercise", "stay-active"],
        withheld_when: |a| a.is_child() && a.has_trigger(Trigger::Injury),
        why: "A child's back pain after an injury needs a doctor to rule out a break before exercise advice.",
        source: &NICE_CKS_BACK_PAIN,
    },
];

fn is_withheld(advice: &Advice, answers: &Answers) -> bool {
    ADVICE_FILTERS
        .iter()
        .any(|filter| filter.withholds.contains(&advice.id) && (filter.withheld_when)(answers))
}

fn advice(answers: Option<&Answers>, service: Service) -> Vec<Advice> {
    if service.urgency() == Urgency::Emergency {
        let mut chosen = Vec::new();
        let after_accident = answers.is_some_and(|a| a.has_warning(Warning::MajorTrauma));
        if service == Service::Call999 && after_accident {
            chosen.push(KEEP_STILL);
        }
        // Maternity notes exist only from the booking visit, around 10 to 12 weeks.
        let has_notes = answers.is_none_or(|a| {
            matches!(
                a.pregnancy_stage(),
                PregnancyStage::Middle | PregnancyStage::Late | PregnancyStage::WeeksNotKnown
            )
        });
        let child = answers.is_some_and(Answers::is_child);
        let table = if child {
            PARENT_EMERGENCY_ADVICE
        } else {
            EMERGENCY_ADVICE
        };
        chosen.extend(
            table
                .iter()
                .filter(|(for_service, advice)| {
                    *for_service == service && (advice.id != "maternity-notes" || has_notes)
                })
                .map(|(_, advice)| *advice),
        );
        chosen.push(if child {
            PARENT_MEDICINES_LIST
        } else {
            MEDICINES_LIST
        });
        if let Some(answers) = answers {
            chosen.extend(always_advice(answers, service));
        }
        return chosen;
    }
    let Some(answers) = answers else {
        return Vec::new();
    };
    ALWAYS_ADVICE
        .iter()
        .chain(ADVICE)
        .filter(|rule| (rule.applies)(answers, service))
        .map(|rule| rule.advice)
        .filter(|advice| !is_withheld(advice, answers))
        .collect()
}

/// The advice shown on every result, emergencies included, for these answers.
fn always_advice(answers: &Answers, service: Service) -> impl Iterator<Item = Advice> + '_ {
    ALWAYS_ADVICE
        .iter()
        .filter(move |rule| (rule.applies)(answers, service))
        .map(|rule| rule.advice)
}

/// Articles worth reading when `applies` holds for the answers.
struct ArticleLink {
    applies: fn(&Answers) -> bool,
    slugs: &'static [Slug],
}

/// In order of relevance: the first matches come first, and the per-service fallbacks below
/// fill the list up.
static ARTICLE_LINKS: &[ArticleLink] = &[
    ArticleLink {
        applies: |a| a.may_be_pregnant() || !a.screen.pregnancy_signs.is_empty(),
        slugs: &[Slug::from_static("back-pain-in-pregnancy")],
    },
    ArticleLink {
        applies: Answers::is_child,
        slugs: &[Slug::from_static("back-pain-in-children")],
    },
    ArticleLink {
        applies: |a| {
            a.has_symptom(Symptom::Urinary)
                || a.has_symptom(Symptom::BloodInPee)
                || a.has_symptom(Symptom::Fever)
        },
        slugs: &[Slug::from_static("kidney-or-back-pain")],
    },
    ArticleLink {
        applies: |a| {
            a.has_symptom(Symptom::AbdominalPain)
                || a.has_symptom(Symptom::Vomiting)
                || a.has_symptom(Symptom::Urinary)
                || a.has_symptom(Symptom::BloodInPee)
        },
        slugs: &[Slug::from_static("back-pain-with-stomach-cramps")],
    },
    ArticleLink {
        applies: |a| a.age.get() >= 65,
        slugs: &[Slug::from_static("back-pain-in-older-people")],
    },
    ArticleLink {
        applies: |a| a.has_symptom(Symptom::Sciatica) || a.has_symptom(Symptom::LegNumbness),
        slugs: &[Slug::from_static("sciatica")],
    },
    ArticleLink {
        applies: |a| a.has_trigger(Trigger::Menstruation),
        slugs: &[Slug::from_static("period-pain")],
    },
    ArticleLink {
        applies: |a| {
            a.has_symptom(Symptom::Sciatica)
                || a.has_symptom(Symptom::LegNumbness)
                || a.has_symptom(Symptom::LegWeakness)
                || a.has_warning(Warning::BothLegs)
                || a.has_history(History::Osteoporosis)
        },
        slugs: &[Slug::from_static("spine-problems")],
    },
    ArticleLink {
        applies: |a| a.has_trigger(Trigger::Lifting),
        slugs: &[
            Slug::from_static("lifting-safely"),
            Slug::from_static("muscle-strains"),
        ],
    },
    ArticleLink {
        applies: |a| a.has_trigger(Trigger::Posture),
        slugs: &[Slug::from_static("desk-setup-and-posture")],
    },
    ArticleLink {
        applies: |a| a.has_trigger(Trigger::Exercise),
        slugs: &[
            Slug::from_static("warming-up"),
            Slug::from_static("muscle-strains"),
        ],
    },
    ArticleLink {
        applies: |a| a.location == super::answers::Location::Upper,
        slugs: &[Slug::from_static("upper-back-pain")],
    },
    ArticleLink {
        applies: |a| a.duration == super::answers::Duration::OverTwelveWeeks,
        slugs: &[Slug::from_static("long-lasting-back-pain")],
    },
    ArticleLink {
        applies: |a| !has_numb_skin(a),
        slugs: &[Slug::from_static("heat-therapy")],
    },
];

/// The help page leads every result that needs action today.
const HELP_FIRST: &[Slug] = &[Slug::from_static("when-to-get-help")];
const URGENT_FALLBACK: &[Slug] = &[
    Slug::from_static("spine-problems"),
    Slug::from_static("pain-medicines"),
];
const SOON_FALLBACK: &[Slug] = &[
    Slug::from_static("what-will-my-gp-do"),
    Slug::from_static("exercises-for-back-pain"),
    Slug::from_static("staying-active"),
];
const SELF_CARE_FALLBACK: &[Slug] = &[
    Slug::from_static("what-causes-back-cramps"),
    Slug::from_static("exercises-for-back-pain"),
    Slug::from_static("staying-active"),
    Slug::from_static("pain-medicines"),
];

fn fallback_articles(service: Service) -> &'static [Slug] {
    match service.urgency() {
        Urgency::Emergency => &[],
        Urgency::Urgent => URGENT_FALLBACK,
        Urgency::Soon => SOON_FALLBACK,
        Urgency::SelfCare => SELF_CARE_FALLBACK,
    }
}

/// Every article a result can link to, each once, read from the tables above: a slug added to
/// any of them is checked at start-up (`backcare check` too) with no second list to keep in step.
pub fn linked_articles() -> Vec<&'static Slug> {
    let mut slugs: Vec<&'static Slug> = HELP_FIRST
        .iter()
        .chain(HELP_AND_CAUSE_ARTICLES)
        .chain(ARTICLE_LINKS.iter().flat_map(|link| link.slugs))
        .chain(
            Service::ALL
                .iter()
                .flat_map(|&service| fallback_articles(service)),
        )
        .collect();
    slugs.sort();
    slugs.dedup();
    slugs
}

/// Articles written for adults' self-care: heat, lifting, warming up for sport and adult
/// painkiller doses. A child's result links the children's article instead.
const ADULT_SELF_CARE_ARTICLES: &[Slug] = &[
    Slug::from_static("heat-therapy"),
    Slug::from_static("lifting-safely"),
    Slug::from_static("warming-up"),
    Slug::from_static("pain-medicines"),
];

fn articles(answers: Option<&Answers>, service: Service) -> Vec<&'static Slug> {
    let urgency = service.urgency();
    let child = answers.is_some_and(Answers::is_child);
    // The "when to get help" page leads when the reader needs to act today.
    let first: &'static [Slug] = if urgency >= Urgency::Urgent {
        HELP_FIRST
    } else {
        &[]
    };
    let matched: Vec<&'static Slug> = answers
        .map(|a| {
            ARTICLE_LINKS
                .iter()
                .filter(|link| (link.applies)(a))
                .flat_map(|link| link.slugs.iter())
                .collect()
        })
        .unwrap_or_default();
    // Same-day results put help and cause articles before self-care ones.
    let (causes, self_care): (Vec<&'static Slug>, Vec<&'static Slug>) = matched
        .into_iter()
        .partition(|slug| HELP_AND_CAUSE_ARTICLES.contains(slug));
    let mut chosen: Vec<&'static Slug> = Vec::with_capacity(MAX_ARTICLES);
    for slug in first
        .iter()
        .chain(causes)
        .chain(self_care)
        .chain(fallback_articles(service))
    {
        if chosen.len() == MAX_ARTICLES {
            break;
        }
        let allowed = (urgency != Urgency::Emergency || HELP_AND_CAUSE_ARTICLES.contains(slug))
            && !(child && ADULT_SELF_CARE_ARTICLES.contains(slug));
        if allowed && !chosen.contains(&slug) {
            chosen.push(slug);
        }
    }
    if urgency >= Urgency::Urgent {
        let (help, rest): (Vec<_>, Vec<_>) = chosen
            .into_iter()
            .partition(|slug| HELP_AND_CAUSE_ARTICLES.contains(slug));
        chosen = help.into_iter().chain(rest).collect();
    }
    chosen
}

/// The nerve signs that need A&E, on every result below an emergency: they can come on later.
const CAUDA_EQUINA_LINE: &str = "Go to A&E now if your genitals or bottom go numb. Go now if you cannot pee, find it hard to start, or cannot hold in pee or poo. Go now if both legs hurt or feel weak or numb, or you lose feeling in your genitals during sex.";
const CHEST_999: &str =
    "Call 999 if you get chest pain, find it hard to breathe, or feel faint, sweaty or clammy.";
const URGENT_SIGNS_111: &str = "Call 111 or your GP that day if you get a high temperature. Do the same if you lose weight without trying, or the pain gets much worse at night.";
const PREGNANCY_LINE: &str = "If you are pregnant, call your maternity unit now if you bleed from your vagina, your waters break, or your baby moves less. Call them if you get cramps that come and go, or tummy pain that does not stop. Call them if you get a bad headache or cannot see well. Call them if your face, hands or feet swell up fast.";
const KIDNEY_LINE: &str = "Call 999 if you feel confused or very sleepy, or feel faint or clammy. These can be signs of a very bad infection.";
const ANEURYSM_LINE: &str = "Call 999 if you get sudden, very bad pain in your tummy or back. Call 999 too if you feel faint, dizzy or clammy.";

/// Child results: the NHS sepsis and meningitis signs, and the cauda equina signs without the
/// adult sexual-function words.
const CHILD_999_LINE: &str = "Call 999 if your child is floppy, very sleepy or hard to wake. Call 999 too if they find it hard to breathe. Do the same if they have a rash that does not fade when you press a glass on it.";
const CHILD_AE_LINE: &str = "Take your child to A&E now if they cannot pee, or wet or soil themselves when they did not before. Go now too if their legs go weak or numb. Go now if they start to walk in a shaky or clumsy way.";
const CHILD_111_LINE: &str = "Call 111 or your GP that day if your child gets a high temperature. Do the same if they will not walk or put weight on a leg, or have not had a pee for 12 hours.";
/// NHS ectopic pregnancy, for the early weeks and for period pain.
const EARLY_PREGNANCY_LINE: &str = "If you may be pregnant, call 111 or your GP now if you bleed, or get pain low down on one side of your tummy. Do the same for pain in the tip of your shoulder. Call 999 if the pain is very bad, or you feel faint or dizzy.";
/// NHS period pain and ectopic pregnancy: period pain can hide an early pregnancy.
const PERIOD_ECTOPIC_LINE: &str = "If you could be pregnant, do a pregnancy test. If you may be pregnant, call 111 or your GP now if you bleed in a way that is not like your normal period. Do the same for pain low down on one side, or in the tip of your shoulder. Call 999 if the pain is very bad, or you feel faint or dizzy.";
/// On a 999 or A&E page the pregnancy lines would name a slower service: tell the staff instead.
const PREGNANCY_EMERGENCY_LINE: &str = "Tell the staff who help you if you are pregnant, or may be. Tell them too if you gave birth in the last 6 weeks.";
/// A child's safety net speaks to the parent, as the rest of a child's result does.
const PARENT_999_WAIT: &str = "If your child gets worse while you wait, call 999 again. Call again too if they stop breathing normally.";
const PARENT_AE_WAIT: &str = "If your child gets worse on the way or while you wait, tell the staff straight away, or call 999.";
const PARENT_SAME_DAY: &str = "If your child cannot be seen today, call 111 or use NHS 111 online.";
const PARENT_WORSE_111: &str = "If your child gets worse before they are seen, call 111 again.";
const PARENT_GP: &str =
    "If your child cannot see a GP within 2 weeks, ask a pharmacist. Or call 111.";
/// NHS 111 online is for people aged 5 and over.
const UNDER_5_111_LINE: &str =
    "If your child cannot be seen today, call 111. NHS 111 online is not for children under 5.";
/// NHS after the birth and NICE NG51: fever, headache and heavy bleeding in the first 6 weeks.
const AFTER_BIRTH_LINE: &str = "In the 6 weeks after a birth, call your maternity unit now if you get a high temperature or shivers. Do the same for a bad headache or problems seeing. Call 999 if you bleed a lot or feel faint.";
/// NHS period pain: "See a GP if you have severe period pain or your normal pattern of periods
/// changes".
const PERIOD_PAIN_GP_LINE: &str = "See a GP if your period pain is very bad. See them too if your periods change, for example they get heavier or come at odd times.";
/// NHS urgent mental health help, in the NHS's current words.
const MOOD_LINE: &str = "If you feel you cannot cope, or think about harming yourself, call 111 and choose the mental health option. In Northern Ireland, call Lifeline free on 0808 808 8000. Or call Samaritans free on 116 123, day or night. If your life is at risk now, call 999.";

fn safety_net(answers: Option<&Answers>, service: Service) -> Vec<&'static str> {
    let child = answers.is_some_and(Answers::is_child);
    let (chest, nerves, urgent_signs) = if child {
        (CHILD_999_LINE, CHILD_AE_LINE, CHILD_111_LINE)
    } else {
        (CHEST_999, CAUDA_EQUINA_LINE, URGENT_SIGNS_111)
    };
    let period_pain = answers.is_some_and(|a| a.has_trigger(Trigger::Menstruation));
    let under_5 = answers.is_some_and(|a| a.age.get() < 5);
    let mut lines: Vec<&'static str> = match service {
        Service::Call999 if child => vec![PARENT_999_WAIT],
        Service::GoToAe if child => vec![PARENT_AE_WAIT, chest],
        Service::Call999 => vec![
            "If you feel worse while you wait, call 999 again. Call again too if the person stops breathing normally.",
        ],
        Service::GoToAe => vec![
            "If you get worse on the way or while you wait, tell the staff straight away, or call 999.",
            chest,
        ],
        Service::MaternityUnit => vec![
            "Call 999 if you cannot reach your maternity unit. Call 999 too if you bleed a lot, have very bad pain, or feel faint.",
        ],
        Service::SameDay if under_5 => vec![UNDER_5_111_LINE, PARENT_WORSE_111, nerves, chest],
        Service::SameDay if child => vec![PARENT_SAME_DAY, PARENT_WORSE_111, nerves, chest],
        Service::GpOrPhysio if child => vec![PARENT_GP, urgent_signs, nerves, chest],
        Service::SameDay => vec![
            "If you cannot be seen today, call 111 or use NHS 111 online.",
            "If you get worse before you are seen, call 111 again.",
            nerves,
            chest,
        ],
        Service::GpOrPhysio => vec![
            "If you cannot see a GP within 2 weeks, ask a pharmacist, or call 111.",
            urgent_signs,
            nerves,
            chest,
        ],
        Service::SelfCare if period_pain => vec![PERIOD_PAIN_GP_LINE, urgent_signs, nerves, chest],
        Service::SelfCare => vec![
            "See a GP or physio if the pain is not getting better after 2 weeks. See them too if it stops you doing your usual things, or keeps getting worse.",
            urgent_signs,
            nerves,
            chest,
        ],
    };
    let Some(answers) = answers else {
        return lines;
    };
    lines.extend(extra_safety_net(answers, service));
    lines
}

/// The lines added for who the reader is and what they told us.
fn extra_safety_net(answers: &Answers, service: Service) -> Vec<&'static str> {
    let mut lines = Vec::new();
    let stage = answers.pregnancy_stage();
    let pregnant_or_after = answers.may_be_pregnant() || stage == PregnancyStage::AfterBirth;
    if matches!(service, Service::Call999 | Service::GoToAe) {
        // A page headed "now" names no slower service (issue 22 rule 12).
        if pregnant_or_after {
            lines.push(PREGNANCY_EMERGENCY_LINE);
        }
    } else {
        if service != Service::MaternityUnit {
            if stage.may_be_early() {
                lines.push(EARLY_PREGNANCY_LINE);
            } else if answers.has_trigger(Trigger::Menstruation) {
                lines.push(PERIOD_ECTOPIC_LINE);
            }
            if answers.may_be_pregnant() && !stage.is_early() {
                lines.push(PREGNANCY_LINE);
            }
        }
        if stage == PregnancyStage::AfterBirth {
            lines.push(AFTER_BIRTH_LINE);
        }
    }
    if service != Service::Call999 {
        if has_kidney_signs(answers) || answers.has_symptom(Symptom::Fever) {
            lines.push(KIDNEY_LINE);
        }
        if answers.age.get() >= 50 {
            lines.push(ANEURYSM_LINE);
        }
    }
    if answers.has_symptom(Symptom::StrugglingToCope) {
        lines.push(MOOD_LINE);
    }
    lines
}

/// Every advice id the checker can give. Only tests read it: the hazard log's (each advice
/// CLINICAL_SAFETY.md names must exist) and this module's (ids are stable kebab-case).
#[cfg(test)]
pub fn advice_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = ADVICE
        .iter()
        .chain(ALWAYS_ADVICE)
        .map(|rule| rule.advice.id)
        .chain(EMERGENCY_ADVICE.iter().map(|(_, advice)| advice.id))
        .chain([KEEP_STILL.id, MEDICINES_LIST.id])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A heading is a phrase, not prose, so it is measured with the words under it; the words are
/// measured on their own too, so a hard line cannot hide behind an easy heading.
#[cfg(test)]
fn with_heading(heading: &str, words: &str) -> [String; 2] {
    [format!("{heading}. {words}"), words.to_owned()]
}

/// Every line a reader can be shown, each explanation, advice text, reason and safety-net line
/// on its own, so one hard line cannot hide in an easy block (the GP-role review of round 3,
/// item 17). Only the plain-words test reads it (`authoring/checker_words.rs`).
#[cfg(test)]
pub fn all_reader_text() -> Vec<String> {
    let mut text: Vec<String> = Vec::new();
    for &service in Service::ALL {
        for audience in [Audience::Adult, Audience::Parent] {
            let (headline, explanation) = words(service, audience);
            text.extend(with_heading(headline, explanation));
        }
    }
    let advice = ADVICE
        .iter()
        .chain(ALWAYS_ADVICE)
        .map(|rule| &rule.advice)
        .chain(EMERGENCY_ADVICE.iter().map(|(_, advice)| advice))
        .chain(PARENT_EMERGENCY_ADVICE.iter().map(|(_, advice)| advice))
        .chain([&KEEP_STILL, &MEDICINES_LIST, &PARENT_MEDICINES_LIST]);
    text.extend(advice.flat_map(|advice| with_heading(advice.heading, advice.text)));
    text.extend(RULES.iter().map(|rule| rule.reason.to_owned()));
    let every_service = Service::ALL
        .iter()
        .map(|&service| safety_net(None, service));
    text.extend(every_service.flatten().map(str::to_owned));
    text.extend(
        [
            CAUDA_EQUINA_LINE,
            CHEST_999,
            URGENT_SIGNS_111,
            PREGNANCY_LINE,
            KIDNEY_LINE,
            ANEURYSM_LINE,
            CHILD_999_LINE,
            CHILD_AE_LINE,
            CHILD_111_LINE,
            EARLY_PREGNANCY_LINE,
            PERIOD_ECTOPIC_LINE,
            PREGNANCY_EMERGENCY_LINE,
            UNDER_5_111_LINE,
            PARENT_999_WAIT,
            PARENT_AE_WAIT,
            PARENT_SAME_DAY,
            PARENT_WORSE_111,
            PARENT_GP,
            AFTER_BIRTH_LINE,
            PERIOD_PAIN_GP_LINE,
            MOOD_LINE,
        ]
        .map(str::to_owned),
    );
    for (headline, words) in [EARLY_PREGNANCY_WORDS, MIDWIFE_WORDS] {
        text.extend(with_heading(headline, words));
    }
    for stage in [
        PregnancyStage::Early,
        PregnancyStage::Middle,
        PregnancyStage::Late,
        PregnancyStage::AfterBirth,
    ] {
        let (headline, words) = maternity_words(stage);
        text.extend(with_heading(headline, words));
    }
    for service in [Service::SelfCare, Service::GpOrPhysio] {
        text.extend(outlook(None, service, &[]).map(str::to_owned));
    }
    text.extend([CHILD_OUTLOOK, INFLAMMATORY_OUTLOOK].map(str::to_owned));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::answers::{ChildSign, Onset, PregnancySign};
    use crate::triage::test_support;
    use proptest::prelude::*;

    const CALM: &str = "warning=none&location=lower&onset=gradual&duration=under-1-week&severity=2&age=35&pregnant=no&symptom=none&history=none";

    fn answers(form: &str) -> Answers {
        let raw: RawAnswers = serde_html_form::from_str(form).expect("test form is well formed");
        Answers::parse(&raw).unwrap_or_else(|incomplete| panic!("{form}: {incomplete:?}"))
    }

    /// The form with one more checkbox answer, replacing that question's "none".
    fn with(form: &str, field: &str, value: &str) -> String {
        let none = format!("{field}=none");
        if form.contains(&none) {
            form.replace(&none, &format!("{field}={value}"))
        } else {
            format!("{form}&{field}={value}")
        }
    }

    fn ids(assessment: &Assessment) -> Vec<&'static str> {
        assessment.advice.iter().map(|a| a.id).collect()
    }

    #[test]
    fn every_warning_alone_at_pain_0_is_an_emergency() {
        for &warning in Warning::ALL {
            let form = with(
                &CALM.replace("severity=2", "severity=0"),
                "warning",
                warning.value(),
            );
            let result = assess(&answers(&form));
            assert_eq!(result.urgency(), Urgency::Emergency, "{warning:?}");
            let screen_only = assess_screen(&Screen {
                warnings: [warning].into(),
                ..Screen::default()
            });
            assert_eq!(screen_only.service, result.service, "{warning:?}");
        }
    }

    #[test]
    fn no_rules_means_self_care_with_active_heat_and_painkiller_advice() {
        let result = assess(&answers(CALM));
        assert_eq!(result.service, Service::SelfCare);
        assert!(result.fired.is_empty());
        let ids = ids(&result);
        for id in ["stay-active", "anti-inflammatories", "heat"] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
    }

    #[test]
    fn emergency_results_give_no_self_care_advice_or_articles() {
        let form = with(CALM, "warning", "chest-pain");
        let result = assess(&answers(&format!("{form}&trigger=lifting&eased_by=heat")));
        assert_eq!(result.service, Service::Call999);
        assert!(
            !ids(&result).iter().any(|id| [
                "heat",
                "stay-active",
                "anti-inflammatories",
                "lifting"
            ]
            .contains(id))
        );
        assert!(
            result
                .articles
                .iter()
                .all(|slug| HELP_AND_CAUSE_ARTICLES.contains(slug))
        );
        assert!(!ids(&result).contains(&"keep-still"));
    }

    #[test]
    fn heat_is_never_advised_on_numb_skin() {
        let form = with(CALM, "symptom", "leg-numbness");
        let result = assess(&answers(&format!("{form}&eased_by=heat")));
        assert!(!ids(&result).contains(&"heat"), "{:?}", ids(&result));
        assert!(ids(&result).contains(&"no-heat-on-numb-skin"));
        assert!(!result.articles.iter().any(|slug| *slug == "heat-therapy"));
    }

    #[test]
    fn anti_inflammatories_are_never_advised_in_pregnancy_or_with_kidney_signs() {
        let pregnant = format!(
            "{}&pregnancy_sign=none",
            CALM.replace("pregnant=no", "pregnant=not-sure")
        );
        let result = assess(&answers(&pregnant));
        assert_eq!(result.service, Service::GpOrPhysio);
        assert!(!ids(&result).contains(&"anti-inflammatories"));
        assert!(ids(&result).contains(&"pain-relief-in-pregnancy"));
        let kidney = answers(&with(CALM, "symptom", "urinary"));
        assert!(is_withheld(
            &Advice {
                id: "anti-inflammatories",
                heading: "",
                text: ""
            },
            &kidney
        ));
    }

    #[test]
    fn a_knock_weeks_ago_on_steroids_is_same_day_not_999() {
        let form = CALM
            .replace("duration=under-1-week", "duration=1-6-weeks")
            .replace("severity=2", "severity=3")
            .replace("history=none", "history=steroids");
        let result = assess(&answers(&format!("{form}&trigger=injury")));
        assert_eq!(result.service, Service::SameDay);
        assert!(!ids(&result).contains(&"keep-still"));
    }

    #[test]
    fn lower_level_reasons_are_kept_apart_from_the_result_level() {
        let form = with(
            &with(CALM, "warning", "saddle-numbness"),
            "symptom",
            "fever",
        );
        let result = assess(&answers(&form.replace("severity=2", "severity=9")));
        assert_eq!(result.service, Service::GoToAe);
        assert!(
            result
                .main_reasons()
                .iter()
                .all(|r| r.urgency() == Urgency::Emergency)
        );
        let others: Vec<_> = result
            .other_reasons()
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert!(
            others.contains(&"fever") && others.contains(&"severe-pain"),
            "{others:?}"
        );
    }

    #[test]
    fn children_are_never_self_care_and_under_5s_call_111() {
        let teen = assess(&answers(&format!(
            "{}&child_sign=none",
            CALM.replace("age=35", "age=14")
        )));
        assert_eq!(teen.service, Service::GpOrPhysio);
        assert_eq!(teen.audience, Audience::Parent);
        assert!(teen.headline.contains("your child"));
        let toddler = assess(&answers(&format!(
            "{}&child_sign=none",
            CALM.replace("age=35", "age=3")
        )));
        assert_eq!(toddler.service, Service::SameDay);
        assert!(!ids(&toddler).contains(&"anti-inflammatories"));
    }

    #[test]
    fn every_result_has_a_safety_net_with_who_to_call() {
        for form in [
            CALM.to_owned(),
            with(CALM, "symptom", "fever"),
            with(CALM, "warning", "both-legs"),
        ] {
            let result = assess(&answers(&form));
            assert!(!result.safety_net.is_empty());
            assert!(
                result
                    .safety_net
                    .iter()
                    .any(|l| l.contains("999") || l.contains("111")),
                "{form}"
            );
        }
        let soon = assess(&answers(
            &CALM.replace("duration=under-1-week", "duration=over-12-weeks"),
        ));
        assert!(soon.headline.contains("within 2 weeks"));
        assert!(soon.safety_net.iter().any(|l| l.contains("within 2 weeks")));
    }

    #[test]
    fn advice_ids_are_stable_kebab_case() {
        for id in advice_ids() {
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{id}"
            );
        }
        for filter in ADVICE_FILTERS {
            for id in filter.withholds {
                assert!(advice_ids().contains(id), "{}: {id}", filter.id);
            }
        }
    }

    /// The GP-role review of round 3, items 4 and 12: a 999 or A&E page names no slower service.
    #[test]
    fn emergency_pages_tell_the_staff_about_a_pregnancy_instead_of_naming_111() {
        let early = "warning=faint-or-clammy&location=lower&onset=gradual&duration=under-1-week&severity=5&age=30&pregnant=yes&pregnancy_weeks=under-12&pregnancy_sign=vaginal-bleeding&symptom=none&history=none";
        let result = assess(&answers(early));
        assert_eq!(result.service, Service::Call999);
        assert!(!result.safety_net.contains(&EARLY_PREGNANCY_LINE));
        assert!(result.safety_net.contains(&PREGNANCY_EMERGENCY_LINE));
        let same_day = assess(&answers(
            &early.replace("warning=faint-or-clammy", "warning=none"),
        ));
        assert_eq!(same_day.service, Service::SameDay);
        assert!(same_day.safety_net.contains(&EARLY_PREGNANCY_LINE));
    }

    /// Items 12 and 9 of issue 22: period pain gets the ectopic net in specific words.
    #[test]
    fn period_pain_gets_a_pregnancy_test_and_the_ectopic_net() {
        let form = format!("{}&trigger=menstruation", CALM.replace("age=35", "age=24"));
        let result = assess(&answers(&form));
        assert_eq!(result.service, Service::SelfCare);
        assert!(result.safety_net.contains(&PERIOD_ECTOPIC_LINE));
        assert!(result.safety_net.contains(&PERIOD_PAIN_GP_LINE));
        assert!(PERIOD_ECTOPIC_LINE.contains("pregnancy test"));
        assert!(PERIOD_ECTOPIC_LINE.contains("not like your normal period"));
    }

    /// Items 5, 6, 7, 13 and 14: a child's result speaks to the parent and fits a child.
    #[test]
    fn child_results_fit_a_child_and_speak_to_the_parent() {
        let teen = format!(
            "{}&trigger=lifting&trigger=exercise&eased_by=heat&child_sign=none",
            CALM.replace("age=35", "age=14")
        );
        let result = assess(&answers(&teen));
        assert_eq!(result.service, Service::GpOrPhysio);
        for slug in ADULT_SELF_CARE_ARTICLES {
            assert!(!result.articles.contains(&slug), "{slug} for a child");
        }
        assert!(
            result
                .articles
                .iter()
                .any(|slug| *slug == "back-pain-in-children")
        );
        assert_eq!(result.outlook, Some(CHILD_OUTLOOK));
        let ae = assess(&answers(&with(&teen, "warning", "both-legs")));
        assert_eq!(ae.service, Service::GoToAe);
        for advice in &ae.advice {
            assert!(!advice.text.contains("drive yourself"), "{}", advice.text);
        }
        assert!(ids(&ae).contains(&"getting-to-ae"));
        let toddler = assess(&answers(&format!(
            "{}&child_sign=none",
            CALM.replace("age=35", "age=3")
        )));
        assert_eq!(toddler.service, Service::SameDay);
        assert!(toddler.safety_net.contains(&UNDER_5_111_LINE));
        assert!(
            !toddler
                .safety_net
                .iter()
                .any(|line| line.contains("use NHS 111 online"))
        );
        assert!(!CHILD_AE_LINE.contains("cannot walk"));
    }

    /// Item 7: axial spondyloarthritis is long-term; "gets better within a few weeks" is wrong.
    #[test]
    fn inflammatory_back_pain_gets_its_own_outlook() {
        let form = "warning=none&location=lower&onset=gradual&duration=over-12-weeks&severity=4&age=40&pregnant=no&symptom=morning-stiffness&history=none";
        let result = assess(&answers(form));
        assert_eq!(result.service, Service::GpOrPhysio);
        assert_eq!(result.outlook, Some(INFLAMMATORY_OUTLOOK));
    }

    /// Item 8: NHS Talking Therapies is England's; the other nations get their own route.
    #[test]
    fn mood_help_names_each_nations_route() {
        let result = assess(&answers(&with(CALM, "symptom", "struggling-to-cope")));
        let therapies = result
            .advice
            .iter()
            .find(|advice| advice.id == "talking-therapies")
            .expect("talking therapies advice");
        assert!(therapies.text.contains("In England"));
        assert!(therapies.text.contains("Northern Ireland"));
        assert!(MOOD_LINE.contains("Lifeline") && MOOD_LINE.contains("0808 808 8000"));
        assert!(result.safety_net.contains(&MOOD_LINE));
    }

    proptest! {
        #[test]
        fn assess_never_panics_and_is_well_formed(answers in test_support::answers()) {
            let result = assess(&answers);
            prop_assert_eq!(result.service, result.fired.first().map_or(Service::SelfCare, |r| r.service));
            prop_assert!(result.fired.windows(2).all(|p| p[0].service >= p[1].service));
            prop_assert!(result.articles.len() <= MAX_ARTICLES);
            if result.urgency() == Urgency::Emergency {
                for slug in &result.articles {
                    prop_assert!(HELP_AND_CAUSE_ARTICLES.contains(slug), "self-care article {} on an emergency", slug);
                }
                for id in ids(&result) {
                    prop_assert!(!["heat", "stay-active", "anti-inflammatories"].contains(&id));
                }
            }
            for slug in &result.articles {
                prop_assert!(linked_articles().contains(slug), "unknown article {}", slug);
            }
            if result.urgency() >= Urgency::Urgent {
                prop_assert_eq!(result.articles[0].as_str(), "when-to-get-help");
            }
            if answers.is_child() {
                prop_assert!(result.service > Service::SelfCare);
            }
            let ids = ids(&result);
            if has_numb_skin(&answers) { prop_assert!(!ids.contains(&"heat")); }
            if answers.may_be_pregnant() { prop_assert!(!ids.contains(&"anti-inflammatories")); }
            prop_assert!(!result.advice.is_empty());
            prop_assert!(!result.safety_net.is_empty());
        }

        #[test]
        fn adding_a_sign_never_lowers_urgency(
            answers in test_support::answers(),
            symptom in proptest::sample::select(Symptom::ALL),
            history in proptest::sample::select(History::ALL),
            warning in proptest::sample::select(Warning::ALL),
            sign in proptest::sample::select(PregnancySign::ALL),
            child_sign in proptest::sample::select(ChildSign::ALL),
        ) {
            let before = assess(&answers).urgency();
            let mut more = answers.clone();
            more.symptoms.insert(symptom);
            prop_assert!(assess(&more).urgency() >= before, "{:?} lowered urgency for {:?}", symptom, answers);
            let mut more = answers.clone();
            more.history.insert(history);
            prop_assert!(assess(&more).urgency() >= before, "{:?}", history);
            let mut more = answers.clone();
            more.screen.warnings.insert(warning);
            prop_assert!(assess(&more).urgency() == Urgency::Emergency);
            // Follow-up answers: a pregnancy sign is at least same day (early pregnancy goes to a
            // GP, an early pregnancy unit or 111), a child's sign at least same day too.
            let mut more = answers.clone();
            more.screen.pregnancy_signs.insert(sign);
            let got = assess(&more).urgency();
            prop_assert!(got >= before && got >= Urgency::Urgent, "{:?} lowered {:?}", sign, answers);
            let mut more = answers.clone();
            more.screen.child_signs.insert(child_sign);
            let got = assess(&more).urgency();
            prop_assert!(got >= before && got >= Urgency::Urgent, "{:?} lowered {:?}", child_sign, answers);
        }

        #[test]
        fn a_faster_onset_never_lowers_urgency(answers in test_support::answers()) {
            let before = assess(&answers).urgency();
            let faster = match answers.onset {
                Onset::Gradual => Some(Onset::Hours),
                Onset::Hours => Some(Onset::Sudden),
                Onset::Sudden => None,
            };
            if let Some(onset) = faster {
                let mut more = answers.clone();
                more.onset = onset;
                prop_assert!(assess(&more).urgency() >= before, "{:?} lowered {:?}", onset, answers);
            }
        }

        #[test]
        fn pages_headed_now_carry_no_softer_time_word(answers in test_support::answers()) {
            let result = assess(&answers);
            if result.urgency() == Urgency::Emergency {
                prop_assert!(result.other_reasons_as_signs());
                let mut shown: Vec<&str> = vec![result.headline, result.explanation];
                shown.extend(result.main_reasons().iter().map(|rule| rule.reason));
                shown.extend(result.other_reasons().iter().map(|rule| rule.sign));
                shown.extend(result.advice.iter().map(|advice| advice.text));
                shown.extend(result.safety_net.iter().copied());
                for text in shown {
                    for softer in ["today", "within 2 weeks", "next 2 weeks", "tomorrow", " soon"] {
                        prop_assert!(!text.contains(softer), "{:?} in {:?}", softer, text);
                    }
                }
                if result.service >= Service::GoToAe {
                    for line in &result.safety_net {
                        prop_assert!(!line.contains("111 or your GP"), "slower service in {:?}", line);
                        prop_assert!(!line.contains("maternity unit now"), "slower service in {:?}", line);
                    }
                }
            }
        }

        #[test]
        fn children_get_no_heat_lifting_or_ibuprofen_and_no_adult_sexual_lines(
            answers in test_support::answers(),
        ) {
            let result = assess(&answers);
            let ids = ids(&result);
            if answers.is_child() {
                for id in ["heat", "lifting", "anti-inflammatories", "period-pain"] {
                    prop_assert!(!ids.contains(&id), "{} for a child", id);
                }
                let words = result
                    .safety_net
                    .iter()
                    .copied()
                    .chain(result.advice.iter().map(|advice| advice.text))
                    .chain([result.headline, result.explanation]);
                for text in words {
                    for adult in ["sex", "erection", "ejaculat", "genitals", "drive yourself"] {
                        prop_assert!(!text.contains(adult), "{:?} in {:?}", adult, text);
                    }
                }
                for slug in &result.articles {
                    prop_assert!(!ADULT_SELF_CARE_ARTICLES.contains(slug), "{} for a child", slug);
                }
                prop_assert!(result.outlook.is_none_or(|outlook| outlook == CHILD_OUTLOOK));
                for line in &result.safety_net {
                    for adult in ["If you cannot", "If you get worse", "If you feel worse"] {
                        prop_assert!(!line.starts_with(adult), "{:?} to a parent", line);
                    }
                }
                if answers.age.get() < 5 {
                    prop_assert!(!result.safety_net.iter().any(|line| line.contains("use NHS 111 online")));
                }
            }
            if answers.has_history(History::BloodThinners) {
                prop_assert!(!ids.contains(&"anti-inflammatories"));
            }
            if answers.has_history(History::CancerHistory) {
                prop_assert!(ids.contains(&"acute-oncology-line"));
            }
            if answers.has_symptom(Symptom::StrugglingToCope) {
                prop_assert!(ids.contains(&"talking-therapies"));
                prop_assert!(result.safety_net.iter().any(|line| line.contains("116 123")));
            }
        }

        #[test]
        fn adding_a_trigger_or_easing_answer_never_lowers_urgency(
            answers in test_support::answers(),
            trigger in proptest::sample::select(Trigger::ALL),
            eased in proptest::sample::select(EasedBy::ALL),
        ) {
            let before = assess(&answers).urgency();
            let mut more = answers.clone();
            more.triggers.insert(trigger);
            prop_assert!(assess(&more).urgency() >= before, "{:?} lowered {:?}", trigger, answers);
            let mut more = answers.clone();
            more.eased_by.insert(eased);
            prop_assert!(assess(&more).urgency() >= before);
        }

        #[test]
        fn worse_pain_never_lowers_urgency(answers in test_support::answers()) {
            let before = assess(&answers).urgency();
            let mut worse = answers.clone();
            worse.severity = crate::triage::answers::Severity::new(10).expect("10 is in range");
            prop_assert!(assess(&worse).urgency() >= before);
        }
    }
}
