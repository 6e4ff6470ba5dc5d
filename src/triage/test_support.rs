//! Proptest strategies shared by the triage tests: any valid `Answers`, built from the same
//! `ALL` tables the form uses, so a new choice is covered without touching the tests.

use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use super::answers::{
    Age, Answers, Duration, EasedBy, Location, Onset, Severity, Symptom, Trigger,
};

/// Any subset of a choice table, as a set.
fn subset<T: Copy + Ord + std::fmt::Debug + 'static>(
    all: &'static [T],
) -> impl Strategy<Value = std::collections::BTreeSet<T>> {
    subsequence(all.to_vec(), 0..=all.len()).prop_map(|chosen| chosen.into_iter().collect())
}

pub fn answers() -> impl Strategy<Value = Answers> {
    (
        select(Location::ALL),
        select(Onset::ALL),
        select(Duration::ALL),
        (Severity::MIN..=Severity::MAX).prop_filter_map("in range", Severity::new),
        (Age::MIN..=Age::MAX).prop_filter_map("in range", Age::new),
        subset(Trigger::ALL),
        subset(Symptom::ALL),
        subset(EasedBy::ALL),
    )
        .prop_map(
            |(location, onset, duration, severity, age, triggers, symptoms, eased_by)| Answers {
                location,
                onset,
                duration,
                severity,
                age,
                triggers,
                symptoms,
                eased_by,
            },
        )
}
