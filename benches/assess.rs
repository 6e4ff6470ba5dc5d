//! How long the symptom checker takes to decide, without HTTP or templates: `assess` on three
//! typical sets of answers, and `Answers::parse` of a typical form. Target: under 10 µs each.
//! Run with `cargo bench --bench assess`.

use std::hint::black_box;

use backcare::triage::{Answers, RawAnswers, Urgency, assess};
use criterion::{Criterion, criterion_group, criterion_main};

/// Answers as the form posts them, with the urgency each must get so the bench measures what
/// its name says.
const CASES: &[(&str, Urgency, &str)] = &[
    (
        "self-care",
        Urgency::SelfCare,
        "warning=none&location=lower&onset=sudden&duration=under-1-week&severity=4&age=34\
         &pregnant=no&trigger=lifting&symptom=none&history=none&eased_by=rest&eased_by=heat",
    ),
    (
        "urgent",
        Urgency::Urgent,
        "warning=none&location=middle&onset=gradual&duration=under-1-week&severity=6&age=45\
         &pregnant=no&symptom=fever&symptom=urinary&symptom=vomiting&history=none&eased_by=nothing",
    ),
    // Most rules fire, so this is close to the most work one assessment can do.
    (
        "emergency-many-symptoms",
        Urgency::Emergency,
        "warning=saddle-numbness&warning=bladder-bowel&warning=both-legs&warning=chest-pain\
         &location=upper&onset=sudden&duration=under-1-week&severity=9&age=72&pregnant=not-sure\
         &pregnancy_sign=contractions&trigger=injury&trigger=lifting&trigger=posture\
         &symptom=leg-weakness&symptom=sciatica&symptom=fever&symptom=weight-loss\
         &symptom=abdominal-pain&symptom=night-pain&symptom=worsening&symptom=vomiting\
         &history=cancer-history&history=osteoporosis&history=steroids&eased_by=nothing",
    ),
];

/// A typical form for the parse bench: every question answered, a few boxes ticked.
const TYPICAL_FORM: &str = "warning=none&location=lower&onset=gradual&duration=1-6-weeks&severity=5&age=41\
                            &pregnant=no&trigger=posture&trigger=lifting&symptom=sciatica&history=none\
                            &eased_by=movement&eased_by=heat";

fn raw(form: &str) -> RawAnswers {
    serde_html_form::from_str(form).expect("bench forms are form-encoded")
}

fn answers(form: &str) -> Answers {
    Answers::parse(&raw(form)).unwrap_or_else(|errors| panic!("{form}: {errors:?}"))
}

fn bench_assess(c: &mut Criterion) {
    let mut group = c.benchmark_group("assess");
    for &(name, urgency, form) in CASES {
        let answers = answers(form);
        assert_eq!(assess(&answers).urgency(), urgency, "{name}");
        group.bench_function(name, |b| b.iter(|| assess(black_box(&answers))));
    }
    group.finish();
}

fn bench_parse(c: &mut Criterion) {
    let raw = raw(TYPICAL_FORM);
    c.bench_function("parse/typical", |b| {
        b.iter(|| Answers::parse(black_box(&raw)))
    });
}

criterion_group!(benches, bench_assess, bench_parse);
criterion_main!(benches);
