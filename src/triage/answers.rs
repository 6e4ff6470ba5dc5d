//! The symptom checker's answers: the raw form strings (`RawAnswers`), the typed `Question`s
//! that name every field, and the `Answers` they parse into, with every problem collected as a
//! `FieldError` naming its question.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The form exactly as posted: every field is a list so a one-answer field sent twice can be
/// spotted, and unknown keys are ignored so extra form furniture (a submit button's name)
/// never turns into an error for the reader.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct RawAnswers {
    #[serde(default)]
    pub warning: Vec<String>,
    #[serde(default)]
    pub location: Vec<String>,
    #[serde(default)]
    pub onset: Vec<String>,
    #[serde(default)]
    pub duration: Vec<String>,
    #[serde(default)]
    pub severity: Vec<String>,
    #[serde(default)]
    pub age: Vec<String>,
    #[serde(default)]
    pub pregnant: Vec<String>,
    #[serde(default)]
    pub trigger: Vec<String>,
    #[serde(default)]
    pub symptom: Vec<String>,
    #[serde(default)]
    pub history: Vec<String>,
    #[serde(default)]
    pub eased_by: Vec<String>,
    #[serde(default)]
    pub pregnancy_sign: Vec<String>,
    #[serde(default)]
    pub pregnancy_weeks: Vec<String>,
    #[serde(default)]
    pub child_sign: Vec<String>,
}

impl RawAnswers {
    /// The answers in a form body (`application/x-www-form-urlencoded`), in the order posted.
    /// Every field is a list of strings, so any body decodes: invalid UTF-8 is replaced, and
    /// then fails as an unknown answer with a message. Names that are not a question are
    /// ignored, as the serde derive does for form furniture. Decoded directly rather than
    /// through serde, whose form decoder groups every pair in a map first.
    ///
    /// A pair with no `%` or `+` in it decodes to itself when its value is UTF-8, as every pair
    /// the checker's own form sends does, so only other pairs go through `form_urlencoded`:
    /// that per-pair decoding was the larger part of reading a typical answer. Such a pair's
    /// name is looked up as bytes, and a name that is no question's is skipped unread (no
    /// question's name has a byte UTF-8 would replace, so it could never have matched).
    pub fn from_form(body: &[u8]) -> Self {
        let mut raw = RawAnswers::default();
        for pair in body
            .split(|&byte| byte == b'&')
            .filter(|pair| !pair.is_empty())
        {
            let plain = !pair.iter().any(|&byte| byte == b'%' || byte == b'+');
            let (name, value) = match pair.iter().position(|&byte| byte == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &[][..]),
            };
            match (plain, Question::named(name), std::str::from_utf8(value)) {
                (true, Some(question), Ok(value)) => {
                    question.posted_mut(&mut raw).push(value.to_owned());
                }
                (true, None, _) => {}
                _ => {
                    for (name, value) in form_urlencoded::parse(pair) {
                        if let Some(question) = Question::named(name.as_bytes()) {
                            question.posted_mut(&mut raw).push(value.into_owned());
                        }
                    }
                }
            }
        }
        raw
    }

    /// Every posted (field, value) pair, in the order the checker asks its questions: what a
    /// page carries forward in hidden fields. Takes the strings rather than copying them.
    pub fn into_fields(mut self) -> Vec<(&'static str, Cow<'static, str>)> {
        Question::ALL
            .iter()
            .flat_map(|&question| {
                std::mem::take(question.posted_mut(&mut self))
                    .into_iter()
                    .map(move |value| (question.field(), Cow::Owned(value)))
            })
            .collect()
    }
}

/// The value of the exclusive "None of these" box in the checkbox questions that need an
/// explicit answer: an empty list must never be read as "no".
pub const NONE: &str = "none";

/// Every question the checker can ask, in the order it asks them. The field name, words and
/// kind of input all come from here, so a new question cannot land in the wrong place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Question {
    Warning,
    Location,
    Onset,
    Duration,
    Severity,
    Age,
    Pregnant,
    Trigger,
    Symptom,
    History,
    EasedBy,
    /// Asked on a follow-up page, only when the reader is, may be or was lately pregnant.
    PregnancySign,
    /// Asked on the same follow-up block, only when the reader is pregnant.
    PregnancyWeeks,
    /// Asked on a follow-up page, only for a child under 16.
    ChildSign,
}

/// How a question is answered on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Radios,
    Checkboxes,
    /// A whole number in a text box (GOV.UK advises against `type=number`), with its label.
    Number {
        label: &'static str,
    },
}

/// One option of a radio or checkbox question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    /// "None of these": shown after a divider, and cannot be ticked with anything else.
    pub exclusive: bool,
}

impl Question {
    /// The questions of the first page, in order. `PregnancySign` follows up when it applies.
    pub const MAIN_FORM: &[Self] = &[
        Self::Warning,
        Self::Location,
        Self::Onset,
        Self::Duration,
        Self::Severity,
        Self::Age,
        Self::Pregnant,
        Self::Trigger,
        Self::Symptom,
        Self::History,
        Self::EasedBy,
    ];

    pub const ALL: &[Self] = &[
        Self::Warning,
        Self::Location,
        Self::Onset,
        Self::Duration,
        Self::Severity,
        Self::Age,
        Self::Pregnant,
        Self::Trigger,
        Self::Symptom,
        Self::History,
        Self::EasedBy,
        Self::PregnancySign,
        Self::PregnancyWeeks,
        Self::ChildSign,
    ];

    /// The follow-up questions: asked after the main form, only when they apply.
    pub const FOLLOW_UPS: &[Self] = &[Self::PregnancySign, Self::PregnancyWeeks, Self::ChildSign];

    /// The form field name.
    pub fn field(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Location => "location",
            Self::Onset => "onset",
            Self::Duration => "duration",
            Self::Severity => "severity",
            Self::Age => "age",
            Self::Pregnant => "pregnant",
            Self::Trigger => "trigger",
            Self::Symptom => "symptom",
            Self::History => "history",
            Self::EasedBy => "eased_by",
            Self::PregnancySign => "pregnancy_sign",
            Self::PregnancyWeeks => "pregnancy_weeks",
            Self::ChildSign => "child_sign",
        }
    }

    /// The `data-step` block of the follow-up page that asks this question.
    pub fn step(self) -> &'static str {
        match self {
            Self::PregnancySign | Self::PregnancyWeeks => "pregnancy",
            Self::ChildSign => "child",
            _ => "main",
        }
    }

    pub fn legend(self) -> &'static str {
        match self {
            Self::Warning => {
                "Do you have any of these now, or have you had them since the pain started?"
            }
            Self::Location => "Where is the pain?",
            Self::Onset => "How did the pain start?",
            Self::Duration => "How long have you had the pain?",
            Self::Severity => "How bad is the pain?",
            Self::Age => "How old are you?",
            Self::Pregnant => "Are you pregnant?",
            Self::Trigger => "Did any of these bring the pain on?",
            Self::Symptom => "Do you have any of these as well as back pain?",
            Self::History => "Do any of these apply to you?",
            Self::EasedBy => "What eases the pain?",
            Self::PregnancySign => "Do you have any of these signs?",
            Self::PregnancyWeeks => "How many weeks pregnant are you?",
            Self::ChildSign => "Does your child have any of these?",
        }
    }

    pub fn hint(self) -> Option<&'static str> {
        match self {
            Self::Warning => Some(
                "These can be signs of a serious problem. If you have any of them, you do not need to answer the other questions. Select all that apply.",
            ),
            Self::Location => Some("Choose the part of your back that hurts most."),
            Self::Onset | Self::Duration => None,
            Self::Severity => {
                Some("Enter a number from 0 (no pain) to 10 (the worst pain you can imagine).")
            }
            Self::Age => Some(
                "Enter your age in years. If you are asking for a child, enter their age. Enter 0 for a baby under 1.",
            ),
            Self::Pregnant => Some(
                "Answer No if you cannot be pregnant, for example if you are a man. Answer Not sure if you might be.",
            ),
            Self::Trigger | Self::EasedBy => {
                Some("Select all that apply. Leave this blank if you are not sure.")
            }
            Self::Symptom | Self::History => Some("Select all that apply."),
            Self::PregnancySign => Some("Select all that apply. Think about the last few hours."),
            Self::PregnancyWeeks => Some("Count from the first day of your last period."),
            Self::ChildSign => Some("Select all that apply. Think about the last few hours."),
        }
    }

    pub fn control(self) -> Control {
        match self {
            Self::Location
            | Self::Onset
            | Self::Duration
            | Self::Pregnant
            | Self::PregnancyWeeks => Control::Radios,
            Self::Severity => Control::Number {
                label: "Pain score from 0 to 10",
            },
            Self::Age => Control::Number {
                label: "Age in years",
            },
            Self::Warning
            | Self::Trigger
            | Self::Symptom
            | Self::History
            | Self::EasedBy
            | Self::PregnancySign
            | Self::ChildSign => Control::Checkboxes,
        }
    }

    /// Whether this checkbox question needs an answer, with "None of these" as the way to say no.
    pub fn needs_explicit_none(self) -> bool {
        matches!(
            self,
            Self::Warning | Self::Symptom | Self::History | Self::PregnancySign | Self::ChildSign
        )
    }

    /// The options, in the order shown; empty for number questions.
    pub fn choices(self) -> Vec<Choice> {
        fn from<T: Copy>(
            all: &[T],
            value: fn(T) -> &'static str,
            label: fn(T) -> &'static str,
            hint: fn(T) -> Option<&'static str>,
        ) -> Vec<Choice> {
            all.iter()
                .map(|&c| Choice {
                    value: value(c),
                    label: label(c),
                    hint: hint(c),
                    exclusive: false,
                })
                .collect()
        }
        fn no_hint<T>(_: T) -> Option<&'static str> {
            None
        }
        let mut choices = match self {
            Self::Warning => from(Warning::ALL, Warning::value, Warning::label, Warning::hint),
            Self::Location => from(Location::ALL, Location::value, Location::label, no_hint),
            Self::Onset => from(Onset::ALL, Onset::value, Onset::label, no_hint),
            Self::Duration => from(Duration::ALL, Duration::value, Duration::label, no_hint),
            Self::Pregnant => from(Pregnant::ALL, Pregnant::value, Pregnant::label, no_hint),
            Self::Trigger => from(Trigger::ALL, Trigger::value, Trigger::label, no_hint),
            Self::Symptom => from(Symptom::ALL, Symptom::value, Symptom::label, Symptom::hint),
            Self::History => from(History::ALL, History::value, History::label, History::hint),
            Self::EasedBy => from(EasedBy::ALL, EasedBy::value, EasedBy::label, no_hint),
            Self::PregnancySign => from(
                PregnancySign::ALL,
                PregnancySign::value,
                PregnancySign::label,
                PregnancySign::hint,
            ),
            Self::PregnancyWeeks => from(
                PregnancyWeeks::ALL,
                PregnancyWeeks::value,
                PregnancyWeeks::label,
                no_hint,
            ),
            Self::ChildSign => from(ChildSign::ALL, ChildSign::value, ChildSign::label, no_hint),
            Self::Severity | Self::Age => Vec::new(),
        };
        if self.needs_explicit_none() {
            choices.push(Choice {
                value: NONE,
                label: "None of these",
                hint: None,
                exclusive: true,
            });
        }
        choices
    }

    /// What was posted for this question.
    pub fn posted(self, raw: &RawAnswers) -> &[String] {
        match self {
            Self::Warning => &raw.warning,
            Self::Location => &raw.location,
            Self::Onset => &raw.onset,
            Self::Duration => &raw.duration,
            Self::Severity => &raw.severity,
            Self::Age => &raw.age,
            Self::Pregnant => &raw.pregnant,
            Self::Trigger => &raw.trigger,
            Self::Symptom => &raw.symptom,
            Self::History => &raw.history,
            Self::EasedBy => &raw.eased_by,
            Self::PregnancySign => &raw.pregnancy_sign,
            Self::PregnancyWeeks => &raw.pregnancy_weeks,
            Self::ChildSign => &raw.child_sign,
        }
    }

    fn posted_mut(self, raw: &mut RawAnswers) -> &mut Vec<String> {
        match self {
            Self::Warning => &mut raw.warning,
            Self::Location => &mut raw.location,
            Self::Onset => &mut raw.onset,
            Self::Duration => &mut raw.duration,
            Self::Severity => &mut raw.severity,
            Self::Age => &mut raw.age,
            Self::Pregnant => &mut raw.pregnant,
            Self::Trigger => &mut raw.trigger,
            Self::Symptom => &mut raw.symptom,
            Self::History => &mut raw.history,
            Self::EasedBy => &mut raw.eased_by,
            Self::PregnancySign => &mut raw.pregnancy_sign,
            Self::PregnancyWeeks => &mut raw.pregnancy_weeks,
            Self::ChildSign => &mut raw.child_sign,
        }
    }

    /// The question a form field answers, by its `field()` name.
    fn named(field: &[u8]) -> Option<Question> {
        Question::ALL
            .iter()
            .copied()
            .find(|question| question.field().as_bytes() == field)
    }

    /// The options as shown to this reader: after a birth, only the pregnancy signs that can
    /// happen then, with the words the NHS uses for bleeding after a birth.
    pub fn choices_for(self, raw: &RawAnswers) -> Vec<Choice> {
        let after_birth = self == Self::PregnancySign
            && matches!(raw.pregnant.as_slice(), [one] if one == Pregnant::Recently.value());
        if !after_birth {
            return self.choices();
        }
        self.choices()
            .into_iter()
            .filter(|choice| {
                PregnancySign::from_value(choice.value)
                    .is_none_or(PregnancySign::can_happen_after_birth)
            })
            .map(|choice| match PregnancySign::from_value(choice.value) {
                Some(sign) => Choice {
                    label: sign.label_after_birth(),
                    hint: None,
                    ..choice
                },
                None => choice,
            })
            .collect()
    }
}

/// One problem with the form: which question, and what the reader should do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub question: Question,
    /// GOV.UK style: says what to do, not what went wrong.
    pub message: &'static str,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.question.field(), self.message)
    }
}

impl std::error::Error for FieldError {}

/// Declares a closed set of form choices: the enum, `ALL` in form order, the posted value and
/// the label. Written once here so the value/label/parse tables can never disagree.
macro_rules! form_choices {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $variant:ident = $value:literal => $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $variant, )+
        }

        impl $name {
            /// Every choice, in the order the form shows them (also the `Ord` order).
            pub const ALL: &[Self] = &[$( Self::$variant, )+];

            /// The value the form posts for this choice.
            pub fn value(self) -> &'static str {
                match self {
                    $( Self::$variant => $value, )+
                }
            }

            /// The plain-English label shown beside the radio or checkbox.
            pub fn label(self) -> &'static str {
                match self {
                    $( Self::$variant => $label, )+
                }
            }

            /// The choice a posted value stands for; `None` for anything not on the form.
            pub fn from_value(value: &str) -> Option<Self> {
                match value {
                    $( $value => Some(Self::$variant), )+
                    _ => None,
                }
            }
        }
    };
}

form_choices! {
    /// The emergency screen, asked first: any one of these is enough for a result at once.
    pub enum Warning {
        SaddleNumbness = "saddle-numbness" => "Numbness or tingling around your genitals, bottom or inner thighs",
        BladderBowel = "bladder-bowel" => "You cannot pee or find it hard to start, or cannot control when you pee or poo",
        BothLegs = "both-legs" => "New pain, numbness or weakness in both legs",
        SexualProblems = "sexual-problems" => "New loss of feeling in your genitals during sex, or new problems getting an erection or ejaculating",
        ChestPain = "chest-pain" => "Chest pain",
        Breathlessness = "breathlessness" => "Difficulty breathing",
        TearingPain = "tearing-pain" => "Sudden tearing or ripping pain in your chest or back",
        FaintOrClammy = "faint-or-clammy" => "You feel faint or very dizzy, sweaty or clammy, your skin is pale or grey, or you passed out",
        ConfusedOrDrowsy = "confused-or-drowsy" => "You feel confused, very sleepy or hard to wake",
        MajorTrauma = "major-trauma" => "The pain started after a serious accident, such as a car crash or a bad fall",
        WalkingDifficulty = "walking-difficulty" => "New difficulty walking: you are unsteady, or your legs feel heavy or clumsy",
    }
}

impl Warning {
    pub fn hint(self) -> Option<&'static str> {
        match self {
            Self::SaddleNumbness => Some("The parts that would touch a saddle if you sat on one."),
            Self::BladderBowel => Some(
                "This is new for you. For example, you try but little or no pee comes, you wet or soil yourself, or you do not feel when you need to go.",
            ),
            Self::MajorTrauma => Some("Not a small knock or strain."),
            _ => None,
        }
    }
}

form_choices! {
    /// Which part of the back hurts most.
    pub enum Location {
        Lower = "lower" => "Lower back",
        Middle = "middle" => "Middle back",
        Upper = "upper" => "Upper back or between the shoulder blades",
    }
}

form_choices! {
    /// How the pain began.
    pub enum Onset {
        Sudden = "sudden" => "Suddenly, in seconds or minutes",
        Hours = "hours" => "Over a few hours",
        Gradual = "gradual" => "Gradually, over days or weeks",
    }
}

form_choices! {
    /// How long the pain has lasted so far.
    pub enum Duration {
        UnderOneWeek = "under-1-week" => "Less than 1 week",
        OneToSixWeeks = "1-6-weeks" => "1 to 6 weeks",
        SixToTwelveWeeks = "6-12-weeks" => "6 to 12 weeks",
        OverTwelveWeeks = "over-12-weeks" => "More than 12 weeks",
    }
}

form_choices! {
    /// Whether the reader is pregnant; "not sure" is treated as "yes" wherever it matters.
    pub enum Pregnant {
        Yes = "yes" => "Yes",
        Recently = "recently" => "No, but I gave birth, or had a miscarriage or abortion, in the last 6 weeks",
        No = "no" => "No",
        NotSure = "not-sure" => "Not sure",
    }
}

form_choices! {
    /// What the reader thinks brought the pain on.
    pub enum Trigger {
        Lifting = "lifting" => "Lifting, carrying or bending",
        Exercise = "exercise" => "Exercise or sport",
        Posture = "posture" => "Sitting, standing or working in one position for a long time",
        Injury = "injury" => "A fall, knock or other injury",
        Menstruation = "menstruation" => "Your period",
    }
}

form_choices! {
    /// Other symptoms alongside the back pain.
    pub enum Symptom {
        LegWeakness = "leg-weakness" => "Weakness in one leg",
        LegNumbness = "leg-numbness" => "Numbness or tingling in one leg",
        Sciatica = "sciatica" => "Pain that travels from your bottom down the back of one leg",
        Fever = "fever" => "A high temperature, or feeling hot and shivery",
        WeightLoss = "weight-loss" => "Losing weight without trying",
        NightPain = "night-pain" => "Pain that is much worse at night",
        CoughWorse = "cough-worse" => "Pain that is worse when you cough, sneeze or poo",
        BackLump = "back-lump" => "A lump or swelling on your back, or a change in its shape",
        Worsening = "worsening" => "Pain that is getting worse over time",
        Urinary = "urinary" => "Pain or burning when you pee, or needing to pee more often",
        BloodInPee = "blood-in-pee" => "Blood in your pee",
        Vomiting = "vomiting" => "Being sick (vomiting)",
        AbdominalPain = "abdominal-pain" => "Pain in your tummy, other than your usual period pain",
        PulsingTummy = "pulsing-tummy" => "A pulsing feeling in your tummy, like a heartbeat",
        BandLikePain = "band-like-pain" => "Pain that goes round your chest or tummy like a band",
        WorseLyingDown = "worse-lying-down" => "Pain that is worse when you lie flat, or that wakes you",
        MorningStiffness = "morning-stiffness" => "Stiffness for more than 30 minutes after you wake up, that eases as you move",
        ButtockPain = "buttock-pain" => "Pain deep in your buttocks, that may switch sides",
        StrugglingToCope = "struggling-to-cope" => "Feeling low or anxious, or struggling to cope",
    }
}

impl Symptom {
    /// Extra words under a checkbox where the label alone could be misread.
    pub fn hint(self) -> Option<&'static str> {
        match self {
            Self::LegWeakness => Some("For example, your foot drags or your leg gives way."),
            Self::Sciatica => {
                Some("It can feel like burning or shooting pain, often below the knee.")
            }
            Self::NightPain => Some(
                "It stops you sleeping or wakes you up, not just discomfort when you turn over.",
            ),
            // Someone who cannot pee at all might tick this milder option; point them at the
            // emergency one.
            Self::Urinary => Some(
                "If you cannot pee, find it hard to start, or cannot control when you pee, tick \"You cannot pee\" in the first question instead.",
            ),
            _ => None,
        }
    }
}

form_choices! {
    /// Past illness and medicines that change what back pain may mean.
    pub enum History {
        CancerHistory = "cancer-history" => "You have had cancer",
        Osteoporosis = "osteoporosis" => "You have osteoporosis (weak, thin bones that break easily)",
        Steroids = "steroids" => "You take steroid tablets, or took them for more than 3 months",
        WeakImmuneSystem = "weak-immune-system" => "You have a weak immune system",
        InjectsDrugs = "injects-drugs" => "You inject drugs, or have done in the past",
        RecentSpineSurgery = "recent-spine-surgery" => "You had surgery or an injection in your spine in the last 3 months",
        KnownAneurysm = "known-aneurysm" => "You have been told you have an aneurysm (a swelling in the main blood vessel in your tummy or chest)",
        Smoker = "smoker" => "You smoke, or used to smoke",
        BloodThinners = "blood-thinners" => "You take medicine to thin your blood",
    }
}

impl History {
    pub fn hint(self) -> Option<&'static str> {
        match self {
            Self::Steroids => {
                Some("For example, prednisolone. Steroid inhalers and creams do not count.")
            }
            Self::WeakImmuneSystem => Some(
                "For example, from chemotherapy, HIV, an organ transplant, or medicines that lower your immune system.",
            ),
            Self::BloodThinners => Some(
                "Warfarin, apixaban, rivaroxaban, edoxaban, dabigatran, or injections such as heparin.",
            ),
            _ => None,
        }
    }
}

form_choices! {
    /// Warning signs in pregnancy, asked on the follow-up page.
    pub enum PregnancySign {
        Contractions = "contractions" => "Tightenings or cramps that come and go, felt in your back or your tummy",
        WatersBreaking = "waters-breaking" => "Your waters have broken, or fluid is leaking from your vagina",
        VaginalBleeding = "vaginal-bleeding" => "Bleeding from your vagina",
        BabyMovingLess = "baby-moving-less" => "Your baby is moving less than usual",
        HeadacheVisionSwelling = "headache-vision-swelling" => "A bad headache, problems seeing, or sudden swelling of your face, hands or feet",
        ShoulderTipPain = "shoulder-tip-pain" => "Pain in the tip of your shoulder, where your shoulder ends and your arm begins",
        FeverOrShivering = "fever-or-shivering" => "A high temperature, or feeling hot and shivery",
    }
}

form_choices! {
    /// How far along a pregnancy is, asked on the pregnancy follow-up block: early pregnancy
    /// problems are seen by a GP, 111 or an early pregnancy unit, later ones by maternity triage.
    pub enum PregnancyWeeks {
        Under12 = "under-12" => "Less than 12 weeks",
        From12To23 = "12-to-23" => "12 to 23 weeks",
        From24To36 = "24-to-36" => "24 to 36 weeks",
        From37 = "37-plus" => "37 weeks or more",
        NotSure = "not-sure" => "Not sure",
    }
}

form_choices! {
    /// Warning signs in a child, asked on the follow-up page for anyone under 16.
    pub enum ChildSign {
        NotWalking = "not-walking" => "Will not walk or put weight on a leg, or has a new limp",
        Fever = "fever" => "A high temperature (38C or more)",
        FloppyOrDrowsy = "floppy-or-drowsy" => "Floppy, very sleepy or hard to wake",
        RashNotFading = "rash-not-fading" => "A rash that does not fade when you press a glass on it",
        NotPeeing = "not-peeing" => "Has not had a pee, or a wet nappy, for 12 hours or more",
    }
}

/// Where a pregnancy stands, which decides who sees a pregnancy warning sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PregnancyStage {
    /// The form did not say (an unfinished form).
    #[default]
    NotStated,
    NotPregnant,
    /// Under 12 weeks: most maternity units do not see women yet.
    Early,
    /// Not sure if pregnant: most likely early, but labour signs still go to maternity.
    MaybePregnant,
    /// Pregnant, weeks not known.
    WeeksNotKnown,
    /// 12 to 23 weeks.
    Middle,
    /// 24 weeks or more.
    Late,
    /// Gave birth, or had a miscarriage or abortion, in the last 6 weeks.
    AfterBirth,
}

impl PregnancyStage {
    pub const ALL: &[Self] = &[
        Self::NotStated,
        Self::NotPregnant,
        Self::Early,
        Self::MaybePregnant,
        Self::WeeksNotKnown,
        Self::Middle,
        Self::Late,
        Self::AfterBirth,
    ];

    pub fn of(pregnant: Option<Pregnant>, weeks: Option<PregnancyWeeks>) -> Self {
        match (pregnant, weeks) {
            (None, _) => Self::NotStated,
            (Some(Pregnant::No), _) => Self::NotPregnant,
            (Some(Pregnant::Recently), _) => Self::AfterBirth,
            (Some(Pregnant::NotSure), _) => Self::MaybePregnant,
            (Some(Pregnant::Yes), Some(PregnancyWeeks::Under12)) => Self::Early,
            (Some(Pregnant::Yes), Some(PregnancyWeeks::From12To23)) => Self::Middle,
            (Some(Pregnant::Yes), Some(PregnancyWeeks::From24To36 | PregnancyWeeks::From37)) => {
                Self::Late
            }
            (Some(Pregnant::Yes), Some(PregnancyWeeks::NotSure) | None) => Self::WeeksNotKnown,
        }
    }

    /// Under 12 weeks, or not sure if pregnant: the early pregnancy route (GP, early pregnancy
    /// unit or 111), never the maternity unit, for bleeding and pain.
    pub fn is_early(self) -> bool {
        matches!(self, Self::Early | Self::MaybePregnant)
    }

    /// Whether a maternity unit may not see this reader yet: early, or weeks not known.
    pub fn may_be_early(self) -> bool {
        self.is_early() || self == Self::WeeksNotKnown
    }
}

impl PregnancySign {
    pub fn hint(self) -> Option<&'static str> {
        match self {
            Self::Contractions => Some(
                "Back pain that comes and goes in waves can be labour starting, even before your due date.",
            ),
            Self::BabyMovingLess => Some("Only if you are more than about 16 weeks pregnant."),
            Self::ShoulderTipPain => {
                Some("It can be worse when you lie down. It is not the same as neck pain.")
            }
            _ => None,
        }
    }

    /// The signs that can follow a birth, a miscarriage or an abortion.
    pub fn can_happen_after_birth(self) -> bool {
        matches!(
            self,
            Self::VaginalBleeding | Self::HeadacheVisionSwelling | Self::FeverOrShivering
        )
    }

    /// Some bleeding is normal after a birth; the NHS's warning sign is heavy bleeding.
    pub fn label_after_birth(self) -> &'static str {
        match self {
            Self::VaginalBleeding => {
                "Heavy bleeding from your vagina: soaking a pad in an hour or less, or large clots"
            }
            _ => self.label(),
        }
    }
}

form_choices! {
    /// What makes the pain better. An empty set means "not stated", which is not "nothing".
    pub enum EasedBy {
        Rest = "rest" => "Resting",
        Movement = "movement" => "Moving about",
        Heat = "heat" => "Heat, such as a hot water bottle or a warm bath",
        Nothing = "nothing" => "Nothing eases it",
    }
}

/// A pain score; can only hold 0..=10, so the rules never re-check the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Severity(u8);

impl Severity {
    pub const MIN: u8 = 0;
    pub const MAX: u8 = 10;

    pub fn new(score: u8) -> Option<Self> {
        (score <= Self::MAX).then_some(Self(score))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// A pain score as the summary of answers gives it.
const SEVERITY_WORDS: [&str; Severity::MAX as usize + 1] = [
    "0 out of 10",
    "1 out of 10",
    "2 out of 10",
    "3 out of 10",
    "4 out of 10",
    "5 out of 10",
    "6 out of 10",
    "7 out of 10",
    "8 out of 10",
    "9 out of 10",
    "10 out of 10",
];

/// "0" to "120", made once: `number_text` lends them as `'static` texts.
static NUMBER_TEXTS: LazyLock<Vec<String>> =
    LazyLock::new(|| (0..=Age::MAX).map(|number| number.to_string()).collect());

/// A score or an age (0..=120) in digits, as a constant: the answers' summary and hidden fields
/// hold only constants then (written from memory by the result page), and nothing is made per
/// request for a number.
fn number_text(number: u8) -> &'static str {
    &NUMBER_TEXTS[usize::from(number.min(Age::MAX))]
}

/// An age in whole years; can only hold 0..=120, where 0 is a baby under 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Age(u8);

impl Age {
    pub const MIN: u8 = 0;
    pub const MAX: u8 = 120;

    pub fn new(years: u8) -> Option<Self> {
        (years <= Self::MAX).then_some(Self(years))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// The answers that decide a result on their own, whatever else the form holds: the emergency
/// screen and, if posted, the pregnancy warning signs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Screen {
    pub warnings: BTreeSet<Warning>,
    pub pregnancy_signs: BTreeSet<PregnancySign>,
    pub child_signs: BTreeSet<ChildSign>,
    /// Who sees a pregnancy sign depends on the stage, so it travels with the signs.
    pub stage: PregnancyStage,
}

impl Screen {
    /// The listed values posted for the screen questions, ignoring anything else: a typo in one
    /// box must not hide a sign ticked in another.
    pub fn read(raw: &RawAnswers) -> Screen {
        fn listed<T: Ord>(values: &[String], from_value: fn(&str) -> Option<T>) -> BTreeSet<T> {
            values.iter().filter_map(|v| from_value(v)).collect()
        }
        fn one<T>(values: &[String], from_value: fn(&str) -> Option<T>) -> Option<T> {
            match values {
                [value] => from_value(value),
                _ => None,
            }
        }
        Screen {
            warnings: listed(&raw.warning, Warning::from_value),
            pregnancy_signs: listed(&raw.pregnancy_sign, PregnancySign::from_value),
            child_signs: listed(&raw.child_sign, ChildSign::from_value),
            stage: PregnancyStage::of(
                one(&raw.pregnant, Pregnant::from_value),
                one(&raw.pregnancy_weeks, PregnancyWeeks::from_value),
            ),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.warnings.is_empty() && self.pregnancy_signs.is_empty() && self.child_signs.is_empty()
    }
}

/// A complete, valid set of answers. Only `Answers::parse` builds one from the form, so the
/// rules can assume every field is present and in range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Answers {
    pub screen: Screen,
    pub location: Location,
    pub onset: Onset,
    pub duration: Duration,
    pub severity: Severity,
    pub age: Age,
    pub pregnant: Pregnant,
    pub triggers: BTreeSet<Trigger>,
    pub symptoms: BTreeSet<Symptom>,
    pub history: BTreeSet<History>,
    pub eased_by: BTreeSet<EasedBy>,
    /// Asked only when pregnant; `None` when not asked or not answered.
    pub pregnancy_weeks: Option<PregnancyWeeks>,
}

/// Why a form did not give complete answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomplete {
    /// Whatever emergency signs were ticked, so they are never held behind a problem. Boxed
    /// because three sets of signs make it the larger half of `parse`'s result.
    pub screen: Box<Screen>,
    /// Every problem, in form order. Empty when only a follow-up question is missing.
    pub errors: Vec<FieldError>,
    /// The follow-up questions that now apply and have not been answered yet, in form order.
    pub follow_ups: Vec<Question>,
}

/// The words for one single-answer question's problems.
struct OneAnswer {
    question: Question,
    missing: &'static str,
    several: &'static str,
    unknown: &'static str,
}

const LOCATION: OneAnswer = OneAnswer {
    question: Question::Location,
    missing: "Select where the pain is",
    several: "Select one answer only for where the pain is",
    unknown: "Select where the pain is from the options listed",
};
const ONSET: OneAnswer = OneAnswer {
    question: Question::Onset,
    missing: "Select how the pain started",
    several: "Select one answer only for how the pain started",
    unknown: "Select how the pain started from the options listed",
};
const DURATION: OneAnswer = OneAnswer {
    question: Question::Duration,
    missing: "Select how long you have had the pain",
    several: "Select one answer only for how long you have had the pain",
    unknown: "Select how long you have had the pain from the options listed",
};
// Numbers use one message for empty, non-numeric and out of range: each is fixed the same way.
const SEVERITY: OneAnswer = OneAnswer {
    question: Question::Severity,
    missing: "Enter how bad the pain is as a number from 0 to 10",
    several: "Enter one number only for how bad the pain is",
    unknown: "Enter how bad the pain is as a number from 0 to 10",
};
const AGE: OneAnswer = OneAnswer {
    question: Question::Age,
    missing: "Enter your age as a number from 0 to 120",
    several: "Enter one age only",
    unknown: "Enter your age as a number from 0 to 120",
};
const PREGNANT: OneAnswer = OneAnswer {
    question: Question::Pregnant,
    missing: "Select whether you are pregnant",
    several: "Select one answer only for whether you are pregnant",
    unknown: "Select whether you are pregnant from the options listed",
};

impl OneAnswer {
    fn error(&self, message: &'static str) -> FieldError {
        FieldError {
            question: self.question,
            message,
        }
    }

    /// The single posted value, or the problem with it. An empty value counts as missing
    /// because that is what an unanswered text box posts.
    fn single<'a>(&self, values: &'a [String]) -> Result<&'a str, FieldError> {
        match values {
            [] => Err(self.error(self.missing)),
            [one] if one.trim().is_empty() => Err(self.error(self.missing)),
            [one] => Ok(one),
            _ => Err(self.error(self.several)),
        }
    }

    fn choice<T>(
        &self,
        values: &[String],
        from_value: fn(&str) -> Option<T>,
    ) -> Result<T, FieldError> {
        let value = self.single(values)?;
        from_value(value).ok_or_else(|| self.error(self.unknown))
    }

    /// A whole number, surrounding spaces allowed (phones often add one), checked by `make`.
    fn number<T>(&self, values: &[String], make: fn(u8) -> Option<T>) -> Result<T, FieldError> {
        let value = self.single(values)?;
        value
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(make)
            .ok_or_else(|| self.error(self.unknown))
    }
}

/// The words for one checkbox question's problems.
struct ManyAnswers {
    question: Question,
    unknown: &'static str,
    /// For questions that need an explicit answer: nothing ticked at all.
    missing: &'static str,
    /// For questions that need an explicit answer: "None of these" ticked with something else.
    none_and_more: &'static str,
}

const WARNING: ManyAnswers = ManyAnswers {
    question: Question::Warning,
    unknown: "Select only the signs listed",
    missing: "Select any of these signs you have now, or 'None of these'",
    none_and_more: "",
};
const TRIGGER: ManyAnswers = ManyAnswers {
    question: Question::Trigger,
    unknown: "Select only the options listed for what brought the pain on",
    missing: "",
    none_and_more: "",
};
const SYMPTOM: ManyAnswers = ManyAnswers {
    question: Question::Symptom,
    unknown: "Select only the symptoms listed",
    missing: "Select the symptoms you have, or 'None of these'",
    none_and_more: "Select the symptoms you have, or 'None of these', not both",
};
const HISTORY: ManyAnswers = ManyAnswers {
    question: Question::History,
    unknown: "Select only the options listed about your health",
    missing: "Select any of these that apply to you, or 'None of these'",
    none_and_more: "Select the ones that apply to you, or 'None of these', not both",
};
const EASED_BY: ManyAnswers = ManyAnswers {
    question: Question::EasedBy,
    unknown: "Select only the options listed for what eases the pain",
    missing: "",
    none_and_more: "",
};
const PREGNANCY_SIGN: ManyAnswers = ManyAnswers {
    question: Question::PregnancySign,
    unknown: "Select only the signs listed",
    missing: "Select any of these signs you have, or 'None of these'",
    none_and_more: "Select the signs you have, or 'None of these', not both",
};
const CHILD_SIGN: ManyAnswers = ManyAnswers {
    question: Question::ChildSign,
    unknown: "Select only the signs listed",
    missing: "Select any of these signs your child has, or 'None of these'",
    none_and_more: "Select the signs your child has, or 'None of these', not both",
};
const PREGNANCY_WEEKS: OneAnswer = OneAnswer {
    question: Question::PregnancyWeeks,
    missing: "Select how many weeks pregnant you are, or 'Not sure'",
    several: "Select one answer only for how many weeks pregnant you are",
    unknown: "Select how many weeks pregnant you are from the options listed",
};

/// What a checkbox question's boxes say. `Unanswered` is not "no": for the questions that need
/// an explicit answer only a ticked "None of these" is.
enum Ticked<T> {
    Unanswered,
    Chosen(BTreeSet<T>),
}

impl ManyAnswers {
    fn error(&self, message: &'static str) -> FieldError {
        FieldError {
            question: self.question,
            message,
        }
    }

    /// Repeats are harmless (set semantics); an empty value is skipped because some form
    /// builders post a blank hidden input so the key is always present.
    fn ticked<T: Ord>(
        &self,
        values: &[String],
        from_value: fn(&str) -> Option<T>,
    ) -> Result<Ticked<T>, FieldError> {
        let explicit = self.question.needs_explicit_none();
        let mut chosen = BTreeSet::new();
        let mut none = false;
        for value in values.iter().filter(|v| !v.is_empty()) {
            if explicit && value == NONE {
                none = true;
            } else {
                chosen.insert(from_value(value).ok_or_else(|| self.error(self.unknown))?);
            }
        }
        // On the emergency screen a sign ticked with "None of these" wins: the safer reading.
        if none && !chosen.is_empty() && self.question != Question::Warning {
            return Err(self.error(self.none_and_more));
        }
        Ok(if explicit && !none && chosen.is_empty() {
            Ticked::Unanswered
        } else {
            Ticked::Chosen(chosen)
        })
    }

    /// Ticked values, where leaving every box empty is an answer ("none of these").
    fn optional<T: Ord>(
        &self,
        values: &[String],
        from_value: fn(&str) -> Option<T>,
    ) -> Result<BTreeSet<T>, FieldError> {
        match self.ticked(values, from_value)? {
            Ticked::Chosen(chosen) => Ok(chosen),
            Ticked::Unanswered => Ok(BTreeSet::new()),
        }
    }

    /// Ticked values, where leaving every box empty is a problem.
    fn required<T: Ord>(
        &self,
        values: &[String],
        from_value: fn(&str) -> Option<T>,
    ) -> Result<BTreeSet<T>, FieldError> {
        match self.ticked(values, from_value)? {
            Ticked::Chosen(chosen) => Ok(chosen),
            Ticked::Unanswered => Err(self.error(self.missing)),
        }
    }
}

/// Keeps a field's value if it parsed, otherwise records its problem and carries on, so one
/// pass collects every problem in form order.
fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

/// A follow-up checkbox question: asked only when `applies`; signs posted by anyone else still
/// count, as the safer reading of a contradiction. `None` means not answered yet, or a problem.
fn follow_up_signs<T: Ord>(
    question: &ManyAnswers,
    values: &[String],
    from_value: fn(&str) -> Option<T>,
    applies: bool,
    (errors, follow_ups): (&mut Vec<FieldError>, &mut Vec<Question>),
) -> Option<BTreeSet<T>> {
    match question.ticked(values, from_value) {
        Ok(Ticked::Chosen(signs)) => Some(signs),
        Ok(Ticked::Unanswered) if applies => {
            follow_ups.push(question.question);
            None
        }
        Ok(Ticked::Unanswered) => Some(BTreeSet::new()),
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

/// How many weeks pregnant: asked beside the pregnancy signs. A form that already answered the
/// signs (every v2 form did) is not held back for it: the weeks then count as not known, which
/// the rules treat as possibly early and possibly later.
fn pregnancy_weeks(
    raw: &RawAnswers,
    pregnant: Option<Pregnant>,
    errors: &mut Vec<FieldError>,
    follow_ups: &mut Vec<Question>,
) -> Option<Option<PregnancyWeeks>> {
    if raw
        .pregnancy_weeks
        .iter()
        .all(|value| value.trim().is_empty())
    {
        let asked_now =
            pregnant == Some(Pregnant::Yes) && follow_ups.contains(&Question::PregnancySign);
        if asked_now {
            follow_ups.push(Question::PregnancyWeeks);
            return None;
        }
        return Some(None);
    }
    keep(
        errors,
        PREGNANCY_WEEKS.choice(&raw.pregnancy_weeks, PregnancyWeeks::from_value),
    )
    .map(Some)
}

/// The main form's answers, each `None` when missing or not one of its choices.
struct MainAnswers {
    warnings: Option<BTreeSet<Warning>>,
    location: Option<Location>,
    onset: Option<Onset>,
    duration: Option<Duration>,
    severity: Option<Severity>,
    age: Option<Age>,
    pregnant: Option<Pregnant>,
    triggers: Option<BTreeSet<Trigger>>,
    symptoms: Option<BTreeSet<Symptom>>,
    history: Option<BTreeSet<History>>,
    eased_by: Option<BTreeSet<EasedBy>>,
}

impl MainAnswers {
    /// Reads every question, in form order, noting each problem.
    fn read(raw: &RawAnswers, errors: &mut Vec<FieldError>) -> Self {
        MainAnswers {
            warnings: keep(errors, WARNING.required(&raw.warning, Warning::from_value)),
            location: keep(errors, LOCATION.choice(&raw.location, Location::from_value)),
            onset: keep(errors, ONSET.choice(&raw.onset, Onset::from_value)),
            duration: keep(errors, DURATION.choice(&raw.duration, Duration::from_value)),
            severity: keep(errors, SEVERITY.number(&raw.severity, Severity::new)),
            age: keep(errors, AGE.number(&raw.age, Age::new)),
            pregnant: keep(errors, PREGNANT.choice(&raw.pregnant, Pregnant::from_value)),
            triggers: keep(errors, TRIGGER.optional(&raw.trigger, Trigger::from_value)),
            symptoms: keep(errors, SYMPTOM.required(&raw.symptom, Symptom::from_value)),
            history: keep(errors, HISTORY.required(&raw.history, History::from_value)),
            eased_by: keep(
                errors,
                EASED_BY.optional(&raw.eased_by, EasedBy::from_value),
            ),
        }
    }
}

/// The follow-up questions' answers, each `None` when asked and not answered yet, or wrong.
struct FollowUpAnswers {
    pregnancy_signs: Option<BTreeSet<PregnancySign>>,
    pregnancy_weeks: Option<Option<PregnancyWeeks>>,
    child_signs: Option<BTreeSet<ChildSign>>,
}

impl FollowUpAnswers {
    /// Reads the follow-ups that `main` makes apply, noting each problem and each one to ask.
    fn read(
        raw: &RawAnswers,
        main: &MainAnswers,
        errors: &mut Vec<FieldError>,
        follow_ups: &mut Vec<Question>,
    ) -> Self {
        let pregnancy_signs = follow_up_signs(
            &PREGNANCY_SIGN,
            &raw.pregnancy_sign,
            PregnancySign::from_value,
            matches!(
                main.pregnant,
                Some(Pregnant::Yes | Pregnant::NotSure | Pregnant::Recently)
            ),
            (&mut *errors, &mut *follow_ups),
        );
        let pregnancy_weeks = pregnancy_weeks(raw, main.pregnant, errors, follow_ups);
        let child_signs = follow_up_signs(
            &CHILD_SIGN,
            &raw.child_sign,
            ChildSign::from_value,
            main.age.is_some_and(|age: Age| age.get() < 16),
            (errors, follow_ups),
        );
        FollowUpAnswers {
            pregnancy_signs,
            pregnancy_weeks,
            child_signs,
        }
    }
}

impl Answers {
    /// Turns the posted form into `Answers`, or says what is missing: every problem in form
    /// order, a follow-up question that now applies, and the emergency signs ticked regardless.
    pub fn parse(raw: &RawAnswers) -> Result<Answers, Incomplete> {
        let mut errors = Vec::new();
        let mut follow_ups = Vec::new();
        let main = MainAnswers::read(raw, &mut errors);
        let follow = FollowUpAnswers::read(raw, &main, &mut errors, &mut follow_ups);
        Answers::complete(main, follow).ok_or_else(|| Incomplete {
            screen: Box::new(Screen::read(raw)),
            // A follow-up waits for the main form's problems to be fixed.
            follow_ups: if errors
                .iter()
                .all(|error| Question::FOLLOW_UPS.contains(&error.question))
            {
                follow_ups
            } else {
                Vec::new()
            },
            errors,
        })
    }

    /// The answers, when every question that applies has one.
    fn complete(main: MainAnswers, follow: FollowUpAnswers) -> Option<Answers> {
        let pregnant = main.pregnant?;
        let pregnancy_weeks = follow.pregnancy_weeks?;
        Some(Answers {
            screen: Screen {
                warnings: main.warnings?,
                pregnancy_signs: follow.pregnancy_signs?,
                child_signs: follow.child_signs?,
                stage: PregnancyStage::of(Some(pregnant), pregnancy_weeks),
            },
            location: main.location?,
            onset: main.onset?,
            duration: main.duration?,
            severity: main.severity?,
            age: main.age?,
            pregnant,
            triggers: main.triggers?,
            symptoms: main.symptoms?,
            history: main.history?,
            eased_by: main.eased_by?,
            pregnancy_weeks,
        })
    }

    pub fn has_warning(&self, warning: Warning) -> bool {
        self.screen.warnings.contains(&warning)
    }

    pub fn has_pregnancy_sign(&self, sign: PregnancySign) -> bool {
        self.screen.pregnancy_signs.contains(&sign)
    }

    pub fn has_child_sign(&self, sign: ChildSign) -> bool {
        self.screen.child_signs.contains(&sign)
    }

    pub fn pregnancy_stage(&self) -> PregnancyStage {
        self.screen.stage
    }

    /// Gave birth, or had a miscarriage or abortion, in the last 6 weeks.
    pub fn recently_pregnant(&self) -> bool {
        self.pregnant == Pregnant::Recently
    }

    pub fn has_symptom(&self, symptom: Symptom) -> bool {
        self.symptoms.contains(&symptom)
    }

    pub fn has_history(&self, history: History) -> bool {
        self.history.contains(&history)
    }

    pub fn has_trigger(&self, trigger: Trigger) -> bool {
        self.triggers.contains(&trigger)
    }

    pub fn is_eased_by(&self, eased_by: EasedBy) -> bool {
        self.eased_by.contains(&eased_by)
    }

    /// "Not sure" counts as pregnant: advice that is unsafe in pregnancy is held back.
    pub fn may_be_pregnant(&self) -> bool {
        matches!(self.pregnant, Pregnant::Yes | Pregnant::NotSure)
    }

    /// Whether the pregnancy signs are asked: pregnant, maybe pregnant, or in the 6 weeks after.
    pub fn asks_pregnancy_signs(&self) -> bool {
        self.may_be_pregnant() || self.recently_pregnant()
    }

    /// The checker is written for adults; under 16 its words speak to a parent.
    pub fn is_child(&self) -> bool {
        self.age.get() < 16
    }

    /// The answers in words, one row per question in form order, for the "your answers" list.
    /// Several choices are joined with "; " because some labels contain commas.
    pub fn summary(&self) -> Vec<(&'static str, Cow<'static, str>)> {
        fn listed<T: Copy>(
            set: &BTreeSet<T>,
            label: fn(T) -> &'static str,
            none: &'static str,
        ) -> Cow<'static, str> {
            match set.len() {
                0 => none.into(),
                1 => set
                    .iter()
                    .map(|&c| label(c).into())
                    .next()
                    .unwrap_or_default(),
                _ => set
                    .iter()
                    .map(|&c| label(c))
                    .collect::<Vec<_>>()
                    .join("; ")
                    .into(),
            }
        }
        let mut rows = Vec::with_capacity(Question::ALL.len());
        for &question in Question::ALL {
            let answer = match question {
                Question::Warning => listed(&self.screen.warnings, Warning::label, "None of these"),
                Question::Location => self.location.label().into(),
                Question::Onset => self.onset.label().into(),
                Question::Duration => self.duration.label().into(),
                Question::Severity => SEVERITY_WORDS[usize::from(self.severity.get())].into(),
                Question::Age => number_text(self.age.get()).into(),
                Question::Pregnant => self.pregnant.label().into(),
                Question::Trigger => listed(&self.triggers, Trigger::label, "None of these"),
                Question::Symptom => listed(&self.symptoms, Symptom::label, "None of these"),
                Question::History => listed(&self.history, History::label, "None of these"),
                Question::EasedBy => listed(&self.eased_by, EasedBy::label, "Not stated"),
                Question::PregnancySign
                    if !self.asks_pregnancy_signs() && self.screen.pregnancy_signs.is_empty() =>
                {
                    continue;
                }
                Question::PregnancySign => listed(
                    &self.screen.pregnancy_signs,
                    PregnancySign::label,
                    "None of these",
                ),
                Question::PregnancyWeeks => match self.pregnancy_weeks {
                    Some(weeks) => weeks.label().into(),
                    None => continue,
                },
                Question::ChildSign if !self.is_child() && self.screen.child_signs.is_empty() => {
                    continue;
                }
                Question::ChildSign => {
                    listed(&self.screen.child_signs, ChildSign::label, "None of these")
                }
            };
            rows.push((question.legend(), answer));
        }
        rows
    }

    /// The form fields that would produce these answers, in the order the checker asks its
    /// questions: what "Change your answers" posts back. The values are all constants: the
    /// choices' own values, and numbers from `number_text`.
    pub fn fields(&self) -> Vec<(&'static str, Cow<'static, str>)> {
        fn choices<T: Copy>(
            fields: &mut Vec<(&'static str, Cow<'static, str>)>,
            question: Question,
            set: &BTreeSet<T>,
            value: fn(T) -> &'static str,
            none_when_empty: bool,
        ) {
            if set.is_empty() && none_when_empty {
                fields.push((question.field(), NONE.into()));
            }
            fields.extend(set.iter().map(|&c| (question.field(), value(c).into())));
        }
        let mut fields = Vec::with_capacity(Question::ALL.len() + 4);
        choices(
            &mut fields,
            Question::Warning,
            &self.screen.warnings,
            Warning::value,
            true,
        );
        fields.extend([
            (Question::Location.field(), self.location.value().into()),
            (Question::Onset.field(), self.onset.value().into()),
            (Question::Duration.field(), self.duration.value().into()),
            (
                Question::Severity.field(),
                number_text(self.severity.get()).into(),
            ),
            (Question::Age.field(), number_text(self.age.get()).into()),
            (Question::Pregnant.field(), self.pregnant.value().into()),
        ]);
        choices(
            &mut fields,
            Question::Trigger,
            &self.triggers,
            Trigger::value,
            false,
        );
        choices(
            &mut fields,
            Question::Symptom,
            &self.symptoms,
            Symptom::value,
            true,
        );
        choices(
            &mut fields,
            Question::History,
            &self.history,
            History::value,
            true,
        );
        choices(
            &mut fields,
            Question::EasedBy,
            &self.eased_by,
            EasedBy::value,
            false,
        );
        if self.asks_pregnancy_signs() || !self.screen.pregnancy_signs.is_empty() {
            let signs = &self.screen.pregnancy_signs;
            choices(
                &mut fields,
                Question::PregnancySign,
                signs,
                PregnancySign::value,
                true,
            );
        }
        if let Some(weeks) = self.pregnancy_weeks {
            fields.push((Question::PregnancyWeeks.field(), weeks.value().into()));
        }
        if self.is_child() || !self.screen.child_signs.is_empty() {
            let signs = &self.screen.child_signs;
            choices(
                &mut fields,
                Question::ChildSign,
                signs,
                ChildSign::value,
                true,
            );
        }
        fields
    }

    /// The posted form that `fields` describes (for the round-trip test).
    #[cfg(test)]
    pub fn to_raw(&self) -> RawAnswers {
        let mut raw = RawAnswers::default();
        for (field, value) in self.fields() {
            let question = Question::named(field.as_bytes()).expect("fields names only questions");
            question.posted_mut(&mut raw).push(value.into_owned());
        }
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn raw(form: &str) -> RawAnswers {
        RawAnswers::from_form(form.as_bytes())
    }

    const VALID: &str = "warning=none&location=lower&onset=gradual&duration=under-1-week&severity=3&age=40&pregnant=no&symptom=none&history=none";

    fn errors(form: &str) -> Vec<(&'static str, &'static str)> {
        match Answers::parse(&raw(form)) {
            Ok(answers) => panic!("expected errors for {form:?}, got {answers:?}"),
            Err(incomplete) => incomplete
                .errors
                .into_iter()
                .map(|e| (e.question.field(), e.message))
                .collect(),
        }
    }

    fn error_for(form: &str, field: &str) -> &'static str {
        errors(form)
            .into_iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
            .unwrap_or_else(|| panic!("no error for {field} in {form:?}"))
    }

    #[test]
    fn parses_a_complete_form() {
        let form = format!("{VALID}&trigger=lifting&symptom=sciatica&symptom=fever&eased_by=heat")
            .replace("symptom=none&", "");
        let answers = Answers::parse(&raw(&form)).expect("valid form");
        assert_eq!(answers.location, Location::Lower);
        assert_eq!(answers.onset, Onset::Gradual);
        assert_eq!(answers.duration, Duration::UnderOneWeek);
        assert_eq!(answers.severity.get(), 3);
        assert_eq!(answers.age.get(), 40);
        assert_eq!(answers.pregnant, Pregnant::No);
        assert_eq!(answers.triggers, BTreeSet::from([Trigger::Lifting]));
        assert_eq!(
            answers.symptoms,
            BTreeSet::from([Symptom::Sciatica, Symptom::Fever])
        );
        assert!(answers.history.is_empty() && answers.screen.is_empty());
        assert_eq!(answers.eased_by, BTreeSet::from([EasedBy::Heat]));
    }

    #[test]
    fn empty_form_lists_every_required_question_in_form_order() {
        let fields: Vec<_> = errors("").into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "warning", "location", "onset", "duration", "severity", "age", "pregnant",
                "symptom", "history"
            ]
        );
    }

    #[test]
    fn a_blank_symptom_or_history_list_is_not_a_no() {
        assert_eq!(
            error_for(&VALID.replace("&symptom=none", ""), "symptom"),
            "Select the symptoms you have, or 'None of these'"
        );
        assert_eq!(
            error_for(&VALID.replace("&history=none", ""), "history"),
            "Select any of these that apply to you, or 'None of these'"
        );
        assert_eq!(
            error_for(&VALID.replace("warning=none&", ""), "warning"),
            "Select any of these signs you have now, or 'None of these'"
        );
    }

    #[test]
    fn none_with_another_answer_is_a_problem_except_on_the_emergency_screen() {
        assert_eq!(
            error_for(&format!("{VALID}&symptom=fever"), "symptom"),
            "Select the symptoms you have, or 'None of these', not both"
        );
        assert_eq!(
            error_for(&format!("{VALID}&history=steroids"), "history"),
            "Select the ones that apply to you, or 'None of these', not both"
        );
        let answers = Answers::parse(&raw(&format!("{VALID}&warning=chest-pain")))
            .expect("a sign with none is still an answer");
        assert_eq!(
            answers.screen.warnings,
            BTreeSet::from([Warning::ChestPain])
        );
    }

    #[test]
    fn pregnancy_signs_are_a_follow_up_only_when_they_apply() {
        let pregnant = VALID.replace("pregnant=no", "pregnant=yes");
        let incomplete = Answers::parse(&raw(&pregnant)).expect_err("signs not asked yet");
        assert_eq!(incomplete.errors, []);
        assert_eq!(
            incomplete.follow_ups,
            [Question::PregnancySign, Question::PregnancyWeeks]
        );
        for (pregnant, asked) in [("not-sure", "not sure"), ("recently", "after a birth")] {
            let form = VALID.replace("pregnant=no", &format!("pregnant={pregnant}"));
            assert_eq!(
                Answers::parse(&raw(&form)).map_err(|i| i.follow_ups),
                Err(vec![Question::PregnancySign]),
                "{asked}"
            );
        }
        let answered = format!("{pregnant}&pregnancy_sign=none");
        assert!(Answers::parse(&raw(&answered)).is_ok());
        let signs = format!("{pregnant}&pregnancy_sign=contractions");
        let answers = Answers::parse(&raw(&signs)).expect("valid");
        assert!(answers.has_pregnancy_sign(PregnancySign::Contractions));
        // Not asked of those who said no.
        assert!(Answers::parse(&raw(VALID)).is_ok());
    }

    #[test]
    fn a_follow_up_waits_for_the_other_problems() {
        let form = VALID
            .replace("pregnant=no", "pregnant=yes")
            .replace("age=40", "age=");
        let incomplete = Answers::parse(&raw(&form)).expect_err("age missing");
        assert_eq!(incomplete.follow_ups, []);
        assert_eq!(incomplete.errors.len(), 1);
    }

    #[test]
    fn contract_v3_values_parse() {
        let form = VALID
            .replace("onset=gradual", "onset=hours")
            .replace("age=40", "age=0")
            .replace("pregnant=no", "pregnant=recently")
            .replace("warning=none", "warning=walking-difficulty")
            .replace(
                "symptom=none",
                "symptom=pulsing-tummy&symptom=band-like-pain&symptom=worse-lying-down&symptom=morning-stiffness&symptom=struggling-to-cope",
            )
            .replace(
                "history=none",
                "history=known-aneurysm&history=smoker&history=blood-thinners",
            );
        let form = format!(
            "{form}&pregnancy_sign=shoulder-tip-pain&pregnancy_sign=fever-or-shivering&child_sign=not-walking&child_sign=fever&child_sign=floppy-or-drowsy&child_sign=rash-not-fading&child_sign=not-peeing"
        );
        let answers = Answers::parse(&raw(&form)).expect("every v3 value is valid");
        assert_eq!(answers.onset, Onset::Hours);
        assert_eq!(answers.age.get(), 0);
        assert_eq!(answers.pregnant, Pregnant::Recently);
        assert_eq!(answers.pregnancy_stage(), PregnancyStage::AfterBirth);
        assert!(answers.has_warning(Warning::WalkingDifficulty));
        assert_eq!(answers.symptoms.len(), 5);
        assert_eq!(answers.history.len(), 3);
        assert_eq!(answers.screen.child_signs.len(), 5);
        assert_eq!(answers.screen.pregnancy_signs.len(), 2);
        for weeks in ["under-12", "12-to-23", "24-to-36", "37-plus", "not-sure"] {
            let form = format!(
                "{}&pregnancy_sign=none&pregnancy_weeks={weeks}",
                VALID.replace("pregnant=no", "pregnant=yes")
            );
            let answers = Answers::parse(&raw(&form)).expect("weeks parse");
            assert_eq!(
                answers.pregnancy_weeks.map(PregnancyWeeks::value),
                Some(weeks)
            );
        }
        assert_eq!(
            error_for(
                &format!("{VALID}&pregnant=yes&pregnancy_sign=none&pregnancy_weeks=40")
                    .replace("pregnant=no&", ""),
                "pregnancy_weeks"
            ),
            "Select how many weeks pregnant you are from the options listed"
        );
    }

    #[test]
    fn a_child_is_asked_their_warning_signs_and_a_v2_pregnancy_form_is_not_held_back() {
        let child = VALID.replace("age=40", "age=8");
        assert_eq!(
            Answers::parse(&raw(&child)).map_err(|i| i.follow_ups),
            Err(vec![Question::ChildSign])
        );
        let both = child
            .replace("pregnant=no", "pregnant=yes")
            .replace("age=8", "age=15");
        assert_eq!(
            Answers::parse(&raw(&both)).map_err(|i| i.follow_ups),
            Err(vec![
                Question::PregnancySign,
                Question::PregnancyWeeks,
                Question::ChildSign
            ])
        );
        assert!(Answers::parse(&raw(&format!("{child}&child_sign=none"))).is_ok());
        // A v2 form answered the signs without the weeks: it gets its result, weeks not known.
        let v2 = format!(
            "{}&pregnancy_sign=none",
            VALID.replace("pregnant=no", "pregnant=yes")
        );
        let answers = Answers::parse(&raw(&v2)).expect("a v2 form still gives a result");
        assert_eq!(answers.pregnancy_stage(), PregnancyStage::WeeksNotKnown);
    }

    #[test]
    fn after_a_birth_only_the_signs_that_can_happen_then_are_offered() {
        let after = raw(&VALID.replace("pregnant=no", "pregnant=recently"));
        let values: Vec<&str> = Question::PregnancySign
            .choices_for(&after)
            .iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(
            values,
            [
                "vaginal-bleeding",
                "headache-vision-swelling",
                "fever-or-shivering",
                "none"
            ]
        );
        let bleeding = &Question::PregnancySign.choices_for(&after)[0];
        assert!(
            bleeding.label.starts_with("Heavy bleeding"),
            "{}",
            bleeding.label
        );
        let pregnant = raw(&VALID.replace("pregnant=no", "pregnant=yes"));
        assert_eq!(Question::PregnancySign.choices_for(&pregnant).len(), 8);
    }

    #[test]
    fn emergency_signs_survive_every_other_problem() {
        let incomplete = Answers::parse(&raw(
            "warning=nonsense&warning=faint-or-clammy&age=banana&pregnancy_sign=vaginal-bleeding",
        ))
        .expect_err("almost nothing answered");
        assert_eq!(
            incomplete.screen.warnings,
            BTreeSet::from([Warning::FaintOrClammy])
        );
        assert_eq!(
            incomplete.screen.pregnancy_signs,
            BTreeSet::from([PregnancySign::VaginalBleeding])
        );
    }

    #[test]
    fn collects_every_problem_at_once_in_form_order() {
        let found = errors(
            "warning=hiccups&location=sideways&onset=sudden&onset=gradual&severity=lots&age=121\
             &pregnant=maybe&trigger=gardening&symptom=hiccups&history=none&history=steroids&eased_by=wine",
        );
        let expected = [
            ("warning", "Select only the signs listed"),
            (
                "location",
                "Select where the pain is from the options listed",
            ),
            ("onset", "Select one answer only for how the pain started"),
            ("duration", "Select how long you have had the pain"),
            (
                "severity",
                "Enter how bad the pain is as a number from 0 to 10",
            ),
            ("age", "Enter your age as a number from 0 to 120"),
            (
                "pregnant",
                "Select whether you are pregnant from the options listed",
            ),
            (
                "trigger",
                "Select only the options listed for what brought the pain on",
            ),
            ("symptom", "Select only the symptoms listed"),
            (
                "history",
                "Select the ones that apply to you, or 'None of these', not both",
            ),
            (
                "eased_by",
                "Select only the options listed for what eases the pain",
            ),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn one_answer_fields_sent_twice_are_rejected_even_when_equal() {
        for field in [
            "location=lower",
            "onset=gradual",
            "duration=under-1-week",
            "severity=3",
            "age=40",
            "pregnant=no",
        ] {
            let form = format!("{VALID}&{field}");
            let name = field.split('=').next().unwrap_or_default();
            let message = error_for(&form, name);
            assert!(message.contains("one"), "{name}: {message}");
        }
    }

    #[test]
    fn numbers_must_be_whole_numbers_in_range() {
        for bad in [
            "",
            "   ",
            "abc",
            "-1",
            "11",
            "3.5",
            "1e1",
            "99999999999",
            "٣",
        ] {
            let form = VALID.replace("severity=3", &format!("severity={}", bad.replace(' ', "+")));
            assert_eq!(
                error_for(&form, "severity"),
                "Enter how bad the pain is as a number from 0 to 10",
                "severity {bad:?}"
            );
        }
        for bad in ["", "121", "-1", "forty", "255", "256"] {
            let form = VALID.replace("age=40", &format!("age={bad}"));
            assert_eq!(
                error_for(&form, "age"),
                "Enter your age as a number from 0 to 120",
                "age {bad:?}"
            );
        }
        for (severity, age) in [("0", "16"), ("10", "120"), ("+%097+", "%2042%0A")] {
            let form = VALID
                .replace("severity=3", &format!("severity={severity}"))
                .replace("age=40", &format!("age={age}"));
            assert!(Answers::parse(&raw(&form)).is_ok(), "{form}");
        }
    }

    #[test]
    fn checkbox_repeats_are_a_set_and_blanks_are_skipped() {
        let form = format!("{VALID}&trigger=&eased_by=rest&eased_by=rest")
            .replace("symptom=none", "symptom=fever&symptom=fever&symptom=");
        let answers = Answers::parse(&raw(&form)).expect("valid");
        assert_eq!(answers.symptoms, BTreeSet::from([Symptom::Fever]));
        assert!(answers.triggers.is_empty());
        assert_eq!(answers.eased_by, BTreeSet::from([EasedBy::Rest]));
    }

    #[test]
    fn unknown_form_keys_are_ignored() {
        assert!(Answers::parse(&raw(&format!("{VALID}&csrf=abc&submit=Continue"))).is_ok());
    }

    #[test]
    fn every_question_has_words_and_each_choice_a_unique_value() {
        for &question in Question::ALL {
            assert!(question.legend().ends_with('?'), "{question:?}");
            let choices = question.choices();
            let mut seen = std::collections::HashSet::new();
            for choice in &choices {
                assert!(seen.insert(choice.value), "{question:?}: {}", choice.value);
                assert!(!choice.label.is_empty());
            }
            match question.control() {
                Control::Number { .. } => assert!(choices.is_empty()),
                _ => assert!(!choices.is_empty(), "{question:?}"),
            }
            assert_eq!(
                choices.last().is_some_and(|c| c.exclusive),
                question.needs_explicit_none(),
                "{question:?}"
            );
        }
        assert_eq!(Warning::ALL.len(), 11);
        assert_eq!(Symptom::ALL.len(), 19);
        assert_eq!(History::ALL.len(), 9);
        assert_eq!(PregnancySign::ALL.len(), 7);
        assert_eq!(ChildSign::ALL.len(), 5);
        assert_eq!(PregnancyWeeks::ALL.len(), 5);
    }

    #[test]
    fn the_milder_peeing_option_points_at_the_emergency_one() {
        let hint = Symptom::Urinary.hint().expect("urinary has a hint");
        assert!(Warning::BladderBowel.label().starts_with("You cannot pee"));
        assert!(hint.contains("\"You cannot pee\""), "{hint}");
    }

    #[test]
    fn numbers_are_written_as_their_digits() {
        for number in 0..=Age::MAX {
            assert_eq!(number_text(number), number.to_string());
        }
        for score in 0..=Severity::MAX {
            assert_eq!(
                SEVERITY_WORDS[usize::from(score)],
                format!("{score} out of 10")
            );
        }
    }

    #[test]
    fn summary_lists_every_question_asked_in_words() {
        let form = format!("{VALID}&trigger=lifting&trigger=posture");
        let answers = Answers::parse(&raw(&form)).expect("valid");
        let summary = answers.summary();
        let questions: Vec<_> = summary.iter().map(|(q, _)| *q).collect();
        let legends: Vec<_> = Question::MAIN_FORM.iter().map(|q| q.legend()).collect();
        assert_eq!(questions, legends);
        assert_eq!(summary[0].1, "None of these");
        assert_eq!(summary[4].1, "3 out of 10");
        assert_eq!(
            summary[7].1,
            "Lifting, carrying or bending; Sitting, standing or working in one position for a long time"
        );
        assert_eq!(summary[10].1, "Not stated");
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_form_bodies(body in ".*") {
            let raw = RawAnswers::from_form(body.as_bytes());
            let _ = Answers::parse(&raw);
        }

        /// The direct decoder reads every body as serde's form decoder did before it.
        #[test]
        fn from_form_agrees_with_serde(body in "((warning|trigger|age|x|eased_by)(=[a-z0-9%+ ]{0,6})?&{0,2}){0,8}") {
            let serde: RawAnswers = serde_html_form::from_str(&body).expect("every field is a list");
            prop_assert_eq!(RawAnswers::from_form(body.as_bytes()), serde);
        }

        /// Bodies with invalid UTF-8, raw or percent-encoded, and stray `=`: both paths of
        /// the decoder (pairs as sent, and pairs through `form_urlencoded`) agree with serde.
        #[test]
        fn from_form_agrees_with_serde_on_any_bytes(
            body in proptest::string::bytes_regex("(?s-u:((warning|age|x)(=([a-z0-9%+=]|\\xff|\\xc3|\\xa9){0,6})?&{0,2}){0,8})").expect("a valid regex")
        ) {
            let serde: RawAnswers = serde_html_form::from_bytes(&body).expect("every field is a list");
            prop_assert_eq!(RawAnswers::from_form(&body), serde);
        }

        #[test]
        fn to_raw_round_trips(answers in crate::triage::test_support::answers()) {
            prop_assert_eq!(Answers::parse(&answers.to_raw()), Ok(answers));
        }
    }
}
