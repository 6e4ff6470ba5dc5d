//! The symptom checker's answers: the raw form strings (`RawAnswers`) and the typed `Answers`
//! they parse into, with every problem collected as a `FieldError` naming its form field.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The form exactly as posted: every field is a list so a one-answer field sent twice can be
/// spotted, and unknown keys are ignored so extra form furniture (a CSRF token, a submit
/// button's name) never turns into an error for the reader.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct RawAnswers {
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
    pub trigger: Vec<String>,
    #[serde(default)]
    pub symptom: Vec<String>,
    #[serde(default)]
    pub eased_by: Vec<String>,
}

/// One problem with the form: which field, and what the reader should do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field name (`"age"`), so the page can link the message to its input.
    pub field: &'static str,
    /// GOV.UK style: says what to do, not what went wrong.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// One question of the form, in the order the form asks them, so the form, the error summary
/// and the "your answers" list all use the same words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub field: &'static str,
    pub legend: &'static str,
    pub hint: Option<&'static str>,
}

pub static QUESTIONS: &[Question] = &[
    Question {
        field: "location",
        legend: "Where is the pain?",
        hint: Some("Choose the part of your back that hurts most."),
    },
    Question {
        field: "onset",
        legend: "How did the pain start?",
        hint: None,
    },
    Question {
        field: "duration",
        legend: "How long have you had the pain?",
        hint: None,
    },
    Question {
        field: "severity",
        legend: "How bad is the pain?",
        hint: Some("Enter a number from 0 (no pain) to 10 (the worst pain you can imagine)."),
    },
    Question {
        field: "age",
        legend: "How old are you?",
        hint: Some("Enter your age in years."),
    },
    Question {
        field: "trigger",
        legend: "Did any of these bring the pain on?",
        hint: Some("Select all that apply."),
    },
    Question {
        field: "symptom",
        legend: "Do you have any of these as well as back pain?",
        hint: Some("Select all that apply."),
    },
    Question {
        field: "eased_by",
        legend: "What eases the pain?",
        hint: Some("Select all that apply. Leave this blank if you are not sure."),
    },
];

/// The legend for a field; the table above is the single source, so this cannot drift.
pub fn question(field: &str) -> &'static str {
    QUESTIONS
        .iter()
        .find(|q| q.field == field)
        .map_or("", |q| q.legend)
}

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
        Sudden = "sudden" => "Suddenly",
        Gradual = "gradual" => "Gradually, over hours or days",
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
    /// What the reader thinks brought the pain on.
    pub enum Trigger {
        Lifting = "lifting" => "Lifting, carrying or bending",
        Exercise = "exercise" => "Exercise or sport",
        Posture = "posture" => "Sitting, standing or working in one position for a long time",
        Injury = "injury" => "A fall, knock or other injury",
        Menstruation = "menstruation" => "Your period",
        Pregnancy = "pregnancy" => "Being pregnant",
    }
}

form_choices! {
    /// Other symptoms alongside the back pain; most are red flags the rules look for.
    pub enum Symptom {
        SaddleNumbness = "saddle-numbness" => "Numbness or tingling around your genitals, buttocks or inner thighs",
        BladderBowel = "bladder-bowel" => "Problems peeing, or not being able to control when you pee or poo",
        BothLegs = "both-legs" => "Pain, numbness or weakness in both legs",
        LegWeakness = "leg-weakness" => "Weakness in a leg",
        LegNumbness = "leg-numbness" => "Numbness or tingling in a leg",
        Sciatica = "sciatica" => "Pain that travels from your bottom down the back of one leg",
        Fever = "fever" => "A high temperature, or feeling hot and shivery",
        WeightLoss = "weight-loss" => "Losing weight without trying",
        CancerHistory = "cancer-history" => "You have had cancer",
        ChestPain = "chest-pain" => "Chest pain",
        Breathlessness = "breathlessness" => "Difficulty breathing or feeling very short of breath",
        Vomiting = "vomiting" => "Being sick (vomiting)",
        AbdominalPain = "abdominal-pain" => "Pain in your tummy (abdomen), other than your usual period pain",
        NightPain = "night-pain" => "Pain that is much worse at night",
        CoughWorse = "cough-worse" => "Pain that is worse when you cough, sneeze or poo",
        BackLump = "back-lump" => "A lump or swelling on your back, or a change in its shape",
        Worsening = "worsening" => "Pain that is getting worse over time",
        MajorTrauma = "major-trauma" => "The pain started after a serious accident, such as a car crash or a bad fall",
        Urinary = "urinary" => "Pain or burning when you pee, or needing to pee more often",
        Contractions = "contractions" => "Contractions or regular tightening of your tummy while pregnant",
        Osteoporosis = "osteoporosis" => "You have osteoporosis (weak or brittle bones)",
        Steroids = "steroids" => "You take steroid tablets, or have taken them for more than 3 months",
    }
}

impl Symptom {
    /// Extra words under a checkbox where the label alone could be misread.
    pub fn hint(self) -> Option<&'static str> {
        match self {
            Self::SaddleNumbness => Some("The areas that would touch a saddle if you sat on one."),
            Self::BladderBowel => Some(
                "For example, you cannot pee, you wet or soil yourself, or you do not feel when you need to go.",
            ),
            Self::LegWeakness => Some("For example, your foot drags or your leg gives way."),
            Self::Sciatica => {
                Some("It can feel like burning or shooting pain, often below the knee.")
            }
            Self::NightPain => Some(
                "It stops you sleeping or wakes you up, not just discomfort when you turn over.",
            ),
            Self::Steroids => {
                Some("For example, prednisolone. Steroid inhalers and creams do not count.")
            }
            Self::Contractions => {
                Some("They may feel like period pains that come and go and get stronger.")
            }
            Self::MajorTrauma => Some("Not a minor knock or strain."),
            // Someone who cannot pee at all might tick this milder option; point them at the
            // cauda equina one, which is an emergency.
            Self::Urinary => Some(
                "If you cannot pee at all, or cannot control when you pee, tick \"Problems peeing\" near the top of this list instead.",
            ),
            _ => None,
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

/// An age in whole years; can only hold 1..=120.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Age(u8);

impl Age {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 120;

    pub fn new(years: u8) -> Option<Self> {
        (Self::MIN..=Self::MAX)
            .contains(&years)
            .then_some(Self(years))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// A complete, valid set of answers. Only `Answers::parse` builds one from the form, so the
/// rules can assume every field is present and in range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Answers {
    pub location: Location,
    pub onset: Onset,
    pub duration: Duration,
    pub severity: Severity,
    pub age: Age,
    pub triggers: BTreeSet<Trigger>,
    pub symptoms: BTreeSet<Symptom>,
    pub eased_by: BTreeSet<EasedBy>,
}

/// The words for one single-answer question's problems.
struct OneAnswer {
    field: &'static str,
    missing: &'static str,
    several: &'static str,
    unknown: &'static str,
}

const LOCATION: OneAnswer = OneAnswer {
    field: "location",
    missing: "Select where the pain is",
    several: "Select one answer only for where the pain is",
    unknown: "Select where the pain is from the options listed",
};
const ONSET: OneAnswer = OneAnswer {
    field: "onset",
    missing: "Select how the pain started",
    several: "Select one answer only for how the pain started",
    unknown: "Select how the pain started from the options listed",
};
const DURATION: OneAnswer = OneAnswer {
    field: "duration",
    missing: "Select how long you have had the pain",
    several: "Select one answer only for how long you have had the pain",
    unknown: "Select how long you have had the pain from the options listed",
};
// Numbers use one message for empty, non-numeric and out of range: each is fixed the same way.
const SEVERITY: OneAnswer = OneAnswer {
    field: "severity",
    missing: "Enter how bad the pain is as a number from 0 to 10",
    several: "Enter one number only for how bad the pain is",
    unknown: "Enter how bad the pain is as a number from 0 to 10",
};
const AGE: OneAnswer = OneAnswer {
    field: "age",
    missing: "Enter your age as a number from 1 to 120",
    several: "Enter one age only",
    unknown: "Enter your age as a number from 1 to 120",
};

impl OneAnswer {
    fn error(&self, message: &'static str) -> FieldError {
        FieldError {
            field: self.field,
            message: message.to_owned(),
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

/// Checkbox answers as a set. Repeats are harmless (set semantics); an empty value is skipped
/// because some form builders post a blank hidden input so the key is always present.
fn choices<T: Ord>(
    values: &[String],
    from_value: fn(&str) -> Option<T>,
    field: &'static str,
    message: &'static str,
) -> Result<BTreeSet<T>, FieldError> {
    let mut chosen = BTreeSet::new();
    for value in values.iter().filter(|v| !v.is_empty()) {
        match from_value(value) {
            Some(choice) => {
                chosen.insert(choice);
            }
            None => {
                return Err(FieldError {
                    field,
                    message: message.to_owned(),
                });
            }
        }
    }
    Ok(chosen)
}

/// Keeps a field's value if it parsed, otherwise records its problem and carries on, so one
/// pass collects every problem in form order.
fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

impl Answers {
    /// Turns the posted form into `Answers`, or lists every problem in form order.
    pub fn parse(raw: &RawAnswers) -> Result<Answers, Vec<FieldError>> {
        let mut errors = Vec::new();
        let location = keep(
            &mut errors,
            LOCATION.choice(&raw.location, Location::from_value),
        );
        let onset = keep(&mut errors, ONSET.choice(&raw.onset, Onset::from_value));
        let duration = keep(
            &mut errors,
            DURATION.choice(&raw.duration, Duration::from_value),
        );
        let severity = keep(&mut errors, SEVERITY.number(&raw.severity, Severity::new));
        let age = keep(&mut errors, AGE.number(&raw.age, Age::new));
        let triggers = keep(
            &mut errors,
            choices(
                &raw.trigger,
                Trigger::from_value,
                "trigger",
                "Select only the options listed for what brought the pain on",
            ),
        );
        let symptoms = keep(
            &mut errors,
            choices(
                &raw.symptom,
                Symptom::from_value,
                "symptom",
                "Select only the symptoms listed",
            ),
        );
        let eased_by = keep(
            &mut errors,
            choices(
                &raw.eased_by,
                EasedBy::from_value,
                "eased_by",
                "Select only the options listed for what eases the pain",
            ),
        );

        match (
            location, onset, duration, severity, age, triggers, symptoms, eased_by,
        ) {
            (
                Some(location),
                Some(onset),
                Some(duration),
                Some(severity),
                Some(age),
                Some(triggers),
                Some(symptoms),
                Some(eased_by),
            ) => Ok(Answers {
                location,
                onset,
                duration,
                severity,
                age,
                triggers,
                symptoms,
                eased_by,
            }),
            _ => Err(errors),
        }
    }

    pub fn has_symptom(&self, symptom: Symptom) -> bool {
        self.symptoms.contains(&symptom)
    }

    pub fn has_trigger(&self, trigger: Trigger) -> bool {
        self.triggers.contains(&trigger)
    }

    pub fn is_eased_by(&self, eased_by: EasedBy) -> bool {
        self.eased_by.contains(&eased_by)
    }

    /// The answers in words, one row per question in form order, for the "your answers" list.
    /// Several choices are joined with "; " because some labels contain commas.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        fn listed<T: Copy>(set: &BTreeSet<T>, label: fn(T) -> &'static str, none: &str) -> String {
            if set.is_empty() {
                none.to_owned()
            } else {
                set.iter().map(|&c| label(c)).collect::<Vec<_>>().join("; ")
            }
        }
        vec![
            (question("location"), self.location.label().to_owned()),
            (question("onset"), self.onset.label().to_owned()),
            (question("duration"), self.duration.label().to_owned()),
            (
                question("severity"),
                format!("{} out of 10", self.severity.get()),
            ),
            (question("age"), self.age.get().to_string()),
            (
                question("trigger"),
                listed(&self.triggers, Trigger::label, "None of these"),
            ),
            (
                question("symptom"),
                listed(&self.symptoms, Symptom::label, "None of these"),
            ),
            (
                question("eased_by"),
                listed(&self.eased_by, EasedBy::label, "Not stated"),
            ),
        ]
    }

    /// The form values that would produce these answers, to prefill "change your answers".
    pub fn to_raw(&self) -> RawAnswers {
        fn values<T: Copy>(set: &BTreeSet<T>, value: fn(T) -> &'static str) -> Vec<String> {
            set.iter().map(|&c| value(c).to_owned()).collect()
        }
        RawAnswers {
            location: vec![self.location.value().to_owned()],
            onset: vec![self.onset.value().to_owned()],
            duration: vec![self.duration.value().to_owned()],
            severity: vec![self.severity.get().to_string()],
            age: vec![self.age.get().to_string()],
            trigger: values(&self.triggers, Trigger::value),
            symptom: values(&self.symptoms, Symptom::value),
            eased_by: values(&self.eased_by, EasedBy::value),
        }
    }
}

impl TryFrom<&RawAnswers> for Answers {
    type Error = Vec<FieldError>;

    fn try_from(raw: &RawAnswers) -> Result<Self, Self::Error> {
        Answers::parse(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_milder_peeing_option_points_at_the_emergency_one() {
        let emergency_label = Symptom::BladderBowel.label();
        let hint = Symptom::Urinary.hint().expect("urinary has a hint");
        assert!(
            emergency_label.starts_with("Problems peeing") && hint.contains("\"Problems peeing\""),
            "{hint}"
        );
    }

    fn raw(form: &str) -> RawAnswers {
        serde_html_form::from_str(form).expect("test form strings are well formed")
    }

    const VALID: &str = "location=lower&onset=gradual&duration=under-1-week&severity=3&age=40";

    fn errors(form: &str) -> Vec<(&'static str, String)> {
        match Answers::parse(&raw(form)) {
            Ok(answers) => panic!("expected errors for {form:?}, got {answers:?}"),
            Err(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        }
    }

    fn error_for(form: &str, field: &str) -> String {
        errors(form)
            .into_iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
            .unwrap_or_else(|| panic!("no error for {field} in {form:?}"))
    }

    #[test]
    fn parses_a_complete_form() {
        let form = format!("{VALID}&trigger=lifting&symptom=sciatica&symptom=fever&eased_by=heat");
        let answers = Answers::parse(&raw(&form)).expect("valid form");
        assert_eq!(answers.location, Location::Lower);
        assert_eq!(answers.onset, Onset::Gradual);
        assert_eq!(answers.duration, Duration::UnderOneWeek);
        assert_eq!(answers.severity.get(), 3);
        assert_eq!(answers.age.get(), 40);
        assert_eq!(answers.triggers, BTreeSet::from([Trigger::Lifting]));
        assert_eq!(
            answers.symptoms,
            BTreeSet::from([Symptom::Sciatica, Symptom::Fever])
        );
        assert_eq!(answers.eased_by, BTreeSet::from([EasedBy::Heat]));
    }

    #[test]
    fn empty_form_lists_every_required_field_in_form_order() {
        let fields: Vec<_> = errors("").into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["location", "onset", "duration", "severity", "age"]);
    }

    #[test]
    fn collects_every_problem_at_once_in_form_order() {
        let found = errors(
            "location=sideways&onset=sudden&onset=gradual&severity=lots&age=0\
             &trigger=gardening&symptom=hiccups&eased_by=wine",
        );
        let expected = [
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
            ("age", "Enter your age as a number from 1 to 120"),
            (
                "trigger",
                "Select only the options listed for what brought the pain on",
            ),
            ("symptom", "Select only the symptoms listed"),
            (
                "eased_by",
                "Select only the options listed for what eases the pain",
            ),
        ];
        let found: Vec<_> = found.iter().map(|(f, m)| (*f, m.as_str())).collect();
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
        ] {
            let form = format!("{VALID}&{field}");
            let name = field.split('=').next().unwrap_or_default();
            let message = error_for(&form, name);
            assert!(message.contains("one"), "{name}: {message}");
        }
        assert_eq!(
            error_for(&format!("{VALID}&onset=sudden"), "onset"),
            "Select one answer only for how the pain started"
        );
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
            let form = format!(
                "location=lower&onset=gradual&duration=under-1-week&age=40&severity={}",
                bad.replace(' ', "+")
            );
            assert_eq!(
                error_for(&form, "severity"),
                "Enter how bad the pain is as a number from 0 to 10",
                "severity {bad:?}"
            );
        }
        for bad in ["", "0", "121", "-1", "forty", "255", "256"] {
            let form =
                format!("location=lower&onset=gradual&duration=under-1-week&severity=3&age={bad}");
            assert_eq!(
                error_for(&form, "age"),
                "Enter your age as a number from 1 to 120",
                "age {bad:?}"
            );
        }
    }

    #[test]
    fn number_bounds_are_inclusive() {
        for (severity, age) in [("0", "1"), ("10", "120")] {
            let form = format!(
                "location=lower&onset=gradual&duration=under-1-week&severity={severity}&age={age}"
            );
            assert!(Answers::parse(&raw(&form)).is_ok(), "{form}");
        }
        assert_eq!(Severity::new(11), None);
        assert_eq!(Age::new(0), None);
        assert_eq!(Age::new(121), None);
    }

    #[test]
    fn whitespace_around_numbers_is_trimmed() {
        let form =
            "location=lower&onset=gradual&duration=under-1-week&severity=+%097+&age=%2042%0A";
        let answers = Answers::parse(&raw(form)).expect("spaces around numbers are fine");
        assert_eq!(answers.severity.get(), 7);
        assert_eq!(answers.age.get(), 42);
    }

    #[test]
    fn choice_values_must_match_exactly() {
        assert_eq!(
            error_for(
                "location=Lower&onset=gradual&duration=under-1-week&severity=3&age=40",
                "location"
            ),
            "Select where the pain is from the options listed"
        );
        assert_eq!(
            error_for(
                "location=&onset=gradual&duration=under-1-week&severity=3&age=40",
                "location"
            ),
            "Select where the pain is"
        );
    }

    #[test]
    fn checkbox_repeats_are_a_set_and_blanks_are_skipped() {
        let form = format!(
            "{VALID}&symptom=fever&symptom=fever&symptom=&trigger=&eased_by=rest&eased_by=rest"
        );
        let answers = Answers::parse(&raw(&form)).expect("valid");
        assert_eq!(answers.symptoms, BTreeSet::from([Symptom::Fever]));
        assert!(answers.triggers.is_empty());
        assert_eq!(answers.eased_by, BTreeSet::from([EasedBy::Rest]));
    }

    #[test]
    fn one_unknown_checkbox_value_rejects_the_field_once() {
        let found = errors(&format!(
            "{VALID}&symptom=fever&symptom=nope&symptom=also-nope"
        ));
        assert_eq!(
            found,
            [("symptom", "Select only the symptoms listed".to_owned())]
        );
    }

    #[test]
    fn unknown_form_keys_are_ignored() {
        let form = format!("{VALID}&csrf=abc&submit=Continue");
        assert!(Answers::parse(&raw(&form)).is_ok());
    }

    #[test]
    fn every_choice_round_trips_through_its_value() {
        fn check<T: Copy + PartialEq + fmt::Debug>(
            all: &[T],
            value: fn(T) -> &'static str,
            label: fn(T) -> &'static str,
            from_value: fn(&str) -> Option<T>,
        ) {
            let mut seen = std::collections::HashSet::new();
            for &choice in all {
                assert_eq!(from_value(value(choice)), Some(choice));
                assert!(
                    seen.insert(value(choice)),
                    "duplicate value {}",
                    value(choice)
                );
                assert!(!label(choice).is_empty());
            }
        }
        check(
            Location::ALL,
            Location::value,
            Location::label,
            Location::from_value,
        );
        check(Onset::ALL, Onset::value, Onset::label, Onset::from_value);
        check(
            Duration::ALL,
            Duration::value,
            Duration::label,
            Duration::from_value,
        );
        check(
            Trigger::ALL,
            Trigger::value,
            Trigger::label,
            Trigger::from_value,
        );
        check(
            Symptom::ALL,
            Symptom::value,
            Symptom::label,
            Symptom::from_value,
        );
        check(
            EasedBy::ALL,
            EasedBy::value,
            EasedBy::label,
            EasedBy::from_value,
        );
        assert_eq!(Symptom::ALL.len(), 22);
        assert_eq!(Trigger::ALL.len(), 6);
    }

    #[test]
    fn summary_lists_every_question_in_words() {
        let form = format!("{VALID}&trigger=lifting&trigger=posture");
        let answers = Answers::parse(&raw(&form)).expect("valid");
        let summary = answers.summary();
        let questions: Vec<_> = summary.iter().map(|(q, _)| *q).collect();
        let legends: Vec<_> = QUESTIONS.iter().map(|q| q.legend).collect();
        assert_eq!(questions, legends);
        assert_eq!(summary[0].1, "Lower back");
        assert_eq!(summary[3].1, "3 out of 10");
        assert_eq!(summary[4].1, "40");
        assert_eq!(
            summary[5].1,
            "Lifting, carrying or bending; Sitting, standing or working in one position for a long time"
        );
        assert_eq!(summary[6].1, "None of these");
        assert_eq!(summary[7].1, "Not stated");
    }

    #[test]
    fn raw_answers_serialise_back_to_the_same_form() {
        let form = format!("{VALID}&trigger=lifting&symptom=fever&symptom=sciatica&eased_by=rest");
        let answers = Answers::parse(&raw(&form)).expect("valid");
        let encoded = serde_html_form::to_string(answers.to_raw()).expect("serialisable");
        assert_eq!(Answers::parse(&raw(&encoded)), Ok(answers));
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_fields(
            fields in proptest::collection::vec(proptest::collection::vec(".*", 0..3), 8)
        ) {
            let raw = RawAnswers {
                location: fields[0].clone(),
                onset: fields[1].clone(),
                duration: fields[2].clone(),
                severity: fields[3].clone(),
                age: fields[4].clone(),
                trigger: fields[5].clone(),
                symptom: fields[6].clone(),
                eased_by: fields[7].clone(),
            };
            if let Err(errors) = Answers::parse(&raw) {
                prop_assert!(!errors.is_empty());
            }
        }

        #[test]
        fn parse_never_panics_on_arbitrary_form_bodies(body in ".*") {
            if let Ok(raw) = serde_html_form::from_str::<RawAnswers>(&body) {
                let _ = Answers::parse(&raw);
            }
        }

        #[test]
        fn to_raw_round_trips(answers in crate::triage::test_support::answers()) {
            prop_assert_eq!(Answers::parse(&answers.to_raw()), Ok(answers));
        }
    }
}
