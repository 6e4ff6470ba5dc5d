//! The bundled clinical vignettes (`vignettes.toml`): named cases with the urgency a clinician
//! expects, used by the tests and by the published "how it works" page.

use serde::Deserialize;

use super::answers::{Answers, RawAnswers};
use super::assessment::assess;
use super::rules::Urgency;

/// The data file, compiled in so the page and the tests always use the same cases.
pub const VIGNETTES_TOML: &str = include_str!("vignettes.toml");

#[derive(Debug, Clone)]
pub struct Vignette {
    pub name: String,
    pub expected: Urgency,
    pub answers: Answers,
}

/// How the rules do against the vignettes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VignetteReport {
    pub total: usize,
    pub exact: usize,
    /// The rules said less urgent than expected: the dangerous direction.
    pub under_triaged: usize,
    pub over_triaged: usize,
    /// How many vignettes expect each urgency, least urgent first.
    pub per_urgency: Vec<(Urgency, usize)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VignetteFile {
    vignette: Vec<VignetteEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VignetteEntry {
    name: String,
    expected: String,
    answers: String,
}

/// Parses a vignette file, collecting every problem with the vignette it belongs to, so a
/// broken data file is fixed in one go.
pub fn parse_vignettes(text: &str) -> Result<Vec<Vignette>, Vec<String>> {
    let file: VignetteFile =
        toml::from_str(text).map_err(|error| vec![format!("vignettes.toml: {error}")])?;
    let mut problems = Vec::new();
    let mut vignettes = Vec::with_capacity(file.vignette.len());
    let mut names = std::collections::HashSet::new();
    for (index, entry) in file.vignette.into_iter().enumerate() {
        let at = format!("vignettes.toml: vignette {} ({:?})", index + 1, entry.name);
        if entry.name.trim().is_empty() {
            problems.push(format!("{at}: name is empty"));
        }
        if !names.insert(entry.name.clone()) {
            problems.push(format!("{at}: another vignette has the same name"));
        }
        let expected = Urgency::from_value(&entry.expected);
        if expected.is_none() {
            problems.push(format!(
                "{at}: expected {:?} is not one of self-care, soon, urgent, emergency",
                entry.expected
            ));
        }
        let answers = match serde_html_form::from_str::<RawAnswers>(&entry.answers) {
            Ok(raw) => Answers::parse(&raw).map_err(|errors| {
                let listed: Vec<_> = errors.iter().map(ToString::to_string).collect();
                problems.push(format!(
                    "{at}: answers are not valid: {}",
                    listed.join("; ")
                ));
            }),
            Err(error) => {
                problems.push(format!("{at}: answers are not form-encoded: {error}"));
                Err(())
            }
        };
        if let (Some(expected), Ok(answers)) = (expected, answers) {
            vignettes.push(Vignette {
                name: entry.name,
                expected,
                answers,
            });
        }
    }
    if problems.is_empty() {
        Ok(vignettes)
    } else {
        Err(problems)
    }
}

/// The bundled vignettes. Panics only if the compiled-in data file is broken, which the
/// unit tests catch before a build can ship.
pub fn vignettes() -> Vec<Vignette> {
    parse_vignettes(VIGNETTES_TOML).unwrap_or_else(|problems| {
        panic!(
            "the bundled src/triage/vignettes.toml is invalid:\n{}",
            problems.join("\n")
        )
    })
}

/// Scores the rules against some vignettes.
pub fn report(vignettes: &[Vignette]) -> VignetteReport {
    let mut report = VignetteReport {
        total: vignettes.len(),
        exact: 0,
        under_triaged: 0,
        over_triaged: 0,
        per_urgency: Urgency::ALL.iter().map(|&u| (u, 0)).collect(),
    };
    for vignette in vignettes {
        let got = assess(&vignette.answers).urgency;
        match got.cmp(&vignette.expected) {
            std::cmp::Ordering::Equal => report.exact += 1,
            std::cmp::Ordering::Less => report.under_triaged += 1,
            std::cmp::Ordering::Greater => report.over_triaged += 1,
        }
        if let Some((_, count)) = report
            .per_urgency
            .iter_mut()
            .find(|(u, _)| *u == vignette.expected)
        {
            *count += 1;
        }
    }
    report
}

/// Scores the rules against the bundled vignettes.
pub fn vignette_report() -> VignetteReport {
    report(&vignettes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::answers::{Symptom, Trigger};

    #[test]
    fn bundled_vignettes_parse() {
        if let Err(problems) = parse_vignettes(VIGNETTES_TOML) {
            panic!("{}", problems.join("\n"));
        }
    }

    #[test]
    fn every_vignette_gets_its_expected_urgency() {
        let failures: Vec<String> = vignettes()
            .iter()
            .filter_map(|v| {
                let result = assess(&v.answers);
                (result.urgency != v.expected).then(|| {
                    let fired: Vec<_> = result.fired.iter().map(|r| r.id).collect();
                    format!(
                        "{:?}: expected {}, got {} (rules fired: {:?})",
                        v.name,
                        v.expected.value(),
                        result.urgency.value(),
                        fired
                    )
                })
            })
            .collect();
        assert!(
            failures.is_empty(),
            "vignettes failing:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn vignettes_cover_what_they_must() {
        let all = vignettes();
        assert!(all.len() >= 48, "only {} vignettes", all.len());
        for &urgency in Urgency::ALL {
            assert!(
                all.iter().any(|v| v.expected == urgency),
                "no {} vignette",
                urgency.value()
            );
        }
        for age in [1, 19, 20, 49, 50, 64, 65, 120] {
            assert!(
                all.iter().any(|v| v.answers.age.get() == age),
                "no vignette aged {age}"
            );
        }
        // Each red flag or urgent sign alone, at a low pain score.
        for symptom in [
            Symptom::SaddleNumbness,
            Symptom::BladderBowel,
            Symptom::BothLegs,
            Symptom::ChestPain,
            Symptom::Breathlessness,
            Symptom::MajorTrauma,
            Symptom::Contractions,
            Symptom::Fever,
            Symptom::WeightLoss,
            Symptom::BackLump,
            Symptom::NightPain,
            Symptom::CoughWorse,
            Symptom::CancerHistory,
            Symptom::LegWeakness,
            Symptom::AbdominalPain,
            Symptom::Vomiting,
        ] {
            assert!(
                all.iter().any(|v| v.answers.symptoms.len() == 1
                    && v.answers.has_symptom(symptom)
                    && v.answers.triggers.is_empty()
                    && v.answers.severity.get() <= 2),
                "no vignette with {symptom:?} alone at severity 1-2"
            );
        }
        let period = |v: &&Vignette| v.answers.has_trigger(Trigger::Menstruation);
        assert!(
            all.iter()
                .filter(period)
                .any(|v| v.answers.has_symptom(Symptom::Fever))
        );
        assert!(
            all.iter()
                .filter(period)
                .any(|v| v.expected == Urgency::SelfCare)
        );
        let pregnant = |v: &&Vignette| v.answers.has_trigger(Trigger::Pregnancy);
        assert!(
            all.iter()
                .filter(pregnant)
                .any(|v| v.answers.has_symptom(Symptom::Contractions))
        );
        assert!(
            all.iter()
                .filter(pregnant)
                .any(|v| !v.answers.has_symptom(Symptom::Contractions))
        );
    }

    #[test]
    fn report_counts_the_bundled_vignettes() {
        let report = vignette_report();
        assert_eq!(report.total, vignettes().len());
        assert_eq!(report.exact, report.total);
        assert_eq!(report.under_triaged + report.over_triaged, 0);
        assert_eq!(
            report.per_urgency.iter().map(|(_, n)| n).sum::<usize>(),
            report.total
        );
        assert_eq!(
            report
                .per_urgency
                .iter()
                .map(|(u, _)| *u)
                .collect::<Vec<_>>(),
            Urgency::ALL
        );
    }

    #[test]
    fn report_counts_under_and_over_triage() {
        let calm: RawAnswers = serde_html_form::from_str(
            "location=lower&onset=gradual&duration=under-1-week&severity=2&age=35",
        )
        .expect("well formed");
        let calm = Answers::parse(&calm).expect("valid");
        let case = |expected| Vignette {
            name: String::new(),
            expected,
            answers: calm.clone(),
        };
        // Calm answers come out as self-care.
        let cases = [
            case(Urgency::SelfCare),
            case(Urgency::Soon),
            case(Urgency::Emergency),
        ];
        let report = report(&cases);
        assert_eq!(
            (
                report.total,
                report.exact,
                report.over_triaged,
                report.under_triaged
            ),
            (3, 1, 0, 2)
        );
        let mut over = case(Urgency::SelfCare);
        over.answers.symptoms.insert(Symptom::Fever);
        assert_eq!(super::report(&[over]).over_triaged, 1);
    }

    #[test]
    fn broken_files_list_every_problem_by_vignette() {
        let text = r#"
            [[vignette]]
            name = "bad urgency"
            expected = "whenever"
            answers = "location=lower&onset=gradual&duration=under-1-week&severity=2&age=40"

            [[vignette]]
            name = "bad answers"
            expected = "soon"
            answers = "location=lower&age=400"

            [[vignette]]
            name = "bad answers"
            expected = "soon"
            answers = "location=lower&onset=gradual&duration=under-1-week&severity=2&age=40"
        "#;
        let problems = parse_vignettes(text).expect_err("file is broken");
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].contains("\"bad urgency\"") && problems[0].contains("whenever"));
        assert!(problems[1].contains("age: Enter your age as a number from 1 to 120"));
        assert!(problems[2].contains("same name"));

        let unknown_key =
            "[[vignette]]\nname = \"x\"\nexpected = \"soon\"\nanswers = \"\"\nnotes = \"y\"\n";
        assert!(parse_vignettes(unknown_key).is_err());
    }
}
