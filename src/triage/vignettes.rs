//! The bundled clinical vignettes (`vignettes.toml`): cases written from NHS and NICE pages, each
//! with the service the cited sentence calls for. The tests and the "how it works" page run them.

use serde::Deserialize;

use super::answers::RawAnswers;
use super::assessment::{Outcome, check};
use super::rules::{Service, Urgency};

/// The data file, compiled in so the page and the tests always use the same cases.
pub const VIGNETTES_TOML: &str = include_str!("vignettes.toml");

#[derive(Debug, Clone)]
pub struct Vignette {
    pub name: String,
    /// The hazard in CLINICAL_SAFETY.md the case tests (`H1`..), or `over-triage`.
    pub hazard: String,
    pub expected: Service,
    pub answers: RawAnswers,
    /// Advice ids that must not be shown for this case.
    pub forbid_advice: Vec<String>,
    /// The page and the sentence that fix the expected answer.
    pub source: String,
    pub quote: String,
    /// A judgement call for clinical review, if the case needed one.
    pub review: Option<String>,
}

/// What the checker said for one vignette.
#[derive(Debug, Clone)]
pub struct VignetteResult {
    pub name: String,
    pub hazard: String,
    pub expected: Service,
    /// `None` if the checker did not give a result at all (a follow-up or a problem page).
    pub got: Option<Service>,
    /// Forbidden advice that was shown anyway.
    pub harmful_advice: Vec<String>,
    pub source: String,
}

impl VignetteResult {
    pub fn is_exact(&self) -> bool {
        self.got == Some(self.expected) && self.harmful_advice.is_empty()
    }

    /// Less urgent than the source says: the dangerous direction. No result counts as less.
    pub fn is_under_triaged(&self) -> bool {
        self.got
            .is_none_or(|got| got.urgency() < self.expected.urgency())
    }

    pub fn is_over_triaged(&self) -> bool {
        self.got
            .is_some_and(|got| got.urgency() > self.expected.urgency())
    }
}

/// How the rules do against the vignettes.
#[derive(Debug, Clone)]
pub struct VignetteReport {
    pub results: Vec<VignetteResult>,
    pub total: usize,
    /// The same service and no forbidden advice.
    pub exact: usize,
    /// The same urgency, whatever the service.
    pub same_urgency: usize,
    pub under_triaged: usize,
    pub over_triaged: usize,
    pub harmful_advice: usize,
    /// How many vignettes expect each urgency, least urgent first.
    pub per_urgency: Vec<(Urgency, usize)>,
    /// How many vignettes expect each service, least urgent first.
    pub per_service: Vec<(Service, usize)>,
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
    hazard: String,
    expected: String,
    service: String,
    answers: String,
    #[serde(default)]
    forbid_advice: Vec<String>,
    source: String,
    quote: String,
    review: Option<String>,
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
        let urgency = Urgency::from_value(&entry.expected);
        let service = Service::from_value(&entry.service);
        match (urgency, service) {
            (None, _) => problems.push(format!(
                "{at}: expected {:?} is not one of self-care, soon, urgent, emergency",
                entry.expected
            )),
            (_, None) => problems.push(format!(
                "{at}: service {:?} is not one of call-999, go-to-ae, maternity-unit, 111-or-gp-today, gp-or-physio, self-care",
                entry.service
            )),
            (Some(urgency), Some(service)) if service.urgency() != urgency => problems.push(
                format!("{at}: service {} does not match urgency {}", entry.service, entry.expected),
            ),
            _ => {}
        }
        if !entry.source.starts_with("https://") || entry.quote.trim().is_empty() {
            problems.push(format!(
                "{at}: every case needs an https:// source and its quote"
            ));
        }
        let answers = serde_html_form::from_str::<RawAnswers>(&entry.answers)
            .map_err(|error| problems.push(format!("{at}: answers are not form-encoded: {error}")));
        if let (Some(expected), Ok(answers)) = (service, answers) {
            vignettes.push(Vignette {
                name: entry.name,
                hazard: entry.hazard,
                expected,
                answers,
                forbid_advice: entry.forbid_advice,
                source: entry.source,
                quote: entry.quote,
                review: entry.review,
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

/// Runs one vignette through the checker, exactly as the form would post it.
pub fn run(vignette: &Vignette) -> VignetteResult {
    let (got, harmful_advice) = match check(&vignette.answers) {
        Outcome::Result { assessment, .. } => {
            let harmful = assessment
                .advice
                .iter()
                .filter(|advice| vignette.forbid_advice.iter().any(|id| id == advice.id))
                .map(|advice| advice.id.to_owned())
                .collect();
            (Some(assessment.service), harmful)
        }
        Outcome::FollowUp { .. } | Outcome::Problems(_) => (None, Vec::new()),
    };
    VignetteResult {
        name: vignette.name.clone(),
        hazard: vignette.hazard.clone(),
        expected: vignette.expected,
        got,
        harmful_advice,
        source: vignette.source.clone(),
    }
}

/// Scores the rules against some vignettes.
pub fn report(vignettes: &[Vignette]) -> VignetteReport {
    let results: Vec<VignetteResult> = vignettes.iter().map(run).collect();
    let count = |test: fn(&VignetteResult) -> bool| results.iter().filter(|r| test(r)).count();
    VignetteReport {
        total: results.len(),
        exact: count(VignetteResult::is_exact),
        same_urgency: count(|r| {
            r.got
                .is_some_and(|got| got.urgency() == r.expected.urgency())
        }),
        under_triaged: count(VignetteResult::is_under_triaged),
        over_triaged: count(VignetteResult::is_over_triaged),
        harmful_advice: count(|r| !r.harmful_advice.is_empty()),
        per_urgency: Urgency::ALL
            .iter()
            .map(|&u| {
                (
                    u,
                    vignettes
                        .iter()
                        .filter(|v| v.expected.urgency() == u)
                        .count(),
                )
            })
            .collect(),
        per_service: Service::ALL
            .iter()
            .map(|&s| (s, vignettes.iter().filter(|v| v.expected == s).count()))
            .collect(),
        results,
    }
}

/// Scores the rules against the bundled vignettes.
pub fn vignette_report() -> VignetteReport {
    report(&vignettes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_vignettes_parse() {
        if let Err(problems) = parse_vignettes(VIGNETTES_TOML) {
            panic!("{}", problems.join("\n"));
        }
    }

    #[test]
    fn no_vignette_is_under_triaged_or_given_harmful_advice() {
        let report = vignette_report();
        let failures: Vec<String> = report
            .results
            .iter()
            .filter(|r| r.is_under_triaged() || !r.harmful_advice.is_empty())
            .map(|r| {
                format!(
                    "{:?}: expected {}, got {:?}, harmful advice {:?}",
                    r.name,
                    r.expected.value(),
                    r.got.map(Service::value),
                    r.harmful_advice
                )
            })
            .collect();
        assert!(
            failures.is_empty(),
            "vignettes failing:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn every_emergency_vignette_names_the_right_service() {
        let report = vignette_report();
        let wrong: Vec<String> = report
            .results
            .iter()
            .filter(|r| r.expected.urgency() == Urgency::Emergency && r.got != Some(r.expected))
            .map(|r| {
                format!(
                    "{:?}: expected {}, got {:?}",
                    r.name,
                    r.expected.value(),
                    r.got.map(Service::value)
                )
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn vignettes_cover_every_hazard_and_urgency() {
        let all = vignettes();
        assert!(all.len() >= 80, "only {} vignettes", all.len());
        for &urgency in Urgency::ALL {
            assert!(
                all.iter()
                    .filter(|v| v.expected.urgency() == urgency)
                    .count()
                    >= 10,
                "too few {} vignettes",
                urgency.value()
            );
        }
        for hazard in [
            "H1",
            "H2",
            "H3",
            "H4",
            "H5",
            "H6",
            "H7",
            "H8",
            "H9",
            "H10",
            "H12",
            "over-triage",
        ] {
            assert!(
                all.iter().any(|v| v.hazard == hazard),
                "no vignette for {hazard}"
            );
        }
        for story in ["Motorbike", "Back labour", "Runner", "Food poisoning"] {
            assert!(
                all.iter()
                    .any(|v| v.name.to_lowercase().contains(&story.to_lowercase())),
                "no vignette for the {story} story"
            );
        }
    }

    #[test]
    fn report_counts_under_and_over_triage() {
        let calm = "warning=none&location=lower&onset=gradual&duration=under-1-week&severity=2&age=35&pregnant=no&symptom=none&history=none";
        let case = |expected, answers: &str| Vignette {
            name: String::new(),
            hazard: String::new(),
            expected,
            answers: serde_html_form::from_str(answers).expect("well formed"),
            forbid_advice: Vec::new(),
            source: String::new(),
            quote: String::new(),
            review: None,
        };
        let mut forbids_heat = case(Service::SelfCare, calm);
        forbids_heat.forbid_advice.push("heat".to_owned());
        let cases = [
            forbids_heat,
            case(Service::GpOrPhysio, calm),
            case(Service::Call999, "warning=chest-pain"),
            case(
                Service::SelfCare,
                &calm.replace("symptom=none", "symptom=fever"),
            ),
            case(Service::SelfCare, "location=lower"),
        ];
        let report = report(&cases);
        assert_eq!(
            (
                report.total,
                report.exact,
                report.over_triaged,
                report.under_triaged,
                report.harmful_advice
            ),
            (5, 1, 1, 2, 1)
        );
    }

    #[test]
    fn broken_files_list_every_problem_by_vignette() {
        let text = r#"
            [[vignette]]
            name = "bad urgency"
            hazard = "H1"
            expected = "whenever"
            service = "self-care"
            answers = "location=lower"
            source = "https://www.nhs.uk/"
            quote = "x"

            [[vignette]]
            name = "mismatch"
            hazard = "H1"
            expected = "soon"
            service = "call-999"
            answers = "location=lower"
            source = "https://www.nhs.uk/"
            quote = "x"

            [[vignette]]
            name = "mismatch"
            hazard = "H1"
            expected = "emergency"
            service = "call-999"
            answers = "location=lower"
            source = "http://example.com/"
            quote = "x"
        "#;
        let problems = parse_vignettes(text).expect_err("file is broken");
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].contains("\"bad urgency\"") && problems[0].contains("whenever"));
        assert!(problems[1].contains("does not match"));
        assert!(problems[2].contains("same name"));
        assert!(problems[3].contains("https://"));
    }
}
