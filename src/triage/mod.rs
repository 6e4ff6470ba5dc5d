//! The symptom checker's domain: form answers in, an assessment out (urgency, reasons,
//! advice, articles, safety net). No HTTP here; the web layer only parses and renders.

pub mod answers;
pub mod assessment;
pub mod rules;
pub mod vignettes;

#[cfg(test)]
mod test_support;

pub use answers::{
    Age, Answers, Duration, EasedBy, FieldError, Location, Onset, QUESTIONS, Question, RawAnswers,
    Severity, Symptom, Trigger,
};
pub use assessment::{ARTICLE_SLUGS, Advice, Assessment, assess, emergency_signs};
pub use rules::{RULES, Rule, SOURCES, Source, Urgency, rule, rules_for};
pub use vignettes::{Vignette, VignetteReport, vignette_report, vignettes};
