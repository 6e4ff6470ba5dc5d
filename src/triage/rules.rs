//! The triage rules as one table a clinician can read top to bottom: each rule's condition,
//! the service it sends the reader to, the reason shown to the reader and the source it comes from.

use super::answers::{
    Answers, ChildSign, Duration, EasedBy, History, Location, Onset, PregnancySign, PregnancyStage,
    Symptom, Trigger, Warning,
};

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

    /// A short name for lists of rules, e.g. on "how it works".
    pub fn title(self) -> &'static str {
        match self {
            Self::Emergency => "Emergency: get help now",
            Self::Urgent => "Urgent: get help today",
            Self::Soon => "Soon: see a GP or physiotherapist within 2 weeks",
            Self::SelfCare => "Self-care: look after it at home",
        }
    }
}

/// Where to go. `Ord` runs from least to most urgent; among emergencies an ambulance beats
/// A&E, which beats the maternity unit, so a 999 sign always names 999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    SelfCare,
    GpOrPhysio,
    SameDay,
    MaternityUnit,
    GoToAe,
    Call999,
}

impl Service {
    pub const ALL: &[Self] = &[
        Self::SelfCare,
        Self::GpOrPhysio,
        Self::SameDay,
        Self::MaternityUnit,
        Self::GoToAe,
        Self::Call999,
    ];

    pub fn urgency(self) -> Urgency {
        match self {
            Self::Call999 | Self::GoToAe | Self::MaternityUnit => Urgency::Emergency,
            Self::SameDay => Urgency::Urgent,
            Self::GpOrPhysio => Urgency::Soon,
            Self::SelfCare => Urgency::SelfCare,
        }
    }

    /// A stable machine name, for the result page's `data-service` and test data.
    pub fn value(self) -> &'static str {
        match self {
            Self::Call999 => "call-999",
            Self::GoToAe => "go-to-ae",
            Self::MaternityUnit => "maternity-unit",
            Self::SameDay => "111-or-gp-today",
            Self::GpOrPhysio => "gp-or-physio",
            Self::SelfCare => "self-care",
        }
    }

    pub fn from_value(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.value() == value)
    }

    /// The heading of a list of signs that lead here, as used by articles and the form.
    pub fn list_heading(self) -> &'static str {
        match self {
            Self::Call999 => "Call 999 if you have back pain and",
            Self::GoToAe => "Go to A&E now if you have back pain and",
            Self::MaternityUnit => "If you are pregnant, call your maternity unit now if you have",
            Self::SameDay => "Call 111 or your GP surgery today if you have back pain and",
            Self::GpOrPhysio => "See a GP or physiotherapist within 2 weeks if you have",
            Self::SelfCare => "You can usually look after back pain yourself if",
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
pub static NHS_BLOOD_IN_URINE: Source = Source {
    title: "NHS: Blood in urine",
    url: "https://www.nhs.uk/conditions/blood-in-urine/",
};
pub static NHS_AORTIC_ANEURYSM: Source = Source {
    title: "NHS: Abdominal aortic aneurysm",
    url: "https://www.nhs.uk/conditions/abdominal-aortic-aneurysm/",
};
pub static NHS_AORTIC_DISSECTION: Source = Source {
    title: "NHS: Aortic dissection",
    url: "https://www.nhs.uk/conditions/aortic-dissection/",
};
pub static NHS_SEPSIS: Source = Source {
    title: "NHS: Sepsis",
    url: "https://www.nhs.uk/conditions/sepsis/",
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
pub static NICE_NG234: Source = Source {
    title: "NICE guideline NG234: Spinal metastases and metastatic spinal cord compression",
    url: "https://www.nice.org.uk/guidance/ng234",
};
pub static NHS_PREGNANCY_BACK_PAIN: Source = Source {
    title: "NHS: Back pain in pregnancy",
    url: "https://www.nhs.uk/pregnancy/related-conditions/common-symptoms/back-pain/",
};
pub static NHS_SIGNS_OF_LABOUR: Source = Source {
    title: "NHS: Signs that labour has begun",
    url: "https://www.nhs.uk/pregnancy/labour-and-birth/signs-of-labour/signs-that-labour-has-begun/",
};
pub static NHS_PREGNANCY_BLEEDING: Source = Source {
    title: "NHS: Vaginal bleeding in pregnancy",
    url: "https://www.nhs.uk/pregnancy/related-conditions/common-symptoms/vaginal-bleeding/",
};
pub static NHS_BABY_MOVEMENTS: Source = Source {
    title: "NHS: Your baby's movements",
    url: "https://www.nhs.uk/pregnancy/keeping-well/your-babys-movements/",
};
pub static NHS_PRE_ECLAMPSIA: Source = Source {
    title: "NHS: Pre-eclampsia",
    url: "https://www.nhs.uk/conditions/pre-eclampsia/",
};
pub static NHS_UTI: Source = Source {
    title: "NHS: Urinary tract infections (UTIs)",
    url: "https://www.nhs.uk/conditions/urinary-tract-infections-utis/",
};
pub static NHS_IBUPROFEN: Source = Source {
    title: "NHS: Ibuprofen for adults",
    url: "https://www.nhs.uk/medicines/ibuprofen-for-adults/",
};
pub static NHS_STOMACH_ACHE: Source = Source {
    title: "NHS: Stomach ache",
    url: "https://www.nhs.uk/conditions/stomach-ache/",
};
pub static NHS_HEART_ATTACK: Source = Source {
    title: "NHS: Heart attack",
    url: "https://www.nhs.uk/conditions/heart-attack/",
};
pub static NHS_111_CHILDREN: Source = Source {
    title: "NHS 111 online: help for a child under 5",
    url: "https://111.nhs.uk/",
};
pub static NHS_ECTOPIC_PREGNANCY: Source = Source {
    title: "NHS: Ectopic pregnancy",
    url: "https://www.nhs.uk/conditions/ectopic-pregnancy/",
};
pub static NHS_AFTER_BIRTH: Source = Source {
    title: "NHS: Your body after the birth",
    url: "https://www.nhs.uk/conditions/baby/support-and-services/your-post-pregnancy-body/",
};
pub static NICE_NG51: Source = Source {
    title: "NICE guideline NG51: Sepsis (pregnant or recently pregnant people are at higher risk)",
    url: "https://www.nice.org.uk/guidance/ng51",
};
pub static NHS_MENINGITIS: Source = Source {
    title: "NHS: Meningitis (the glass test)",
    url: "https://www.nhs.uk/conditions/meningitis/",
};
pub static NHS_ANTICOAGULANTS: Source = Source {
    title: "NHS: Anticoagulant medicines",
    url: "https://www.nhs.uk/conditions/anticoagulants/",
};
pub static NICE_NG156: Source = Source {
    title: "NICE guideline NG156: Abdominal aortic aneurysm",
    url: "https://www.nice.org.uk/guidance/ng156",
};
pub static NHS_FEVER_IN_CHILDREN: Source = Source {
    title: "NHS: High temperature (fever) in children (NICE NG143 traffic light)",
    url: "https://www.nhs.uk/conditions/fever-in-children/",
};
pub static NICE_NG65: Source = Source {
    title: "NICE guideline NG65: Spondyloarthritis in over 16s",
    url: "https://www.nice.org.uk/guidance/ng65",
};

/// Every source a rule may cite, for a "sources" list on the "how it works" page.
pub static SOURCES: &[&Source] = &[
    &NHS_BACK_PAIN,
    &NHS_SCIATICA,
    &NHS_CAUDA_EQUINA,
    &NHS_AORTIC_ANEURYSM,
    &NHS_AORTIC_DISSECTION,
    &NHS_SEPSIS,
    &NHS_KIDNEY_INFECTION,
    &NHS_BLOOD_IN_URINE,
    &NHS_UTI,
    &NHS_PREGNANCY_BACK_PAIN,
    &NHS_SIGNS_OF_LABOUR,
    &NHS_PREGNANCY_BLEEDING,
    &NHS_BABY_MOVEMENTS,
    &NHS_PRE_ECLAMPSIA,
    &NHS_111_CHILDREN,
    &NHS_FEVER_IN_CHILDREN,
    &NHS_MENINGITIS,
    &NHS_ECTOPIC_PREGNANCY,
    &NHS_AFTER_BIRTH,
    &NHS_ANTICOAGULANTS,
    &NHS_IBUPROFEN,
    &NHS_STOMACH_ACHE,
    &NHS_HEART_ATTACK,
    &NICE_NG59,
    &NICE_CKS_BACK_PAIN,
    &NICE_NG234,
    &NICE_NG51,
    &NICE_NG65,
    &NICE_NG156,
];

/// What makes a rule fire.
#[derive(Debug, Clone, Copy)]
pub enum When {
    /// A box ticked on the emergency screen: fires even when the rest of the form is missing.
    Warning(Warning),
    /// A pregnancy warning sign at the stages it names: also fires on an incomplete form.
    PregnancySign(PregnancySign, fn(PregnancyStage) -> bool),
    /// A warning sign in a child: also fires on an incomplete form.
    ChildSign(ChildSign),
    /// A condition on the complete answers.
    Answers(fn(&Answers) -> bool),
}

/// A rule's stable kebab-case name, for tests, logs, the hazard log and anchors on "how it
/// works". CLINICAL_SAFETY.md and the tests name rules by these words, so they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(&'static str);

impl RuleId {
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// One triage rule. Its condition is a plain function of the answers, so a rule has no hidden
/// state and the table can be read, tested and published as it stands.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: RuleId,
    pub service: Service,
    /// Why this matters, in plain words, shown to the reader when the rule fires.
    pub reason: &'static str,
    /// A short phrase for lists ("call 999 if you have back pain and ...").
    pub sign: &'static str,
    pub source: &'static Source,
    pub when: When,
}

impl Rule {
    pub fn urgency(&self) -> Urgency {
        self.service.urgency()
    }

    /// Whether the rule fires on complete answers.
    pub fn applies(&self, answers: &Answers) -> bool {
        match self.when {
            When::Warning(warning) => answers.has_warning(warning),
            When::PregnancySign(sign, at) => {
                answers.has_pregnancy_sign(sign) && at(answers.pregnancy_stage())
            }
            When::ChildSign(sign) => answers.has_child_sign(sign),
            When::Answers(condition) => condition(answers),
        }
    }

    /// Whether the rule is one of the boxes of the emergency screen.
    pub fn is_on_screen(&self) -> bool {
        matches!(self.when, When::Warning(_))
    }

    /// Whether the rule fires on the emergency screen alone (an incomplete form).
    pub fn applies_to_screen(&self, screen: &super::answers::Screen) -> bool {
        match self.when {
            When::Warning(warning) => screen.warnings.contains(&warning),
            When::PregnancySign(sign, at) => {
                screen.pregnancy_signs.contains(&sign) && at(screen.stage)
            }
            When::ChildSign(sign) => screen.child_signs.contains(&sign),
            When::Answers(_) => false,
        }
    }
}

// Short names keep each condition on one readable line in the table below.
use Service::*;

/// A score of 7 or more out of 10: what pain scales call severe.
const SEVERE: u8 = 7;

fn is_severe(a: &Answers) -> bool {
    a.severity.get() >= SEVERE
}

/// Weak bones: osteoporosis, or long-term steroid tablets which thin the bones.
fn has_weak_bones(a: &Answers) -> bool {
    a.has_history(History::Osteoporosis) || a.has_history(History::Steroids)
}

/// What raises the chance of an infection in the spine (NICE CKS).
fn has_infection_risk(a: &Answers) -> bool {
    a.has_history(History::InjectsDrugs)
        || a.has_history(History::WeakImmuneSystem)
        || a.has_history(History::RecentSpineSurgery)
}

/// Steroid tablets lower the body's defences as well as thinning the bones.
fn has_infection_risk_or_steroids(a: &Answers) -> bool {
    has_infection_risk(a) || a.has_history(History::Steroids)
}

/// Pain that began within the last 6 weeks.
fn is_recent(a: &Answers) -> bool {
    matches!(a.duration, Duration::UnderOneWeek | Duration::OneToSixWeeks)
}

/// Signs of a nerve being pressed on in one leg.
fn has_nerve_signs(a: &Answers) -> bool {
    a.has_symptom(Symptom::LegWeakness)
        || a.has_symptom(Symptom::LegNumbness)
        || a.has_symptom(Symptom::Sciatica)
}

/// Pain that came on suddenly, or with a fall or knock, in the last week.
fn is_new_injury_or_sudden(a: &Answers) -> bool {
    a.duration == Duration::UnderOneWeek
        && (a.has_trigger(Trigger::Injury) || a.onset == Onset::Sudden)
}

/// Sudden, severe pain from 50 that no injury explains: the picture of a bleeding aorta.
fn is_sudden_severe_from_50(a: &Answers) -> bool {
    a.onset == Onset::Sudden
        && is_severe(a)
        && a.age.get() >= 50
        && a.duration == Duration::UnderOneWeek
}

/// Sudden (seconds or minutes) or over a few hours: the onsets of a bleed or a burst aneurysm.
fn came_on_fast(a: &Answers) -> bool {
    matches!(a.onset, Onset::Sudden | Onset::Hours)
}

/// New pain in the last week that no fall or knock explains.
fn is_new_without_injury(a: &Answers) -> bool {
    a.duration == Duration::UnderOneWeek && !a.has_trigger(Trigger::Injury)
}

/// A known aneurysm, or the pulsing tummy the NHS names as a sign of one.
fn has_aneurysm_sign(a: &Answers) -> bool {
    a.has_history(History::KnownAneurysm) || a.has_symptom(Symptom::PulsingTummy)
}

// Stages at which a pregnancy sign leads to a rule. Early pregnancy is seen by a GP, an early
// pregnancy unit or 111 (most maternity triage units start at 16 to 20 weeks); after a birth the
// maternity unit still sees women for 6 weeks.
fn is_early(stage: PregnancyStage) -> bool {
    stage.is_early()
}
fn is_not_early(stage: PregnancyStage) -> bool {
    !stage.is_early()
}
/// Labour can come to someone not sure they are pregnant, so only a known early pregnancy
/// takes cramps to the early pregnancy route.
fn is_known_early(stage: PregnancyStage) -> bool {
    stage == PregnancyStage::Early
}
fn is_not_known_early(stage: PregnancyStage) -> bool {
    stage != PregnancyStage::Early
}
fn is_during_pregnancy_from_12_weeks(stage: PregnancyStage) -> bool {
    !stage.is_early() && stage != PregnancyStage::AfterBirth
}
fn is_after_birth(stage: PregnancyStage) -> bool {
    stage == PregnancyStage::AfterBirth
}
fn is_any_stage(_: PregnancyStage) -> bool {
    true
}

/// The features of axial spondyloarthritis (NICE NG65) the form can ask, for back pain of more
/// than 3 months that started before 45: started before 35, waking in the night, buttock pain,
/// and easing with movement. `None` when the NG65 question does not apply.
fn spondyloarthritis_features(a: &Answers) -> Option<usize> {
    let applies = a.duration == Duration::OverTwelveWeeks && (16..=45).contains(&a.age.get());
    applies.then(|| {
        [
            a.age.get() <= 35,
            a.has_symptom(Symptom::WorseLyingDown) || a.has_symptom(Symptom::NightPain),
            a.has_symptom(Symptom::ButtockPain),
            a.is_eased_by(EasedBy::Movement),
        ]
        .into_iter()
        .filter(|&feature| feature)
        .count()
    })
}

/// The rules, most urgent first. Where sources disagree the safer service is used, and the
/// choice is listed for clinical review in CLINICAL_SAFETY.md.
pub static RULES: &[Rule] = &[
    // ---- Call 999 ----
    Rule {
        id: RuleId("chest-pain"),
        service: Call999,
        reason: "Chest pain with back pain can be a heart attack, or a tear in the main blood vessel of the body. These need help straight away.",
        sign: "chest pain",
        source: &NHS_BACK_PAIN,
        when: When::Warning(Warning::ChestPain),
    },
    Rule {
        id: RuleId("breathlessness"),
        service: Call999,
        reason: "Finding it hard to breathe with back pain can mean bleeding inside your body, or a heart or lung problem. These need help straight away.",
        sign: "difficulty breathing",
        source: &NHS_AORTIC_ANEURYSM,
        when: When::Warning(Warning::Breathlessness),
    },
    Rule {
        id: RuleId("tearing-pain"),
        service: Call999,
        reason: "A sudden tearing or ripping pain in the chest or back can mean the wall of the main blood vessel has torn (aortic dissection). This can kill, and needs help straight away.",
        sign: "sudden tearing or ripping pain in your chest or back",
        source: &NHS_AORTIC_DISSECTION,
        when: When::Warning(Warning::TearingPain),
    },
    Rule {
        id: RuleId("faint-or-clammy"),
        service: Call999,
        reason: "Feeling faint, dizzy, sweaty or clammy, or going pale or grey, can mean you are bleeding inside. It can also mean a bad reaction to an infection (sepsis). You need help now.",
        sign: "feeling faint, dizzy, sweaty or clammy, or pale or grey skin",
        source: &NHS_AORTIC_ANEURYSM,
        when: When::Warning(Warning::FaintOrClammy),
    },
    Rule {
        id: RuleId("confused-or-drowsy"),
        service: Call999,
        reason: "Feeling confused or very sleepy can be a sign of sepsis, a reaction to an infection that can kill. You need help straight away.",
        sign: "feeling confused, very sleepy or hard to wake",
        source: &NHS_SEPSIS,
        when: When::Warning(Warning::ConfusedOrDrowsy),
    },
    Rule {
        id: RuleId("major-trauma"),
        service: Call999,
        reason: "Back pain after a serious accident can mean a broken bone in the spine. It needs to be checked in hospital before you move about.",
        sign: "pain that started after a serious accident, such as a car crash or a bad fall",
        source: &NHS_BACK_PAIN,
        when: When::Warning(Warning::MajorTrauma),
    },
    // A burst or leaking aortic aneurysm: the NHS says call 999 for sudden, severe pain in the
    // tummy or back. No injury explains it; lifting does not rule it out (see the hazard log).
    Rule {
        id: RuleId("possible-aortic-aneurysm"),
        service: Call999,
        reason: "Sudden, severe pain in your back or tummy from the age of 50 can mean a swelling in the main blood vessel has burst (aortic aneurysm). This can kill, and needs help straight away.",
        sign: "sudden or severe pain in your tummy, or sudden severe pain in your lower back, if you are 50 or over",
        source: &NHS_AORTIC_ANEURYSM,
        when: When::Answers(|a| {
            let tummy = a.has_symptom(Symptom::AbdominalPain);
            let sudden_or_severe = a.onset == Onset::Sudden || is_severe(a);
            a.age.get() >= 50
                && a.duration == Duration::UnderOneWeek
                && !a.has_trigger(Trigger::Injury)
                && ((is_sudden_severe_from_50(a) && a.location != Location::Upper)
                    || (tummy && sudden_or_severe))
        }),
    },
    Rule {
        id: RuleId("possible-aortic-dissection"),
        service: Call999,
        reason: "Sudden, severe pain in the upper or middle back from the age of 50 can mean the wall of the main blood vessel has torn (aortic dissection). This needs help straight away.",
        sign: "sudden, severe pain in your upper or middle back, if you are 50 or over",
        source: &NHS_AORTIC_DISSECTION,
        when: When::Answers(|a| {
            is_sudden_severe_from_50(a) && matches!(a.location, Location::Upper | Location::Middle)
        }),
    },
    // NHS: some people have back or jaw pain and feel sick, without chest pain.
    Rule {
        id: RuleId("possible-heart-attack"),
        service: Call999,
        reason: "Sudden pain in the upper or middle back with feeling or being sick can be a heart attack, even without chest pain. You need help now.",
        sign: "sudden pain in your upper or middle back with being sick, if you are 40 or over",
        source: &NHS_HEART_ATTACK,
        when: When::Answers(|a| {
            a.onset == Onset::Sudden
                && a.duration == Duration::UnderOneWeek
                && a.age.get() >= 40
                && matches!(a.location, Location::Upper | Location::Middle)
                && a.has_symptom(Symptom::Vomiting)
        }),
    },
    // NHS AAA "call 999 if ... sudden, severe pain"; a vascular pathway: "if in any doubt, 999".
    // From 65 the pain may build over a few hours (the GP-role review of judgement call 11).
    Rule {
        id: RuleId("possible-aortic-aneurysm-65-plus"),
        service: Call999,
        reason: "You are 65 or over, and bad pain in your back or tummy came on in minutes or hours, with no injury. This can mean a swelling in the main blood vessel in your tummy has burst (aortic aneurysm). This can kill, so you need help straight away.",
        sign: "bad pain in your back or tummy that came on suddenly or over a few hours, with no injury, if you are 65 or over",
        source: &NICE_NG156,
        when: When::Answers(|a| {
            a.age.get() >= 65 && is_new_without_injury(a) && is_severe(a) && came_on_fast(a)
        }),
    },
    Rule {
        id: RuleId("known-aneurysm-with-severe-pain"),
        service: Call999,
        reason: "You have an aneurysm, or a pulsing feeling in your tummy, and bad pain that came on fast. The swelling in your main blood vessel may be leaking or have burst (aortic aneurysm). You need help straight away.",
        sign: "bad pain that came on fast, if you have an aneurysm or a pulsing feeling in your tummy",
        source: &NHS_AORTIC_ANEURYSM,
        when: When::Answers(|a| has_aneurysm_sign(a) && is_severe(a) && came_on_fast(a)),
    },
    Rule {
        id: RuleId("heavy-bleeding-after-birth"),
        service: Call999,
        reason: "Heavy bleeding in the weeks after a birth, a miscarriage or an abortion can mean you are losing a lot of blood fast. You need help straight away.",
        sign: "heavy bleeding, soaking a pad in an hour or less, in the 6 weeks after a birth, miscarriage or abortion",
        source: &NHS_AFTER_BIRTH,
        when: When::PregnancySign(PregnancySign::VaginalBleeding, is_after_birth),
    },
    Rule {
        id: RuleId("child-floppy-or-drowsy"),
        service: Call999,
        reason: "A child who is floppy, very sleepy or hard to wake may have a very bad infection (sepsis). They need help straight away.",
        sign: "a child who is floppy, very sleepy or hard to wake",
        source: &NHS_SEPSIS,
        when: When::ChildSign(ChildSign::FloppyOrDrowsy),
    },
    Rule {
        id: RuleId("child-rash-not-fading"),
        service: Call999,
        reason: "A rash that does not fade when you press a glass on it can be a sign of meningitis or sepsis. These are very bad infections. Your child needs help straight away.",
        sign: "a child with a rash that does not fade when you press a glass on it",
        source: &NHS_MENINGITIS,
        when: When::ChildSign(ChildSign::RashNotFading),
    },
    // ---- Go to A&E ----
    // Any single sign of cauda equina syndrome is enough, whatever the pain score.
    Rule {
        id: RuleId("saddle-numbness"),
        service: GoToAe,
        reason: "Numbness around your genitals or bottom can mean the nerves at the base of your spine are squashed. This is called cauda equina syndrome. You need to be seen in hospital within hours, to stop lasting harm.",
        sign: "numbness or tingling around your genitals, bottom or inner thighs",
        source: &NHS_CAUDA_EQUINA,
        when: When::Warning(Warning::SaddleNumbness),
    },
    Rule {
        id: RuleId("bladder-bowel"),
        service: GoToAe,
        reason: "If you cannot pee, or cannot stop pee or poo coming out, the nerves at the base of your spine may be squashed. This is called cauda equina syndrome. You need to be seen in hospital within hours.",
        sign: "not being able to pee, or to control when you pee or poo",
        source: &NHS_CAUDA_EQUINA,
        when: When::Warning(Warning::BladderBowel),
    },
    Rule {
        id: RuleId("both-legs"),
        service: GoToAe,
        reason: "Pain, numbness or weakness in both legs can mean the nerves at the base of your spine are squashed. This is called cauda equina syndrome. You need to be seen in hospital now.",
        sign: "pain, numbness or weakness in both legs",
        source: &NHS_CAUDA_EQUINA,
        when: When::Warning(Warning::BothLegs),
    },
    Rule {
        id: RuleId("sexual-problems"),
        service: GoToAe,
        reason: "If you cannot feel your genitals during sex, or you have new problems with getting hard or coming, the nerves at the base of your spine may be squashed. This is called cauda equina syndrome. You need to be seen in hospital within hours.",
        sign: "new loss of feeling in your genitals during sex, or new problems getting an erection or ejaculating",
        source: &NHS_CAUDA_EQUINA,
        when: When::Warning(Warning::SexualProblems),
    },
    Rule {
        id: RuleId("possible-spinal-infection"),
        service: GoToAe,
        reason: "You have a high temperature. You also inject drugs, take steroids, have a weak immune system, or had spine surgery not long ago. Together, these can mean an infection in your spine. It needs to be checked in hospital now.",
        sign: "a high temperature, if you inject drugs, have a weak immune system, take steroid tablets or had spine surgery in the last 3 months",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::Fever) && has_infection_risk_or_steroids(a)),
    },
    Rule {
        id: RuleId("fever-with-leg-weakness"),
        service: GoToAe,
        reason: "You have a high temperature and a leg that is newly weak or numb. An infection may be pressing on a nerve in your spine. It needs to be checked in hospital now.",
        sign: "a high temperature with new weakness or numbness in a leg",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| {
            a.has_symptom(Symptom::Fever)
                && (a.has_symptom(Symptom::LegWeakness) || a.has_symptom(Symptom::LegNumbness))
        }),
    },
    Rule {
        id: RuleId("cancer-with-nerve-signs"),
        service: GoToAe,
        reason: "You have had cancer, and now have new weakness, numbness or pain in a leg. The cancer may be pressing on the nerves in your spine. This needs to be checked in hospital now.",
        sign: "new weakness, numbness or pain in a leg, if you have had cancer",
        source: &NICE_NG234,
        when: When::Answers(|a| a.has_history(History::CancerHistory) && has_nerve_signs(a)),
    },
    // NHS ectopic pregnancy: "call 999 or go to A&E" for a sharp, sudden, intense tummy pain.
    Rule {
        id: RuleId("early-pregnancy-severe-pain"),
        service: GoToAe,
        reason: "Very bad pain early in pregnancy, with bleeding or shoulder tip pain, can mean you are bleeding inside. It can come from a pregnancy outside the womb (ectopic pregnancy). You need help now.",
        sign: "very bad pain with bleeding, tummy pain or shoulder tip pain, if you are less than 12 weeks pregnant or may be pregnant",
        source: &NHS_ECTOPIC_PREGNANCY,
        when: When::Answers(|a| {
            a.pregnancy_stage().is_early()
                && is_severe(a)
                && (a.has_pregnancy_sign(PregnancySign::VaginalBleeding)
                    || a.has_pregnancy_sign(PregnancySign::ShoulderTipPain)
                    || a.has_symptom(Symptom::AbdominalPain))
        }),
    },
    // NHS fever in children and the NICE NG143 traffic light: a baby under 3 months with 38C or
    // more is red (A&E or 999). Age 0 is any baby under 1, so the safer reading is taken.
    Rule {
        id: RuleId("baby-fever"),
        service: GoToAe,
        reason: "A baby under 3 months with a temperature of 38C or more may have a bad infection. Older babies can get very ill fast too. Your baby needs to be seen in hospital now.",
        sign: "a baby under 1 with a temperature of 38C or more",
        source: &NHS_FEVER_IN_CHILDREN,
        when: When::Answers(|a| {
            a.age.get() == 0
                && (a.has_child_sign(ChildSign::Fever) || a.has_symptom(Symptom::Fever))
        }),
    },
    // NICE NG234 (CG75): difficulty walking is a sign of spinal cord compression: an emergency.
    Rule {
        id: RuleId("walking-difficulty"),
        service: GoToAe,
        reason: "If it is newly hard to walk, or your legs feel heavy or clumsy, something may be pressing on your spinal cord. You need to be seen in hospital now. This can stop lasting harm.",
        sign: "new difficulty walking, or legs that feel unsteady, heavy or clumsy",
        source: &NICE_NG234,
        when: When::Warning(Warning::WalkingDifficulty),
    },
    // The GP-role review of judgement call 6: weakness getting worse over hours goes to A&E.
    Rule {
        id: RuleId("leg-weakness-getting-worse"),
        service: GoToAe,
        reason: "A leg that is weak and getting weaker can mean a nerve in your back is being squashed more and more. You need to be seen in hospital now.",
        sign: "weakness in a leg that is getting worse, in the last week",
        source: &NHS_SCIATICA,
        when: When::Answers(|a| {
            a.has_symptom(Symptom::LegWeakness)
                && a.has_symptom(Symptom::Worsening)
                && a.duration == Duration::UnderOneWeek
        }),
    },
    Rule {
        id: RuleId("blood-thinners-sudden-severe-pain"),
        service: GoToAe,
        reason: "You take medicine to thin your blood, and bad back pain came on fast. This can mean bleeding inside your body or near your spine. You need to be seen in hospital now.",
        sign: "bad pain that came on fast, if you take medicine to thin your blood",
        source: &NHS_ANTICOAGULANTS,
        when: When::Answers(|a| {
            a.has_history(History::BloodThinners)
                && is_severe(a)
                && came_on_fast(a)
                && a.duration == Duration::UnderOneWeek
        }),
    },
    Rule {
        id: RuleId("sudden-pain-aged-65-plus-moderate"),
        service: GoToAe,
        reason: "You are 65 or over, and fairly bad pain came on suddenly, with no injury. This can come from the main blood vessel in your tummy (aortic aneurysm), or a break in a bone of your spine. You need to be seen in hospital now.",
        sign: "sudden pain of 5 or more out of 10, with no injury, if you are 65 or over",
        source: &NHS_AORTIC_ANEURYSM,
        when: When::Answers(|a| {
            a.age.get() >= 65
                && is_new_without_injury(a)
                && a.onset == Onset::Sudden
                && a.severity.get() >= 5
        }),
    },
    // NICE CKS: a fracture is more likely with osteoporosis, steroids or older age. Only a new
    // and painful one goes to A&E; an old knock is a same-day check (the rule further down).
    Rule {
        id: RuleId("possible-fracture"),
        service: GoToAe,
        reason: "If your bones are weak from osteoporosis or steroid tablets, a fall or sudden pain can break a bone in your spine. New, bad pain like this needs an X-ray now.",
        sign: "a fall or sudden bad pain in the last week, if you have weak bones or take steroid tablets",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| {
            has_weak_bones(a)
                && is_new_injury_or_sudden(a)
                && (is_severe(a) || (a.has_trigger(Trigger::Injury) && a.severity.get() >= 5))
        }),
    },
    // The aneurysm rule above leaves out pain after an injury; from 50 such pain still needs an
    // X-ray today, so adding "injury" never makes a result less urgent than an emergency.
    Rule {
        id: RuleId("injury-severe-aged-50-plus"),
        service: GoToAe,
        reason: "From the age of 50 a bone in the spine can break after a fall or knock. New, bad pain after an injury needs an X-ray now.",
        sign: "bad pain after a fall or knock in the last week, if you are 50 or over",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| {
            a.age.get() >= 50
                && a.has_trigger(Trigger::Injury)
                && a.duration == Duration::UnderOneWeek
                && is_severe(a)
        }),
    },
    Rule {
        id: RuleId("sudden-or-severe-tummy-pain"),
        service: GoToAe,
        reason: "Tummy pain that came on suddenly or is very bad needs to be checked in hospital now. It can come from a problem inside your tummy that cannot wait.",
        sign: "tummy pain that came on suddenly or is very bad",
        source: &NHS_STOMACH_ACHE,
        // From 24 weeks the maternity unit sees severe tummy pain (rule `pregnancy-tummy-pain`).
        when: When::Answers(|a| {
            a.has_symptom(Symptom::AbdominalPain)
                && a.duration == Duration::UnderOneWeek
                && (a.onset == Onset::Sudden || is_severe(a))
                && a.pregnancy_stage() != PregnancyStage::Late
        }),
    },
    // An NHS trust's back pain page: pain after minor trauma in older people goes to the
    // emergency department.
    Rule {
        id: RuleId("fall-aged-65-plus"),
        service: GoToAe,
        reason: "From the age of 65 a bone in the spine can break after a small fall or knock. Pain after a fall in the last week needs an X-ray now.",
        sign: "pain after a fall or knock in the last week, if you are 65 or over",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| {
            a.age.get() >= 65
                && a.has_trigger(Trigger::Injury)
                && a.duration == Duration::UnderOneWeek
                && a.severity.get() >= 4
        }),
    },
    // ---- Maternity unit ----
    Rule {
        id: RuleId("pregnancy-contractions"),
        service: MaternityUnit,
        reason: "Back pain or cramps that come and go can mean labour has started, even before your due date. Your maternity unit needs to know now.",
        sign: "tightenings or cramps that come and go, in your back or tummy",
        source: &NHS_SIGNS_OF_LABOUR,
        when: When::PregnancySign(PregnancySign::Contractions, is_not_known_early),
    },
    Rule {
        id: RuleId("pregnancy-waters-breaking"),
        service: MaternityUnit,
        reason: "If your waters have broken, your midwife needs to check you and your baby.",
        sign: "your waters breaking",
        source: &NHS_SIGNS_OF_LABOUR,
        when: When::PregnancySign(PregnancySign::WatersBreaking, is_any_stage),
    },
    Rule {
        id: RuleId("pregnancy-bleeding"),
        service: MaternityUnit,
        reason: "If you are pregnant, bleeding from your vagina needs to be checked now.",
        sign: "bleeding from your vagina, if you are 12 weeks pregnant or more",
        source: &NHS_PREGNANCY_BLEEDING,
        when: When::PregnancySign(
            PregnancySign::VaginalBleeding,
            is_during_pregnancy_from_12_weeks,
        ),
    },
    Rule {
        id: RuleId("pregnancy-baby-moving-less"),
        service: MaternityUnit,
        reason: "If your baby is moving less than usual, your midwife needs to check on your baby now. Do not wait until the next day.",
        sign: "your baby moving less than usual",
        source: &NHS_BABY_MOVEMENTS,
        when: When::PregnancySign(PregnancySign::BabyMovingLess, is_any_stage),
    },
    Rule {
        id: RuleId("pregnancy-pre-eclampsia-signs"),
        service: MaternityUnit,
        reason: "In pregnancy, or in the weeks after a birth, a bad headache, problems seeing, or sudden swelling can be signs of pre-eclampsia. This is a problem with your blood pressure. It can harm you, so it needs to be checked now.",
        sign: "a bad headache, problems seeing, or sudden swelling of your face, hands or feet, in pregnancy or in the 6 weeks after a birth",
        source: &NHS_PRE_ECLAMPSIA,
        when: When::PregnancySign(PregnancySign::HeadacheVisionSwelling, is_not_early),
    },
    // NICE NG51: pregnant and recently pregnant women with a fever are at higher risk of sepsis;
    // maternity triage sees women from about 16 to 20 weeks and up to 6 weeks after a birth.
    Rule {
        id: RuleId("pregnancy-fever"),
        service: MaternityUnit,
        reason: "You have a high temperature or shivers. In pregnancy or after a birth, this can mean a bad infection (sepsis). Your maternity unit needs to check you now.",
        sign: "a high temperature or shivers, if you are 12 weeks pregnant or more, or gave birth in the last 6 weeks",
        source: &NICE_NG51,
        when: When::PregnancySign(PregnancySign::FeverOrShivering, is_not_early),
    },
    Rule {
        id: RuleId("pregnancy-or-after-birth-fever"),
        service: MaternityUnit,
        reason: "You have a high temperature, and you are pregnant or gave birth not long ago. This can be a sign of a bad infection (sepsis). Your maternity unit needs to check you now.",
        sign: "a high temperature, if you are 12 weeks pregnant or more, or gave birth in the last 6 weeks",
        source: &NICE_NG51,
        when: When::Answers(|a| {
            a.has_symptom(Symptom::Fever)
                && !a.pregnancy_stage().is_early()
                && !matches!(
                    a.pregnancy_stage(),
                    PregnancyStage::NotPregnant | PregnancyStage::NotStated
                )
        }),
    },
    Rule {
        id: RuleId("pregnancy-shoulder-tip-pain"),
        service: MaternityUnit,
        reason: "Pain in the tip of your shoulder in pregnancy can be a sign of bleeding inside your tummy. It needs to be checked now.",
        sign: "pain in the tip of your shoulder, if you are 12 weeks pregnant or more",
        source: &NHS_ECTOPIC_PREGNANCY,
        when: When::PregnancySign(PregnancySign::ShoulderTipPain, is_not_early),
    },
    Rule {
        id: RuleId("pregnancy-tummy-pain"),
        service: MaternityUnit,
        reason: "If you are pregnant, tummy pain with back pain should be checked by your midwife now. It can be a sign of a problem that needs help fast.",
        sign: "tummy pain, if you are 12 weeks pregnant or more",
        source: &NHS_STOMACH_ACHE,
        when: When::Answers(|a| {
            a.pregnant == super::answers::Pregnant::Yes
                && !a.pregnancy_stage().is_early()
                && a.has_symptom(Symptom::AbdominalPain)
        }),
    },
    // ---- Get help today: 111 or a GP ----
    // NHS ectopic pregnancy: "speak to your GP, early pregnancy unit or call 111". Most
    // maternity units do not see women this early, so never the maternity unit here.
    Rule {
        id: RuleId("early-pregnancy-bleeding"),
        service: SameDay,
        reason: "Bleeding early in pregnancy is common. But it can be a sign of a miscarriage. It can also come from a pregnancy outside the womb (ectopic pregnancy). It needs to be checked today.",
        sign: "bleeding from your vagina, if you are less than 12 weeks pregnant or may be pregnant",
        source: &NHS_ECTOPIC_PREGNANCY,
        when: When::PregnancySign(PregnancySign::VaginalBleeding, is_early),
    },
    Rule {
        id: RuleId("early-pregnancy-shoulder-tip-pain"),
        service: SameDay,
        reason: "Pain in the tip of your shoulder early in pregnancy can mean you are bleeding inside. It can come from a pregnancy outside the womb (ectopic pregnancy). It needs to be checked today.",
        sign: "pain in the tip of your shoulder, if you are less than 12 weeks pregnant or may be pregnant",
        source: &NHS_ECTOPIC_PREGNANCY,
        when: When::PregnancySign(PregnancySign::ShoulderTipPain, is_early),
    },
    Rule {
        id: RuleId("early-pregnancy-cramps"),
        service: SameDay,
        reason: "Cramps early in pregnancy can be a sign of a miscarriage. They can also come from a pregnancy outside the womb (ectopic pregnancy). They need to be checked today.",
        sign: "cramps that come and go, if you are less than 12 weeks pregnant",
        source: &NHS_ECTOPIC_PREGNANCY,
        when: When::PregnancySign(PregnancySign::Contractions, is_known_early),
    },
    Rule {
        id: RuleId("early-pregnancy-tummy-pain"),
        service: SameDay,
        reason: "Tummy pain early in pregnancy can be a sign of a problem. It can come from a pregnancy outside the womb (ectopic pregnancy). It needs to be checked today.",
        sign: "tummy pain, if you are less than 12 weeks pregnant or may be pregnant",
        source: &NHS_ECTOPIC_PREGNANCY,
        when: When::Answers(|a| {
            a.pregnancy_stage().may_be_early() && a.has_symptom(Symptom::AbdominalPain)
        }),
    },
    Rule {
        id: RuleId("early-pregnancy-fever"),
        service: SameDay,
        reason: "A high temperature or shivers in pregnancy can be a sign of an infection. It needs to be checked today.",
        sign: "a high temperature or shivers, if you are less than 12 weeks pregnant or may be pregnant",
        source: &NICE_NG51,
        when: When::PregnancySign(PregnancySign::FeverOrShivering, is_early),
    },
    // NHS pre-eclampsia: "rarely happens before the 20th week"; its signs go to "your GP surgery
    // or NHS 111". Most maternity units do not see women before 12 weeks.
    Rule {
        id: RuleId("headache-or-vision-before-12-weeks"),
        service: SameDay,
        reason: "A bad headache, trouble seeing, or swelling that comes on fast needs to be checked today. This early on, it is rarely pre-eclampsia. That is a blood pressure problem that comes later in pregnancy. But it can have other causes.",
        sign: "a bad headache, problems seeing, or sudden swelling, if you are less than 12 weeks pregnant or may be pregnant",
        source: &NHS_PRE_ECLAMPSIA,
        when: When::PregnancySign(PregnancySign::HeadacheVisionSwelling, is_early),
    },
    Rule {
        id: RuleId("child-not-walking"),
        service: SameDay,
        reason: "A child who will not walk or put weight on a leg, or has a new limp, should be checked today.",
        sign: "a child who will not walk or put weight on a leg, or has a new limp",
        source: &NICE_CKS_BACK_PAIN,
        when: When::ChildSign(ChildSign::NotWalking),
    },
    Rule {
        id: RuleId("child-fever"),
        service: SameDay,
        reason: "A child with back pain and a high temperature may have an infection. They should be checked today.",
        sign: "a child with a high temperature",
        source: &NHS_SEPSIS,
        when: When::ChildSign(ChildSign::Fever),
    },
    Rule {
        id: RuleId("child-not-peeing"),
        service: SameDay,
        reason: "A child who has not had a pee for 12 hours may be very unwell. They should be checked today.",
        sign: "a child who has not had a pee, or a wet nappy, for 12 hours",
        source: &NHS_SEPSIS,
        when: When::ChildSign(ChildSign::NotPeeing),
    },
    // NHS AAA: "see a GP as soon as possible"; a suspected symptomatic aneurysm is discussed with
    // vascular surgeons at once (NICE NG156).
    Rule {
        id: RuleId("possible-aneurysm-signs"),
        service: SameDay,
        reason: "You have an aneurysm, or a pulsing feeling in your tummy. With back pain, this can mean the swelling in your main blood vessel is growing (aortic aneurysm). It needs to be checked today.",
        sign: "a pulsing feeling in your tummy, or an aneurysm you know about",
        source: &NHS_AORTIC_ANEURYSM,
        when: When::Answers(has_aneurysm_sign),
    },
    Rule {
        id: RuleId("bad-new-pain-65-plus"),
        service: SameDay,
        reason: "You are 65 or over, and have new, bad back pain with no injury. It can come from the main blood vessel in your tummy (aortic aneurysm), or a break in a bone of your spine. It needs to be checked today.",
        sign: "new, bad pain in the last week with no injury, if you are 65 or over",
        source: &NICE_NG156,
        when: When::Answers(|a| {
            a.age.get() >= 65
                && is_new_without_injury(a)
                && (is_severe(a) || (a.onset == Onset::Hours && a.severity.get() >= 5))
        }),
    },
    // NHS AAA: "sudden, severe pain" is 999; over a few hours from 50 is not "sudden", and an
    // aneurysm is rarer before 65, so same day (the GP-role review of round 3, item 1).
    Rule {
        id: RuleId("bad-pain-over-hours-50-plus"),
        service: SameDay,
        reason: "You are 50 or over, and bad back pain came on over a few hours, with no injury. This is less likely to be a strain. It can come from the main blood vessel in your tummy (aortic aneurysm). It needs to be checked today.",
        sign: "bad pain that came on over a few hours in the last week, with no injury, if you are 50 or over",
        source: &NHS_AORTIC_ANEURYSM,
        when: When::Answers(|a| {
            a.age.get() >= 50 && is_new_without_injury(a) && is_severe(a) && a.onset == Onset::Hours
        }),
    },
    // NICE NG234 (CG75): pain in a band, pain worse lying down and night pain in someone who has
    // had cancer need an MRI within a week, and contact with the acute oncology team within 24 hours.
    Rule {
        id: RuleId("cancer-spinal-pain"),
        service: SameDay,
        reason: "You have had cancer. Pain that goes round you like a band, or is worse lying down or at night, can mean the cancer has spread to your spine. It needs to be checked today.",
        sign: "pain like a band round your body, or worse lying down or at night, if you have had cancer",
        source: &NICE_NG234,
        when: When::Answers(|a| {
            a.has_history(History::CancerHistory)
                && (a.has_symptom(Symptom::BandLikePain)
                    || a.has_symptom(Symptom::WorseLyingDown)
                    || a.has_symptom(Symptom::NightPain))
        }),
    },
    Rule {
        id: RuleId("under-5"),
        service: SameDay,
        reason: "Back pain is rare in young children. A child under 5 with back pain should be checked today, so call 111.",
        sign: "a child under 5 with back pain",
        source: &NHS_111_CHILDREN,
        when: When::Answers(|a| a.age.get() < 5),
    },
    Rule {
        id: RuleId("fever"),
        service: SameDay,
        reason: "A high temperature with back pain can be a sign of an infection in your spine or your kidneys. It needs to be checked today.",
        sign: "a high temperature, or feeling hot and shivery",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::Fever)),
    },
    Rule {
        id: RuleId("pregnancy-infection-signs"),
        service: SameDay,
        reason: "In pregnancy, a high temperature or pain when you pee can mean an infection. It needs to be treated today, to keep you and your baby safe.",
        sign: "a high temperature, or pain when you pee, if you are pregnant",
        source: &NHS_UTI,
        when: When::Answers(|a| {
            a.may_be_pregnant()
                && (a.has_symptom(Symptom::Fever)
                    || a.has_symptom(Symptom::Urinary)
                    || a.has_symptom(Symptom::BloodInPee))
        }),
    },
    Rule {
        id: RuleId("possible-kidney-infection"),
        service: SameDay,
        reason: "Back pain with pain or burning when you pee can be a kidney infection. It needs treatment today.",
        sign: "pain or burning when you pee, or needing to pee more often",
        source: &NHS_KIDNEY_INFECTION,
        when: When::Answers(|a| a.has_symptom(Symptom::Urinary)),
    },
    Rule {
        id: RuleId("blood-in-pee"),
        service: SameDay,
        reason: "Blood in your pee with back pain can come from a kidney stone or a kidney infection. It needs to be checked today.",
        sign: "blood in your pee",
        source: &NHS_BLOOD_IN_URINE,
        when: When::Answers(|a| a.has_symptom(Symptom::BloodInPee)),
    },
    Rule {
        id: RuleId("cancer-history"),
        service: SameDay,
        reason: "You have had cancer. New back pain should be checked today, in case the cancer has spread to your spine.",
        sign: "new back pain, if you have had cancer",
        source: &NICE_NG234,
        when: When::Answers(|a| {
            a.has_history(History::CancerHistory) && a.duration != Duration::OverTwelveWeeks
        }),
    },
    Rule {
        id: RuleId("infection-risk"),
        service: SameDay,
        reason: "You inject drugs, have a weak immune system, or had spine surgery not long ago. So new back pain could be an infection. It should be checked today, even if you do not have a high temperature.",
        sign: "new back pain, if you inject drugs, have a weak immune system or had spine surgery in the last 3 months",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| has_infection_risk(a) && is_recent(a)),
    },
    Rule {
        id: RuleId("weak-bones-fracture-check"),
        service: SameDay,
        reason: "If your bones are weak from osteoporosis or steroid tablets, a fall or sudden pain can break a bone in the spine, even a small one. It should be checked today.",
        sign: "a fall or sudden pain, if you have weak bones or take steroid tablets",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| {
            has_weak_bones(a)
                && is_recent(a)
                && (a.has_trigger(Trigger::Injury) || a.onset == Onset::Sudden)
        }),
    },
    Rule {
        id: RuleId("injury-aged-50-plus"),
        service: SameDay,
        reason: "From the age of 50 a bone in the spine can break after quite a small fall or knock. Back pain after an injury should be checked today.",
        sign: "a fall or injury in the last 6 weeks, if you are 50 or over",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| {
            a.has_trigger(Trigger::Injury) && a.age.get() >= 50 && is_recent(a)
        }),
    },
    // NICE CKS: sudden severe central pain, eased by lying down, can be a fracture even
    // without a fall or known osteoporosis.
    Rule {
        id: RuleId("sudden-pain-aged-65-plus"),
        service: SameDay,
        reason: "From the age of 65, back pain that starts suddenly can be a small break in a bone of the spine, even without a fall. It should be checked today.",
        sign: "back pain that started suddenly in the last week, if you are 65 or over",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| {
            a.age.get() >= 65 && a.onset == Onset::Sudden && a.duration == Duration::UnderOneWeek
        }),
    },
    Rule {
        id: RuleId("child-injury"),
        service: SameDay,
        reason: "A child with bad back pain after a fall or knock should be checked today. A bone may be broken.",
        sign: "bad back pain after a fall or knock, in a child under 16",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| {
            a.age.get() < 16 && a.has_trigger(Trigger::Injury) && is_recent(a) && is_severe(a)
        }),
    },
    Rule {
        id: RuleId("leg-weakness"),
        service: SameDay,
        reason: "Weakness in a leg can mean a nerve in your back is being pressed on. It should be checked today so it does not get worse.",
        sign: "weakness in one leg",
        source: &NHS_SCIATICA,
        when: When::Answers(|a| a.has_symptom(Symptom::LegWeakness)),
    },
    Rule {
        id: RuleId("weight-loss"),
        service: SameDay,
        reason: "Losing weight without trying, as well as back pain, should be checked today. A doctor will want to rule out a serious cause, such as cancer.",
        sign: "losing weight without trying",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::WeightLoss)),
    },
    Rule {
        id: RuleId("back-lump"),
        service: SameDay,
        reason: "A new lump or swelling on your back, or a change in its shape, should be checked today.",
        sign: "a lump or swelling on your back, or a change in its shape",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::BackLump)),
    },
    Rule {
        id: RuleId("night-pain"),
        service: SameDay,
        reason: "Pain that is much worse at night is less likely to be a simple strain. A doctor should check it.",
        sign: "pain that is much worse at night",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::NightPain)),
    },
    // NHS back pain: urgent GP or 111 if "the pain does not improve after resting or is worse at
    // night"; an HSC trust: "pain that remains or worsens when lying down and disturbing sleep".
    Rule {
        id: RuleId("worse-lying-down"),
        service: SameDay,
        reason: "Pain that is worse when you lie down, or that wakes you, is less likely to be a simple strain. A doctor should check it today.",
        sign: "pain that is worse when you lie down, or that wakes you",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::WorseLyingDown)),
    },
    // Only an explicit "nothing": an empty answer means the reader did not say.
    Rule {
        id: RuleId("nothing-eases"),
        service: SameDay,
        reason: "Pain from a strain usually eases at least a little with rest. Pain that nothing eases should be checked by a doctor.",
        sign: "pain that does not get better when you rest",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.is_eased_by(EasedBy::Nothing)),
    },
    Rule {
        id: RuleId("cough-worse"),
        service: SameDay,
        reason: "Pain that gets worse when you cough, sneeze or poo can mean something is pressing on a nerve in your spine. A doctor should check it.",
        sign: "pain that is worse when you cough, sneeze or poo",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::CoughWorse)),
    },
    Rule {
        id: RuleId("upper-back"),
        service: SameDay,
        reason: "Pain at the top of the back, between the shoulder blades, is less often a simple strain. It can come from the heart, lungs or spine, so a doctor should check it.",
        sign: "pain at the top of your back, between your shoulders",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.location == Location::Upper),
    },
    Rule {
        id: RuleId("abdominal-pain"),
        service: SameDay,
        reason: "Tummy pain with back pain can come from something inside your tummy rather than your back. It should be checked today.",
        sign: "tummy pain",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::AbdominalPain)),
    },
    Rule {
        id: RuleId("vomiting"),
        service: SameDay,
        reason: "Being sick with back pain can mean the pain comes from inside your body, not your back. It should be checked today.",
        sign: "being sick",
        source: &NHS_KIDNEY_INFECTION,
        when: When::Answers(|a| a.has_symptom(Symptom::Vomiting)),
    },
    // ---- See a GP or physiotherapist within 2 weeks ----
    Rule {
        id: RuleId("under-16"),
        service: GpOrPhysio,
        reason: "Back pain is not common in children. A GP should check for a cause that needs to be treated.",
        sign: "back pain in a child or teenager under 16",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| a.age.get() < 16),
    },
    Rule {
        id: RuleId("pregnancy"),
        service: GpOrPhysio,
        reason: "Back pain is common in pregnancy, but your midwife or GP should know about it. They can send you to a physio if you need one.",
        sign: "back pain in pregnancy",
        source: &NHS_PREGNANCY_BACK_PAIN,
        when: When::Answers(|a| a.may_be_pregnant()),
    },
    Rule {
        id: RuleId("after-birth"),
        service: GpOrPhysio,
        reason: "Back pain is common after a birth. Tell your midwife, health visitor or GP about it.",
        sign: "back pain in the 6 weeks after a birth, miscarriage or abortion",
        source: &NHS_AFTER_BIRTH,
        when: When::Answers(Answers::recently_pregnant),
    },
    // NHS back pain: see a GP if "you're struggling to cope".
    Rule {
        id: RuleId("struggling-to-cope"),
        service: GpOrPhysio,
        reason: "You are finding it hard to cope. A GP can help with the pain and with how you feel.",
        sign: "feeling low or anxious, or struggling to cope",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::StrugglingToCope)),
    },
    // NICE NG65: refer with 4 or more features; with exactly 3, test for HLA-B27 first.
    Rule {
        id: RuleId("axial-spondyloarthritis-refer"),
        service: GpOrPhysio,
        reason: "Back pain for a long time that started before 45, with these signs, can be a kind of arthritis in the spine. It is called axial spondyloarthritis. Ask your GP if you should see a joint expert.",
        sign: "back pain for more than 3 months that started before 45, that wakes you in the night, eases as you move, with buttock pain",
        source: &NICE_NG65,
        when: When::Answers(|a| spondyloarthritis_features(a).is_some_and(|count| count >= 4)),
    },
    Rule {
        id: RuleId("axial-spondyloarthritis-test"),
        service: GpOrPhysio,
        reason: "Back pain for a long time that started before 45, with some of these signs, can be a kind of arthritis in the spine. It is called axial spondyloarthritis. Ask your GP about a blood test for it. The test is called HLA-B27.",
        sign: "back pain for more than 3 months that started before 45, with 3 signs of arthritis of the spine",
        source: &NICE_NG65,
        when: When::Answers(|a| spondyloarthritis_features(a) == Some(3)),
    },
    Rule {
        id: RuleId("axial-spondyloarthritis-prompt"),
        service: GpOrPhysio,
        reason: "Back pain for a long time that is stiff in the morning, and eases as you move, can be a kind of arthritis in the spine. It is called axial spondyloarthritis. Ask your GP about it.",
        sign: "back pain for more than 3 months that started before 45, that is stiff in the morning",
        source: &NICE_NG65,
        when: When::Answers(|a| {
            a.has_symptom(Symptom::MorningStiffness)
                && spondyloarthritis_features(a).is_some_and(|count| count < 3)
        }),
    },
    Rule {
        id: RuleId("lasting-over-6-weeks"),
        service: GpOrPhysio,
        reason: "Most back pain gets better within 6 weeks. If yours has lasted longer, see a GP or physio. They can look at other ways to help.",
        sign: "pain that has lasted more than 6 weeks",
        source: &NICE_NG59,
        when: When::Answers(|a| {
            matches!(
                a.duration,
                Duration::SixToTwelveWeeks | Duration::OverTwelveWeeks
            )
        }),
    },
    Rule {
        id: RuleId("leg-numbness-not-settling"),
        service: GpOrPhysio,
        reason: "Numbness or tingling in a leg comes from a nerve in the back. It often settles by itself, but if it lasts more than a week a GP can check the nerve.",
        sign: "numbness or tingling in one leg for more than a week",
        source: &NHS_SCIATICA,
        when: When::Answers(|a| {
            a.has_symptom(Symptom::LegNumbness) && a.duration != Duration::UnderOneWeek
        }),
    },
    Rule {
        id: RuleId("severe-pain"),
        service: GpOrPhysio,
        reason: "If your pain is very bad, see a GP. They can check you have the right pain relief, and that nothing else is causing it.",
        sign: "very bad pain (8 or more out of 10)",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.severity.get() >= 8),
    },
    Rule {
        id: RuleId("getting-worse"),
        service: GpOrPhysio,
        reason: "Back pain from a strain usually eases bit by bit. Pain that keeps getting worse should be checked by a GP.",
        sign: "pain that is getting worse",
        source: &NHS_BACK_PAIN,
        when: When::Answers(|a| a.has_symptom(Symptom::Worsening)),
    },
    Rule {
        id: RuleId("new-pain-50-plus"),
        service: GpOrPhysio,
        reason: "From the age of 50, new back pain is more likely to have a cause other than a strain. A GP should check it.",
        sign: "back pain that started in the last 6 weeks, if you are 50 or over",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| {
            a.age.get() >= 50
                && matches!(a.duration, Duration::UnderOneWeek | Duration::OneToSixWeeks)
        }),
    },
    Rule {
        id: RuleId("middle-back"),
        service: GpOrPhysio,
        reason: "Pain in the middle of the back is less often a simple strain. It can come from the kidneys or the spine, so it is worth a GP appointment.",
        sign: "pain in the middle of your back",
        source: &NICE_CKS_BACK_PAIN,
        when: When::Answers(|a| a.location == Location::Middle),
    },
];

/// The rules that send the reader to one service, in table order.
pub fn rules_for_service(service: Service) -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(move |rule| rule.service == service)
}

/// The rules that imply one urgency, in table order.
pub fn rules_for(urgency: Urgency) -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(move |rule| rule.urgency() == urgency)
}

/// A rule by its id, for tests, the hazard log and linking to one rule on "how it works".
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id == id)
}

/// The signs that lead to each emergency or same-day service, most urgent first, as plain
/// phrases: the single source for every warning-sign list on the site (articles, the checker's
/// "do not use this checker" box, search), so no page retypes them.
pub fn warning_sign_lists(lowest: Service) -> Vec<(Service, Vec<&'static str>)> {
    Service::ALL
        .iter()
        .rev()
        .filter(|&&service| service >= lowest && service != SelfCare)
        .map(|&service| {
            let signs = rules_for_service(service).map(|rule| rule.sign).collect();
            (service, signs)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::warning_boxes::article_sign_lists;
    use std::collections::HashSet;

    #[test]
    fn article_lists_are_named_by_urgency_and_grouped_by_service() {
        let lists = article_sign_lists();
        assert_eq!(
            lists.names().collect::<Vec<_>>(),
            ["emergency", "urgent", "soon"]
        );
        let emergency = lists.get("emergency").expect("emergency list");
        let headings: Vec<&str> = emergency
            .groups
            .iter()
            .map(|group| group.heading.as_str())
            .collect();
        assert_eq!(
            headings,
            [
                Call999.list_heading(),
                GoToAe.list_heading(),
                MaternityUnit.list_heading()
            ]
        );
        for rule in rules_for(Urgency::Emergency) {
            let group = emergency
                .groups
                .iter()
                .find(|group| group.heading == rule.service.list_heading())
                .expect("the rule's service has a group");
            assert!(
                group.items.iter().any(|item| item == rule.sign),
                "{}",
                rule.id
            );
        }
        assert!(
            !emergency.groups[0]
                .items
                .iter()
                .any(|item| item.contains("cramps")),
            "labour is not a 999 sign"
        );
        for (name, urgency) in [("urgent", Urgency::Urgent), ("soon", Urgency::Soon)] {
            let items: Vec<&str> = lists.get(name).expect("list").groups[0]
                .items
                .iter()
                .map(String::as_str)
                .collect();
            let signs: Vec<&str> = rules_for(urgency).map(|rule| rule.sign).collect();
            assert_eq!(items, signs, "{name}");
        }
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
            let id = rule.id.as_str();
            assert!(
                !id.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !id.starts_with('-')
                    && !id.ends_with('-'),
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
                .all(|pair| pair[0].service >= pair[1].service),
            "keep RULES grouped from Call999 down to GpOrPhysio"
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
                rule.service, SelfCare,
                "{}: self-care is the default, not a rule",
                rule.id
            );
        }
    }

    #[test]
    fn every_emergency_screen_box_and_pregnancy_sign_has_its_own_emergency_rule() {
        for &warning in Warning::ALL {
            let rules: Vec<_> = RULES
                .iter()
                .filter(|r| matches!(r.when, When::Warning(w) if w == warning))
                .collect();
            assert_eq!(rules.len(), 1, "{warning:?}");
            assert_eq!(rules[0].urgency(), Urgency::Emergency);
        }
        for &sign in PregnancySign::ALL {
            for &stage in PregnancyStage::ALL {
                let services: Vec<Service> = RULES
                    .iter()
                    .filter(
                        |r| matches!(r.when, When::PregnancySign(s, at) if s == sign && at(stage)),
                    )
                    .map(|r| r.service)
                    .collect();
                assert_eq!(services.len(), 1, "{sign:?} at {stage:?}: {services:?}");
                let lowest = if stage.is_early() {
                    SameDay
                } else {
                    MaternityUnit
                };
                assert!(services[0] >= lowest, "{sign:?} at {stage:?}");
                // Most maternity units do not see women before 12 weeks (rule 2 of round 3).
                let ectopic_signs = [
                    PregnancySign::VaginalBleeding,
                    PregnancySign::ShoulderTipPain,
                    PregnancySign::FeverOrShivering,
                ];
                if stage.is_early() && ectopic_signs.contains(&sign) {
                    assert_ne!(services[0], MaternityUnit, "{sign:?} early");
                }
            }
        }
        for &sign in ChildSign::ALL {
            let rules: Vec<_> = RULES
                .iter()
                .filter(|r| matches!(r.when, When::ChildSign(s) if s == sign))
                .collect();
            assert_eq!(rules.len(), 1, "{sign:?}");
            assert!(rules[0].service >= SameDay, "{sign:?}");
        }
    }

    #[test]
    fn rules_for_splits_the_table() {
        let counted: usize = Urgency::ALL.iter().map(|&u| rules_for(u).count()).sum();
        assert_eq!(counted, RULES.len());
        let by_service: usize = Service::ALL
            .iter()
            .map(|&s| rules_for_service(s).count())
            .sum();
        assert_eq!(by_service, RULES.len());
        assert_eq!(rule("saddle-numbness").map(|r| r.service), Some(GoToAe));
        assert!(rule("no-such-rule").is_none());
    }

    #[test]
    fn services_order_and_name() {
        assert!(SelfCare < GpOrPhysio && GpOrPhysio < SameDay && SameDay < MaternityUnit);
        assert!(MaternityUnit < GoToAe && GoToAe < Call999);
        for &service in Service::ALL {
            assert_eq!(Service::from_value(service.value()), Some(service));
        }
        for &urgency in Urgency::ALL {
            assert_eq!(Urgency::from_value(urgency.value()), Some(urgency));
        }
        assert_eq!(Urgency::from_value("panic"), None);
    }

    #[test]
    fn warning_sign_lists_keep_maternity_signs_out_of_the_999_list() {
        let lists = warning_sign_lists(Service::MaternityUnit);
        let services: Vec<_> = lists.iter().map(|(s, _)| *s).collect();
        assert_eq!(services, [Call999, GoToAe, MaternityUnit]);
        let call_999 = &lists[0].1;
        assert!(call_999.contains(&"chest pain"));
        assert!(!call_999.iter().any(|sign| sign.contains("cramps")));
        assert!(lists[2].1.iter().any(|sign| sign.contains("cramps")));
    }
}
