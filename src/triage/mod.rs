//! The symptom checker's domain: form answers in, an outcome out (a result with its service,
//! reasons, advice, articles and safety net; a follow-up question; or the problems to fix).
//! No HTTP here; the web layer only parses and renders.

pub mod answers;
pub mod assessment;
pub mod lay_words;
pub mod rules;
pub mod sign_words;
pub mod vignettes;
pub mod warning_boxes;

#[cfg(test)]
mod hazard_log;
#[cfg(test)]
mod test_support;

pub use answers::{
    Age, Answers, Choice, Control, Duration, EasedBy, FieldError, History, Location, Onset,
    PregnancySign, Pregnant, Question, RawAnswers, Screen, Severity, Symptom, Trigger, Warning,
};
pub use assessment::{
    ADVICE_FILTERS, Advice, Assessment, Audience, Outcome, assess, assess_screen, check,
    linked_articles,
};
pub use rules::{
    RULES, Rule, SOURCES, Service, Source, Urgency, rule, rules_for, rules_for_service,
    warning_sign_lists,
};
pub use vignettes::{Vignette, VignetteReport, vignette_report, vignettes};
pub use warning_boxes::article_sign_lists;
