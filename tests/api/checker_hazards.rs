//! The checker's hazard controls (CLINICAL_SAFETY.md), each proved through the real server:
//! the form a reader posts, the service the page names, and the advice it must or must not give.
//! Each test's name is the one the hazard log cites.

use scraper::Html;

use crate::helpers::{TestApp, count, select_attrs, select_texts, spawn_app};

/// Calm answers for a 35-year-old; each case changes what it is about.
const CALM: &str = "warning=none&location=lower&onset=gradual&duration=under-1-week&severity=3&age=35&pregnant=no&symptom=none&history=none";

/// What one posted form must produce.
struct Case {
    what: &'static str,
    form: String,
    service: &'static str,
    must_advise: &'static [&'static str],
    must_not_advise: &'static [&'static str],
}

fn case(what: &'static str, changes: &[(&str, &str)], service: &'static str) -> Case {
    let mut form = CALM.to_owned();
    for (from, to) in changes {
        assert!(
            form.contains(from),
            "{what}: {from} is not in the calm form"
        );
        form = form.replacen(from, to, 1);
    }
    Case {
        what,
        form,
        service,
        must_advise: &[],
        must_not_advise: &[],
    }
}

const SELF_CARE_ADVICE: &[&str] = &["heat", "stay-active", "anti-inflammatories", "lifting"];

async fn result(app: &TestApp, form: &str) -> Html {
    let response = app.post_form("/symptom-checker", form).await;
    assert_eq!(response.status(), 200, "{form}");
    crate::helpers::html(&response.text().await.expect("body"))
}

async fn assert_cases(cases: Vec<Case>) {
    let app = spawn_app().await;
    for case in cases {
        let page = result(&app, &case.form).await;
        let context = format!("{}: {}", case.what, case.form);
        assert_eq!(
            select_attrs(&page, "[data-service]", "data-service"),
            [case.service],
            "{context}"
        );
        let advice = select_attrs(&page, "[data-advice]", "data-advice");
        for id in case.must_advise {
            assert!(
                advice.iter().any(|a| a == id),
                "{context}: no {id} in {advice:?}"
            );
        }
        let mut forbidden = case.must_not_advise.to_vec();
        if ["call-999", "go-to-ae", "maternity-unit"].contains(&case.service) {
            forbidden.extend(SELF_CARE_ADVICE);
        }
        for id in forbidden {
            assert!(!advice.iter().any(|a| a == id), "{context}: {id} shown");
        }
    }
}

#[tokio::test]
async fn h01_burst_aortic_aneurysm_calls_999() {
    let sudden_severe = [
        ("onset=gradual", "onset=sudden"),
        ("severity=3", "severity=9"),
    ];
    let mut at_70 = sudden_severe.to_vec();
    at_70.push(("age=35", "age=70"));
    let mut tummy_at_55 = sudden_severe.to_vec();
    tummy_at_55.extend([
        ("age=35", "age=55"),
        ("symptom=none", "symptom=abdominal-pain"),
    ]);
    let mut at_35 = sudden_severe.to_vec();
    at_35.push(("age=35", "age=35"));
    assert_cases(vec![
        case(
            "worst-ever lower back pain at 70, no tummy pain",
            &at_70,
            "call-999",
        ),
        case(
            "sudden severe back and tummy pain at 55",
            &tummy_at_55,
            "call-999",
        ),
        case(
            "faint and clammy at 30",
            &[
                ("warning=none", "warning=faint-or-clammy"),
                ("age=35", "age=30"),
            ],
            "call-999",
        ),
        // Over-triage guard: the same pain at 35 is not an aneurysm picture.
        case("sudden severe pain at 35", &at_35, "gp-or-physio"),
    ])
    .await;
}

#[tokio::test]
async fn h02_aortic_dissection_calls_999() {
    assert_cases(vec![
        case(
            "sudden severe upper back pain at 60",
            &[
                ("location=lower", "location=upper"),
                ("onset=gradual", "onset=sudden"),
                ("severity=3", "severity=9"),
                ("age=35", "age=60"),
            ],
            "call-999",
        ),
        case(
            "tearing pain at 40",
            &[
                ("warning=none", "warning=tearing-pain"),
                ("age=35", "age=40"),
            ],
            "call-999",
        ),
    ])
    .await;
}

#[tokio::test]
async fn h03_shock_and_sepsis_call_999() {
    assert_cases(vec![
        case(
            "confused or drowsy",
            &[("warning=none", "warning=confused-or-drowsy")],
            "call-999",
        ),
        // The food-poisoning story: pain from the back round to the tummy, dizzy, clammy, sick.
        case(
            "food poisoning wrapping round to the tummy",
            &[
                ("warning=none", "warning=faint-or-clammy"),
                ("location=lower", "location=middle"),
                ("onset=gradual", "onset=sudden"),
                ("symptom=none", "symptom=abdominal-pain&symptom=vomiting"),
            ],
            "call-999",
        ),
    ])
    .await;
}

#[tokio::test]
async fn h04_cauda_equina_goes_to_ae_without_driving() {
    let app = spawn_app().await;
    for warning in [
        "saddle-numbness",
        "bladder-bowel",
        "both-legs",
        "sexual-problems",
    ] {
        let form = CALM.replace("warning=none", &format!("warning={warning}"));
        let page = result(&app, &form).await;
        assert_eq!(
            select_attrs(&page, "[data-service]", "data-service"),
            ["go-to-ae"],
            "{warning}"
        );
        let words = page.root_element().text().collect::<String>();
        assert!(words.contains("Do not drive yourself"), "{warning}");
        assert!(
            words.contains("call 999"),
            "{warning}: 999 if they cannot get there safely"
        );
        assert!(
            !words.contains("ask someone else to drive you to A&E"),
            "{warning}"
        );
    }
}

#[tokio::test]
async fn h05_spinal_infection_goes_to_ae_and_fever_alone_is_same_day() {
    let mut cases = vec![
        case(
            "fever alone",
            &[("symptom=none", "symptom=fever")],
            "111-or-gp-today",
        ),
        case(
            "fever with new leg weakness",
            &[("symptom=none", "symptom=fever&symptom=leg-weakness")],
            "go-to-ae",
        ),
    ];
    for risk in [
        "injects-drugs",
        "weak-immune-system",
        "recent-spine-surgery",
    ] {
        cases.push(Case {
            form: CALM
                .replace("symptom=none", "symptom=fever")
                .replace("history=none", &format!("history={risk}")),
            ..case("fever with a spinal infection risk", &[], "go-to-ae")
        });
    }
    assert_cases(cases).await;
}

#[tokio::test]
async fn h06_pregnancy_goes_to_the_maternity_unit_and_never_gets_ibuprofen() {
    let pregnant = [("pregnant=no", "pregnant=yes")];
    let mut cases = Vec::new();
    for sign in [
        "contractions",
        "waters-breaking",
        "vaginal-bleeding",
        "baby-moving-less",
        "headache-vision-swelling",
        "shoulder-tip-pain",
        "fever-or-shivering",
    ] {
        cases.push(Case {
            form: format!(
                "{}&pregnancy_sign={sign}",
                CALM.replace("pregnant=no", "pregnant=yes")
            ),
            ..case("a pregnancy warning sign", &[], "maternity-unit")
        });
    }
    let no_signs = Case {
        form: format!(
            "{}&pregnancy_sign=none",
            CALM.replace("pregnant=no", "pregnant=not-sure")
        ),
        must_not_advise: &["anti-inflammatories"],
        must_advise: &["pain-relief-in-pregnancy"],
        ..case("pregnant, no signs", &pregnant, "gp-or-physio")
    };
    cases.push(no_signs);
    cases.push(Case {
        form: format!(
            "{}&pregnancy_sign=none",
            CALM.replace("pregnant=no", "pregnant=yes")
                .replace("symptom=none", "symptom=urinary")
        ),
        ..case("pregnant with pain peeing", &[], "111-or-gp-today")
    });
    cases.push(Case {
        form: format!(
            "{}&pregnancy_sign=none",
            CALM.replace("pregnant=no", "pregnant=yes")
                .replace("symptom=none", "symptom=fever")
        ),
        // Weeks not given: the GP-role verdict on judgement call 9 takes fever from about 16
        // weeks to the maternity unit, so the more urgent route is taken.
        ..case("pregnant with a fever", &[], "maternity-unit")
    });
    // GP-role review item 10: from 24 weeks, severe tummy pain goes to maternity assessment.
    cases.push(Case {
        form: format!(
            "{}&pregnancy_weeks=24-to-36&pregnancy_sign=none",
            CALM.replace("pregnant=no", "pregnant=yes")
                .replace("onset=gradual", "onset=sudden")
                .replace("severity=3", "severity=9")
                .replace("symptom=none", "symptom=abdominal-pain")
        ),
        ..case("30 weeks, sudden 9/10 tummy pain", &[], "maternity-unit")
    });
    // A 999 sign still names 999 in pregnancy.
    cases.push(Case {
        form: format!(
            "{}&pregnancy_sign=contractions",
            CALM.replace("pregnant=no", "pregnant=yes")
                .replace("warning=none", "warning=chest-pain")
        ),
        ..case("chest pain in labour", &[], "call-999")
    });
    assert_cases(cases).await;
}

#[tokio::test]
async fn h07_kidney_signs_are_same_day_without_anti_inflammatories() {
    assert_cases(vec![
        Case {
            must_not_advise: &["anti-inflammatories"],
            ..case(
                "pain peeing with lower back pain",
                &[("symptom=none", "symptom=urinary")],
                "111-or-gp-today",
            )
        },
        case(
            "blood in pee",
            &[("symptom=none", "symptom=blood-in-pee")],
            "111-or-gp-today",
        ),
        case(
            "kidney signs and confused",
            &[
                ("warning=none", "warning=confused-or-drowsy"),
                ("symptom=none", "symptom=urinary&symptom=fever"),
            ],
            "call-999",
        ),
    ])
    .await;
}

#[tokio::test]
async fn h08_fracture_is_an_emergency_only_when_new_and_bad() {
    let app = spawn_app().await;
    let old_knock = CALM
        .replace("duration=under-1-week", "duration=1-6-weeks")
        .replace("history=none", "history=steroids")
        + "&trigger=injury";
    let page = result(&app, &old_knock).await;
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["111-or-gp-today"]
    );
    assert_eq!(
        count(&page, "[data-advice=keep-still]"),
        0,
        "no 'keep still' for a knock weeks ago"
    );
    let new_fall = CALM
        .replace("severity=3", "severity=8")
        .replace("age=35", "age=72")
        .replace("history=none", "history=osteoporosis")
        + "&trigger=injury";
    let page = result(&app, &new_fall).await;
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["go-to-ae"]
    );
    let crash = CALM.replace("warning=none", "warning=major-trauma");
    let page = result(&app, &crash).await;
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["call-999"]
    );
    assert_eq!(count(&page, "[data-advice=keep-still]"), 1);
}

#[tokio::test]
async fn h09_children_are_never_self_care_and_the_words_speak_to_a_parent() {
    let app = spawn_app().await;
    let teen = result(
        &app,
        &format!("{}&child_sign=none", CALM.replace("age=35", "age=13")),
    )
    .await;
    assert_eq!(
        select_attrs(&teen, "[data-service]", "data-service"),
        ["gp-or-physio"]
    );
    assert_eq!(count(&teen, "[data-audience=parent]"), 1);
    assert!(select_texts(&teen, "[data-service] span")[0].contains("your child"));
    let toddler = result(
        &app,
        &format!("{}&child_sign=none", CALM.replace("age=35", "age=3")),
    )
    .await;
    assert_eq!(
        select_attrs(&toddler, "[data-service]", "data-service"),
        ["111-or-gp-today"]
    );
    let form = app.get_page("/symptom-checker").await;
    let note = select_texts(&form, "[data-audience-note]").concat();
    assert!(
        note.contains("written for adults") && note.contains("under 5, call 111"),
        "{note}"
    );
}

#[tokio::test]
async fn h10_no_harmful_advice() {
    assert_cases(vec![
        Case {
            form: CALM.replace("symptom=none", "symptom=leg-numbness") + "&eased_by=heat",
            must_not_advise: &["heat"],
            must_advise: &["no-heat-on-numb-skin"],
            ..case("numb leg", &[], "self-care")
        },
        Case {
            must_advise: &["anti-inflammatories"],
            ..case("ordinary back pain", &[], "self-care")
        },
    ])
    .await;
    let app = spawn_app().await;
    let page = result(&app, CALM).await;
    let words = page.root_element().text().collect::<String>();
    assert!(
        words.contains("Paracetamol on its own is not advised"),
        "NICE NG59: not paracetamol alone"
    );
    let urgent = result(&app, &CALM.replace("symptom=none", "symptom=weight-loss")).await;
    let articles = select_attrs(&urgent, "section[aria-labelledby=read-heading] a", "href");
    assert_eq!(
        articles.first().map(String::as_str),
        Some("/articles/when-to-get-help")
    );
}

#[tokio::test]
async fn h11_the_result_level_reasons_come_first() {
    let app = spawn_app().await;
    let form = CALM
        .replace("warning=none", "warning=saddle-numbness")
        .replace("symptom=none", "symptom=worsening");
    let page = result(&app, &form).await;
    assert_eq!(
        select_attrs(&page, "section > ul.reasons > li", "data-rule"),
        ["saddle-numbness"]
    );
    assert_eq!(
        select_attrs(&page, "details.other-reasons li", "data-rule"),
        ["getting-worse"]
    );
}

#[tokio::test]
async fn h12_cancer_history_with_nerve_signs_is_an_emergency() {
    assert_cases(vec![
        case(
            "cancer with new leg weakness",
            &[
                ("symptom=none", "symptom=leg-weakness"),
                ("history=none", "history=cancer-history"),
            ],
            "go-to-ae",
        ),
        case(
            "cancer with new leg numbness",
            &[
                ("symptom=none", "symptom=leg-numbness"),
                ("history=none", "history=cancer-history"),
            ],
            "go-to-ae",
        ),
        case(
            "cancer with upper back pain",
            &[
                ("location=lower", "location=upper"),
                ("history=none", "history=cancer-history"),
            ],
            "111-or-gp-today",
        ),
        case(
            "cancer with middle back pain",
            &[
                ("location=lower", "location=middle"),
                ("history=none", "history=cancer-history"),
            ],
            "111-or-gp-today",
        ),
    ])
    .await;
}

#[tokio::test]
async fn h13_every_result_says_what_to_do_if_it_gets_worse() {
    let app = spawn_app().await;
    let soon = result(
        &app,
        &CALM.replace("duration=under-1-week", "duration=over-12-weeks"),
    )
    .await;
    let lines = select_texts(&soon, "section.safety-net li");
    assert!(
        lines.iter().any(|l| l.contains("within 2 weeks")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.contains("if anything changes")));
    let pregnant = result(
        &app,
        &format!(
            "{}&pregnancy_sign=none",
            CALM.replace("pregnant=no", "pregnant=yes")
        ),
    )
    .await;
    let lines = select_texts(&pregnant, "section.safety-net li").concat();
    assert!(
        lines.contains("maternity unit")
            && lines.contains("waters break")
            && lines.contains("baby moves less"),
        "{lines}"
    );
    let kidney = result(&app, &CALM.replace("symptom=none", "symptom=urinary")).await;
    assert!(
        select_texts(&kidney, "section.safety-net li")
            .concat()
            .contains("confused")
    );
    let older = result(&app, &CALM.replace("age=35", "age=66")).await;
    assert!(
        select_texts(&older, "section.safety-net li")
            .concat()
            .contains("feel faint, dizzy or clammy")
    );
    for form in [
        CALM.to_owned(),
        CALM.replace("warning=none", "warning=chest-pain"),
    ] {
        let page = result(&app, &form).await;
        assert!(
            !select_texts(&page, "section.safety-net li").is_empty(),
            "{form}"
        );
    }
}

/// The calm form with more answers appended (follow-up answers, extra boxes).
fn calm_with(changes: &[(&str, &str)], extra: &str) -> String {
    let mut form = CALM.to_owned();
    for (from, to) in changes {
        assert!(form.contains(from), "{from} is not in the calm form");
        form = form.replacen(from, to, 1);
    }
    format!("{form}{extra}")
}

fn with(what: &'static str, form: String, service: &'static str) -> Case {
    Case {
        form,
        ..case(what, &[], service)
    }
}

#[tokio::test]
async fn h16_older_adults_bad_pain_over_hours_calls_999_and_hours_spares_a_strain_at_40() {
    let new_pain = |onset: &str, severity: &str, age: &str| {
        calm_with(
            &[
                ("onset=gradual", onset),
                ("severity=3", severity),
                ("age=35", age),
            ],
            "",
        )
    };
    assert_cases(vec![
        with(
            "8/10 over hours at 72",
            new_pain("onset=hours", "severity=8", "age=72"),
            "call-999",
        ),
        with(
            "9/10 over days at 80",
            new_pain("onset=gradual", "severity=9", "age=80"),
            "111-or-gp-today",
        ),
        with(
            "sudden 6/10 at 72",
            new_pain("onset=sudden", "severity=6", "age=72"),
            "go-to-ae",
        ),
        with(
            "sudden 5/10 at 65",
            new_pain("onset=sudden", "severity=5", "age=65"),
            "go-to-ae",
        ),
        with(
            "7/10 over hours at 56",
            new_pain("onset=hours", "severity=7", "age=56"),
            "111-or-gp-today",
        ),
        with(
            "6/10 over hours at 40",
            new_pain("onset=hours", "severity=6", "age=40"),
            "self-care",
        ),
        with(
            "pulsing tummy for 2 months at 68, smoker",
            calm_with(
                &[
                    ("duration=under-1-week", "duration=6-12-weeks"),
                    ("age=35", "age=68"),
                    ("symptom=none", "symptom=pulsing-tummy"),
                    ("history=none", "history=smoker"),
                ],
                "",
            ),
            "111-or-gp-today",
        ),
        with(
            "known aneurysm, sudden 8/10 at 60",
            calm_with(
                &[
                    ("onset=gradual", "onset=sudden"),
                    ("severity=3", "severity=8"),
                    ("age=35", "age=60"),
                    ("history=none", "history=known-aneurysm"),
                ],
                "",
            ),
            "call-999",
        ),
    ])
    .await;
}

#[tokio::test]
async fn h17_early_pregnancy_goes_to_111_or_a_gp_never_the_maternity_unit() {
    let app = spawn_app().await;
    let seven_weeks = calm_with(
        &[
            ("pregnant=no", "pregnant=yes"),
            ("symptom=none", "symptom=abdominal-pain"),
        ],
        "&pregnancy_weeks=under-12&pregnancy_sign=vaginal-bleeding&pregnancy_sign=shoulder-tip-pain",
    );
    let page = result(&app, &seven_weeks).await;
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["111-or-gp-today"]
    );
    let text = page.root_element().text().collect::<String>();
    assert!(!text.contains("maternity notes"), "no notes at 7 weeks");
    assert!(
        text.contains("early pregnancy unit"),
        "the early pregnancy unit is named"
    );
    assert!(
        !select_attrs(&page, "[data-advice]", "data-advice")
            .contains(&"anti-inflammatories".to_owned())
    );
    // From 12 weeks, the maternity unit as before, naming the early pregnancy unit.
    let twenty_weeks = calm_with(
        &[("pregnant=no", "pregnant=yes")],
        "&pregnancy_weeks=12-to-23&pregnancy_sign=vaginal-bleeding",
    );
    let page = result(&app, &twenty_weeks).await;
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["maternity-unit"]
    );
    assert!(
        page.root_element()
            .text()
            .collect::<String>()
            .contains("early pregnancy unit")
    );
    // GP-role review item 11: before 12 weeks a bad headache is the GP surgery or 111.
    let headache = calm_with(
        &[("pregnant=no", "pregnant=yes")],
        "&pregnancy_weeks=under-12&pregnancy_sign=headache-vision-swelling",
    );
    let page = result(&app, &headache).await;
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["111-or-gp-today"]
    );
    // Not sure if pregnant, with a sign of an ectopic pregnancy, is the early route too.
    let maybe = calm_with(
        &[("pregnant=no", "pregnant=not-sure")],
        "&pregnancy_sign=shoulder-tip-pain",
    );
    let page = result(&app, &maybe).await;
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["111-or-gp-today"]
    );
}

#[tokio::test]
async fn h18_after_birth_fever_and_headache_go_to_the_maternity_unit() {
    let after = |extra: &str, symptom: &str| {
        calm_with(
            &[
                ("pregnant=no", "pregnant=recently"),
                ("symptom=none", symptom),
            ],
            extra,
        )
    };
    assert_cases(vec![
        with(
            "5 days after a caesarean, 38.5C",
            after("&pregnancy_sign=fever-or-shivering", "symptom=fever"),
            "maternity-unit",
        ),
        with(
            "fever on the main form only",
            after("&pregnancy_sign=none", "symptom=fever"),
            "maternity-unit",
        ),
        with(
            "headache and blurred vision",
            after("&pregnancy_sign=headache-vision-swelling", "symptom=none"),
            "maternity-unit",
        ),
        with(
            "heavy bleeding",
            after("&pregnancy_sign=vaginal-bleeding", "symptom=none"),
            "call-999",
        ),
        with(
            "back ache only",
            after("&pregnancy_sign=none", "symptom=none"),
            "gp-or-physio",
        ),
    ])
    .await;
}

#[tokio::test]
async fn h19_children_signs_reach_999_and_child_results_speak_to_the_parent() {
    let child = |age: &str, extra: &str| calm_with(&[("age=35", age)], extra);
    let no_child_self_care = &["heat", "lifting", "anti-inflammatories", "period-pain"];
    let mut cases = vec![
        with(
            "floppy at 8",
            child("age=8", "&child_sign=floppy-or-drowsy"),
            "call-999",
        ),
        with(
            "rash at 6",
            child("age=6", "&child_sign=fever&child_sign=rash-not-fading"),
            "call-999",
        ),
        with(
            "baby under 1",
            child("age=0", "&child_sign=none"),
            "111-or-gp-today",
        ),
        with(
            "baby under 1 with 38C",
            child("age=0", "&child_sign=fever"),
            "go-to-ae",
        ),
        with(
            "baby under 1, fever on the main form",
            calm_with(
                &[("age=35", "age=0"), ("symptom=none", "symptom=fever")],
                "&child_sign=none",
            ),
            "go-to-ae",
        ),
        with(
            "will not walk at 10",
            child("age=10", "&child_sign=not-walking"),
            "111-or-gp-today",
        ),
        with(
            "fever at 12",
            child("age=12", "&child_sign=fever"),
            "111-or-gp-today",
        ),
        with(
            "no wet nappy at 3",
            child("age=3", "&child_sign=not-peeing"),
            "111-or-gp-today",
        ),
    ];
    cases.push(Case {
        must_not_advise: no_child_self_care,
        ..with(
            "14, lifting, heat helps",
            child("age=14", "&child_sign=none&trigger=lifting&eased_by=heat"),
            "gp-or-physio",
        )
    });
    assert_cases(cases).await;
    let app = spawn_app().await;
    let page = result(&app, &child("age=14", "&child_sign=none&trigger=lifting")).await;
    let lines = select_texts(&page, "section.safety-net li").concat();
    for adult in ["sex", "erection", "ejaculat", "genitals"] {
        assert!(
            !lines.contains(adult),
            "{adult} in a child's safety net: {lines}"
        );
    }
    assert!(lines.contains("your child"), "{lines}");
    // A&E for a child: the parent is told not to drive, not the child.
    let page = result(
        &app,
        &child("age=9", "&child_sign=none").replace("warning=none", "warning=both-legs"),
    )
    .await;
    let words = select_texts(&page, "main").concat();
    assert!(!words.contains("drive yourself"), "{words}");
    assert!(!words.contains("cannot walk"), "{words}");
    // Under 5: NHS 111 online is for people aged 5 and over.
    let page = result(&app, &child("age=3", "&child_sign=none")).await;
    let lines = select_texts(&page, "section.safety-net li").concat();
    assert!(!lines.contains("use NHS 111 online"), "{lines}");
    assert!(lines.contains("not for children under 5"), "{lines}");
    // Heat, lifting and adult painkiller articles are not linked for a child.
    let page = result(
        &app,
        &child("age=14", "&child_sign=none&trigger=lifting&eased_by=heat"),
    )
    .await;
    let links = select_attrs(&page, ".article-list a", "href");
    for adult in [
        "heat-therapy",
        "lifting-safely",
        "warming-up",
        "pain-medicines",
    ] {
        assert!(
            !links.iter().any(|href| href.contains(adult)),
            "{adult}: {links:?}"
        );
    }
    assert!(
        links
            .iter()
            .any(|href| href.contains("back-pain-in-children")),
        "{links:?}"
    );
    let outlook = select_texts(&page, "[data-outlook]").concat();
    assert!(outlook.contains("children"), "{outlook}");
}

#[tokio::test]
async fn h20_walking_difficulty_goes_to_ae_and_cancer_gets_the_oncology_line() {
    assert_cases(vec![
        Case {
            must_advise: &["acute-oncology-line"],
            ..case(
                "cancer, band-like pain, unsteady",
                &[
                    ("warning=none", "warning=walking-difficulty"),
                    ("symptom=none", "symptom=band-like-pain"),
                    ("history=none", "history=cancer-history"),
                ],
                "go-to-ae",
            )
        },
        case(
            "unsteady, no cancer",
            &[("warning=none", "warning=walking-difficulty")],
            "go-to-ae",
        ),
        Case {
            must_advise: &["acute-oncology-line"],
            ..case(
                "cancer, worse lying down for 4 months",
                &[
                    ("duration=under-1-week", "duration=over-12-weeks"),
                    ("symptom=none", "symptom=worse-lying-down"),
                    ("history=none", "history=cancer-history"),
                ],
                "111-or-gp-today",
            )
        },
        Case {
            must_advise: &["acute-oncology-line"],
            ..case(
                "cancer, stable ache for 4 months",
                &[
                    ("duration=under-1-week", "duration=over-12-weeks"),
                    ("history=none", "history=cancer-history"),
                ],
                "gp-or-physio",
            )
        },
        case(
            "weakness getting worse over hours",
            &[
                ("onset=gradual", "onset=hours"),
                ("symptom=none", "symptom=leg-weakness&symptom=worsening"),
            ],
            "go-to-ae",
        ),
    ])
    .await;
}

#[tokio::test]
async fn h21_blood_thinners_never_get_ibuprofen_and_sudden_bad_pain_is_an_emergency() {
    assert_cases(vec![
        Case {
            must_not_advise: &["anti-inflammatories"],
            ..case(
                "apixaban, sudden 8/10 at 45",
                &[
                    ("onset=gradual", "onset=sudden"),
                    ("severity=3", "severity=8"),
                    ("age=35", "age=45"),
                    ("history=none", "history=blood-thinners"),
                ],
                "go-to-ae",
            )
        },
        Case {
            must_not_advise: &["anti-inflammatories"],
            must_advise: &["pain-relief-with-blood-thinners"],
            ..case(
                "warfarin and a mild strain",
                &[("history=none", "history=blood-thinners")],
                "self-care",
            )
        },
    ])
    .await;
    let app = spawn_app().await;
    let page = result(&app, CALM).await;
    let ibuprofen = select_texts(&page, "[data-advice=anti-inflammatories] p").concat();
    assert!(
        ibuprofen.contains("thin your blood") && ibuprofen.contains("heart failure"),
        "{ibuprofen}"
    );
}

#[tokio::test]
async fn h22_struggling_to_cope_gets_talking_therapies_and_a_crisis_line() {
    let app = spawn_app().await;
    for form in [
        calm_with(&[("symptom=none", "symptom=struggling-to-cope")], ""),
        calm_with(
            &[
                ("warning=none", "warning=chest-pain"),
                ("symptom=none", "symptom=struggling-to-cope"),
            ],
            "",
        ),
    ] {
        let page = result(&app, &form).await;
        let advice = select_attrs(&page, "[data-advice]", "data-advice");
        assert!(
            advice.contains(&"talking-therapies".to_owned()),
            "{form}: {advice:?}"
        );
        let text = select_texts(&page, "[data-advice=talking-therapies] p").concat();
        assert!(text.contains("NHS Talking Therapies"), "{text}");
        // NHS Talking Therapies is England's service; the other nations ask their GP.
        assert!(
            text.contains("In England") && text.contains("Northern Ireland"),
            "{text}"
        );
        let lines = select_texts(&page, "section.safety-net li").concat();
        assert!(
            lines.contains("mental health option") && lines.contains("Samaritans"),
            "{lines}"
        );
        assert!(
            lines.contains("Lifeline") && lines.contains("0808 808 8000"),
            "{lines}"
        );
    }
}

#[tokio::test]
async fn h23_inflammatory_back_pain_names_axial_spondyloarthritis() {
    let app = spawn_app().await;
    let form = calm_with(
        &[
            ("duration=under-1-week", "duration=over-12-weeks"),
            ("age=35", "age=28"),
            (
                "symptom=none",
                "symptom=worse-lying-down&symptom=buttock-pain&symptom=morning-stiffness",
            ),
        ],
        "&eased_by=movement",
    );
    let page = result(&app, &form).await;
    // Waking in the night is also the NHS's "worse at night": same day (GP-role review item 3).
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["111-or-gp-today"]
    );
    let rules = select_attrs(&page, "[data-rule]", "data-rule");
    assert!(
        rules.contains(&"axial-spondyloarthritis-refer".to_owned()),
        "{rules:?}"
    );
    // Without waking, a GP visit, with the long-term outlook rather than "a few weeks".
    let stiff = calm_with(
        &[
            ("duration=under-1-week", "duration=over-12-weeks"),
            ("age=35", "age=40"),
            ("symptom=none", "symptom=morning-stiffness"),
        ],
        "",
    );
    let page = result(&app, &stiff).await;
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["gp-or-physio"]
    );
    let outlook = select_texts(&page, "[data-outlook]").concat();
    assert!(
        outlook.contains("long time") && !outlook.contains("few weeks"),
        "{outlook}"
    );
    let three = form.replace("age=28", "age=40");
    let page = result(&app, &three).await;
    let rules = select_attrs(&page, "[data-rule]", "data-rule");
    assert!(
        rules.contains(&"axial-spondyloarthritis-test".to_owned()),
        "{rules:?}"
    );
}

#[tokio::test]
async fn h24_period_pain_has_the_ectopic_safety_net_and_its_own_time_frame() {
    let app = spawn_app().await;
    let page = result(
        &app,
        &calm_with(&[("age=35", "age=24")], "&trigger=menstruation"),
    )
    .await;
    let lines = select_texts(&page, "section.safety-net li").concat();
    assert!(lines.contains("tip of your shoulder"), "{lines}");
    assert!(lines.contains("pregnancy test"), "{lines}");
    assert!(lines.contains("not like your normal period"), "{lines}");
    assert!(
        !lines.contains("not getting better after 2 weeks"),
        "{lines}"
    );
    assert!(lines.contains("period pain is very bad"), "{lines}");
}

#[tokio::test]
async fn h25_pages_headed_now_carry_no_softer_time_word() {
    let app = spawn_app().await;
    // A&E for cauda equina, with lower-level same-day and GP reasons that say "today".
    let form = calm_with(
        &[
            ("warning=none", "warning=saddle-numbness"),
            ("severity=3", "severity=9"),
            ("symptom=none", "symptom=fever&symptom=weight-loss"),
        ],
        "",
    );
    let page = result(&app, &form).await;
    assert_eq!(count(&page, "[data-urgency=emergency]"), 1);
    let main = select_texts(&page, "main").concat();
    for softer in ["today", "within 2 weeks"] {
        assert!(!main.contains(softer), "{softer} on a page headed now");
    }
    // GP-role review item 15: the action comes first; "not a diagnosis" only after it.
    let action = main.find("Go to A&E now").expect("the action");
    if let Some(disclaimer) = main.find("not a diagnosis") {
        assert!(
            action < disclaimer,
            "the disclaimer comes before the action"
        );
    }
    // 7 weeks pregnant and faint: 999, and the early pregnancy line does not say "111 or GP".
    let faint = calm_with(
        &[
            ("warning=none", "warning=faint-or-clammy"),
            ("pregnant=no", "pregnant=yes"),
        ],
        "&pregnancy_weeks=under-12&pregnancy_sign=vaginal-bleeding",
    );
    let page = result(&app, &faint).await;
    assert_eq!(
        select_attrs(&page, "[data-service]", "data-service"),
        ["call-999"]
    );
    let lines = select_texts(&page, "section.safety-net li").concat();
    assert!(!lines.contains("111 or your GP"), "{lines}");
    assert!(lines.contains("pregnant"), "{lines}");
}

#[tokio::test]
async fn h27_pain_worse_lying_down_is_checked_today() {
    assert_cases(vec![
        case(
            "worse lying down at 38, no cancer",
            &[
                ("duration=under-1-week", "duration=1-6-weeks"),
                ("symptom=none", "symptom=worse-lying-down"),
            ],
            "111-or-gp-today",
        ),
        case(
            "ordinary strain at 38 stays self-care",
            &[("duration=under-1-week", "duration=1-6-weeks")],
            "self-care",
        ),
    ])
    .await;
}

#[tokio::test]
async fn h26_results_that_name_111_give_each_uk_nations_route() {
    let app = spawn_app().await;
    for form in [
        CALM.to_owned(),
        calm_with(&[("symptom=none", "symptom=fever")], ""),
        calm_with(&[("warning=none", "warning=chest-pain")], ""),
    ] {
        let page = result(&app, &form).await;
        assert_eq!(count(&page, "[data-uk-nations]"), 1, "{form}");
        let routes = select_texts(&page, "[data-uk-nations] li").concat();
        for route in ["NHS 24", "NHS 111 Wales", "GP Out of Hours"] {
            assert!(routes.contains(route), "{route} missing: {routes}");
        }
    }
}

/// A page as posted, with what differs between two servers masked: the minute it was checked
/// and the server's own address.
async fn page_text(app: &TestApp, form: &str) -> String {
    let response = app.post_form("/symptom-checker", form).await;
    let text = response.text().await.expect("body");
    let text = text.replace(&app.base_url, "BASE");
    match text.split_once("Checked on ") {
        Some((before, after)) => {
            let after = after.split_once(" UTC").map_or(after, |(_, rest)| rest);
            format!("{before}Checked on TIME UTC{after}")
        }
        None => text,
    }
}

/// H28: a result page's remembered pieces (advice boxes, reasons, summary rows, hidden fields)
/// never carry one result's words into another's. Two servers get every case, in opposite
/// orders, so a piece is first made for a different case on each; every page must be the same
/// on both.
#[tokio::test]
async fn h28_a_result_page_is_the_same_whatever_came_before_it() {
    let (forward, backward) = (spawn_app().await, spawn_app().await);
    let forms: Vec<String> = backcare::triage::vignettes()
        .iter()
        .map(|vignette| serde_html_form::to_string(&vignette.answers).expect("answers encode"))
        .collect();
    assert!(forms.len() > 100, "the cases load");
    let mut in_order = Vec::new();
    for form in &forms {
        in_order.push(page_text(&forward, form).await);
    }
    let mut reversed = Vec::new();
    for form in forms.iter().rev() {
        reversed.push(page_text(&backward, form).await);
    }
    reversed.reverse();
    for ((form, first), second) in forms.iter().zip(&in_order).zip(&reversed) {
        assert_eq!(first, second, "{form}");
    }
    assert!(
        in_order.iter().any(|page| page.contains("data-advice"))
            && in_order.iter().any(|page| page.contains("data-rule")),
        "the pages hold remembered pieces"
    );
}
