//! Proptest strategies shared by the triage tests: any valid `Answers`, built from the same
//! `ALL` tables the form uses, so a new choice is covered without touching the tests.

use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use super::answers::{
    Age, Answers, ChildSign, Duration, EasedBy, History, Location, Onset, PregnancySign,
    PregnancyStage, PregnancyWeeks, Pregnant, Screen, Severity, Symptom, Trigger, Warning,
};

/// Any subset of a choice table, as a set.
fn subset<T: Copy + Ord + std::fmt::Debug + 'static>(
    all: &'static [T],
) -> impl Strategy<Value = std::collections::BTreeSet<T>> {
    subsequence(all.to_vec(), 0..=all.len()).prop_map(|chosen| chosen.into_iter().collect())
}

/// Mostly calm answers with the occasional warning sign, so most cases reach the other rules.
fn screen() -> impl Strategy<Value = Screen> {
    (
        prop_oneof![4 => Just(Default::default()), 1 => subset(Warning::ALL)],
        prop_oneof![4 => Just(Default::default()), 1 => subset(PregnancySign::ALL)],
        prop_oneof![4 => Just(Default::default()), 1 => subset(ChildSign::ALL)],
    )
        .prop_map(|(warnings, pregnancy_signs, child_signs)| Screen {
            warnings,
            pregnancy_signs,
            child_signs,
            stage: PregnancyStage::NotStated,
        })
}

pub fn answers() -> impl Strategy<Value = Answers> {
    (
        screen(),
        select(Location::ALL),
        select(Onset::ALL),
        select(Duration::ALL),
        (Severity::MIN..=Severity::MAX).prop_filter_map("in range", Severity::new),
        (Age::MIN..=Age::MAX).prop_filter_map("in range", Age::new),
        select(Pregnant::ALL),
        subset(Trigger::ALL),
        subset(Symptom::ALL),
        subset(History::ALL),
        subset(EasedBy::ALL),
        proptest::option::of(select(PregnancyWeeks::ALL)),
    )
        .prop_map(
            |(
                screen,
                location,
                onset,
                duration,
                severity,
                age,
                pregnant,
                triggers,
                symptoms,
                history,
                eased_by,
                pregnancy_weeks,
            )| Answers {
                screen: Screen {
                    stage: PregnancyStage::of(Some(pregnant), pregnancy_weeks),
                    ..screen
                },
                location,
                onset,
                duration,
                severity,
                age,
                pregnant,
                triggers,
                symptoms,
                history,
                eased_by,
                pregnancy_weeks,
            },
        )
}
