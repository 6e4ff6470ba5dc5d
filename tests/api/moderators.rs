//! Moderator accounts through the real server: listing and removing them, and what a removed
//! account's cookie can still do (nothing). Runs on SQLite and PostgreSQL like `discussion`.

use backcare::discussion::DiscussionConfig;
use backcare::discussion::commands::{self, CommandError};
use backcare::startup::ServeConfig;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use sqlx::Connection;

use crate::discussion::{
    ARTICLE, Discussion, MODERATOR, PASSWORD, TestDb, encode, on_both_databases,
    retry_after_seconds, spawn_with,
};
use crate::helpers::{FORM_CONTENT_TYPE, TestApp, bundled_config, html, spawn_app_with};

on_both_databases!(
    a_removed_moderator_is_signed_out_at_once_and_listed_no_more,
    a_moderator_with_totp_needs_a_fresh_code_or_an_unused_recovery_code,
    guessing_one_name_from_many_addresses_pauses_it_except_in_the_moderators_browser,
);

/// Ten addresses, each well below its own per-client allowance.
const GUESSERS: [&str; 10] = [
    "192.0.2.10",
    "192.0.2.11",
    "192.0.2.12",
    "192.0.2.13",
    "192.0.2.14",
    "192.0.2.15",
    "192.0.2.16",
    "192.0.2.17",
    "192.0.2.18",
    "192.0.2.19",
];

async fn guessing_one_name_from_many_addresses_pauses_it_except_in_the_moderators_browser(
    db: &TestDb,
) {
    db.add_moderator(MODERATOR, PASSWORD).await;
    let app = spawn_app_with(ServeConfig {
        comments: Some(DiscussionConfig {
            login_failures_per_account: 10,
            ..db.config()
        }),
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..bundled_config()
    })
    .await;
    let mut site = Discussion {
        app,
        session: None,
        client: Some("198.51.100.7"),
        visitor: Default::default(),
        device: None,
    };
    // The moderator signs in at home; the browser keeps a device cookie for "alex".
    let response = site.login(MODERATOR, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let moderators_browser = site.device.take().expect("a device cookie");
    assert!(moderators_browser.starts_with("backcare_device=alex:"));
    site.session = None;

    // Strangers from ten addresses guess, once each: ten wrong passwords for "alex" in all.
    for guesser in GUESSERS {
        site.client = Some(guesser);
        let response = site.login(MODERATOR, "a wrong password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{guesser}");
    }
    // Now any browser without the cookie is refused before its password is checked: even the
    // right password does nothing, so guessing learns nothing, from any address.
    site.client = Some("203.0.113.9");
    for password in ["a wrong password", PASSWORD] {
        let response = site.login(MODERATOR, password).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(response.headers().get(SET_COOKIE).is_none());
        let wait = retry_after_seconds(&response);
        assert!((3000..=3600).contains(&wait), "{wait}");
    }
    // A forged or borrowed device cookie is no help.
    site.device = Some(moderators_browser.replacen("alex", "sam", 1));
    assert_eq!(
        site.login(MODERATOR, PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Other names are not paused.
    assert_eq!(
        site.login("sam", "a wrong password").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // The moderator's own browser signs in, from wherever they are.
    site.device = Some(moderators_browser);
    site.client = Some("203.0.113.50");
    let response = site.login(MODERATOR, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(site.queue().await.0.len(), 0);
}

async fn listed(db: &TestDb) -> String {
    let storage = db.storage().await;
    let mut out = Vec::new();
    commands::list_moderators(&storage, &mut out)
        .await
        .expect("moderators are listed");
    storage.close().await;
    String::from_utf8(out).expect("text")
}

async fn a_removed_moderator_is_signed_out_at_once_and_listed_no_more(db: &TestDb) {
    db.add_moderator(MODERATOR, PASSWORD).await;
    db.add_moderator("sam", PASSWORD).await;
    let mut site = spawn_with(db.config()).await;
    site.post_ok(ARTICLE, "Jo", "Waiting for a moderator.")
        .await;
    site.login(MODERATOR, PASSWORD).await;
    let (pending, token) = site.queue().await;

    let lines: Vec<String> = listed(db).await.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("alex\tadded ") && lines[0].ends_with("\t1 session"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("sam\t") && lines[1].ends_with("\t0 sessions"));

    let storage = db.storage().await;
    commands::remove_moderator(&storage, MODERATOR)
        .await
        .expect("removed");
    assert!(matches!(
        commands::remove_moderator(&storage, MODERATOR).await,
        Err(CommandError::NoSuchModerator(name)) if name == MODERATOR
    ));
    storage.close().await;
    assert!(listed(db).await.starts_with("sam\t"));

    // The page's token and the cookie are both still in the browser: neither works now.
    let response = site
        .send(
            &format!("/moderate/posts/{}/approve", pending[0].0),
            encode(&[("csrf-token", &token)]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers().get(LOCATION).unwrap(), "/moderate/login");
    let (status, _) = site.page("/moderate").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(site.shown(ARTICLE).await.is_empty(), "nothing was approved");
}

/// An operator who deletes the row by hand (the sqlite3 shell does not enforce foreign keys
/// unless told to) leaves the sessions behind; they must not work.
#[tokio::test]
async fn a_moderator_deleted_by_hand_has_no_working_session() {
    let db = TestDb::sqlite();
    db.add_moderator(MODERATOR, PASSWORD).await;
    let mut site = spawn_with(db.config()).await;
    site.login(MODERATOR, PASSWORD).await;
    site.queue().await;

    let mut connection = sqlx::SqliteConnection::connect(&db.url)
        .await
        .expect("opens");
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut connection)
        .await
        .unwrap();
    sqlx::query("DELETE FROM moderators WHERE name = $1")
        .bind(MODERATOR)
        .execute(&mut connection)
        .await
        .unwrap();
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(sessions, 1, "the session row is left behind");
    connection.close().await.unwrap();

    let (status, _) = site.page("/moderate").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "sent to sign in");
    db.cleanup().await;
}

/// Signs in with a code as well, in a fresh browser; returns the status.
async fn login_with_code(site: &mut Discussion, code: &str) -> StatusCode {
    site.session = None;
    let (_, form) = site.page("/moderate/login").await;
    let token = crate::discussion::input_value(&form, "input[name=csrf-token]");
    let response = site
        .send(
            "/moderate/login",
            encode(&[
                ("csrf-token", &token),
                ("name", MODERATOR),
                ("password", PASSWORD),
                ("code", code),
            ]),
        )
        .await;
    site.session = crate::discussion::set_cookie(&response, "backcare_moderator");
    response.status()
}

async fn a_moderator_with_totp_needs_a_fresh_code_or_an_unused_recovery_code(db: &TestDb) {
    use backcare::discussion::totp;
    db.add_moderator(MODERATOR, PASSWORD).await;
    let mut site = spawn_with(db.config()).await;
    // Signed in with the password alone before the second factor is set up...
    assert_eq!(
        site.login(MODERATOR, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    site.queue().await;
    let storage = db.storage().await;
    let set_up = commands::set_up_totp(&storage, MODERATOR)
        .await
        .expect("set up");
    // ...that session ends with the set-up.
    let (status, _) = site.page("/moderate").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "signed out by the set-up");
    assert!(
        set_up
            .uri
            .starts_with("otpauth://totp/backcare%3Aalex?secret=")
    );
    assert_eq!(set_up.recovery_codes.len(), 10);

    // The password alone is no longer enough; the page asks for the code.
    let response = site.login(MODERATOR, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let page = crate::helpers::html(&response.text().await.unwrap());
    assert_eq!(
        crate::helpers::select_attrs(&page, ".error-summary a", "href"),
        ["#moderator-code"]
    );
    assert_eq!(
        login_with_code(&mut site, "000000").await,
        StatusCode::UNAUTHORIZED
    );

    // The code the app shows now works, once.
    let secret = totp::from_base32(&set_up.secret).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let code = format!("{:06}", totp::code_at(&secret, totp::step_at(now)));
    assert_eq!(
        login_with_code(&mut site, &code).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(site.queue().await.0.len(), 0, "signed in");
    assert_eq!(
        login_with_code(&mut site, &code).await,
        StatusCode::UNAUTHORIZED
    );

    // A recovery code works once, typed loosely.
    let recovery = set_up.recovery_codes[3].to_uppercase();
    assert_eq!(
        login_with_code(&mut site, &recovery).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        login_with_code(&mut site, &recovery).await,
        StatusCode::UNAUTHORIZED
    );
    // The operator sees who has a second factor, and how many codes are left.
    let listing = listed(db).await;
    assert!(
        listing.ends_with("\tsecond factor, 9 recovery codes left\n"),
        "{listing}"
    );

    // Turned off, the password alone signs in again.
    commands::turn_off_totp(&storage, MODERATOR)
        .await
        .expect("off");
    storage.close().await;
    assert_eq!(login_with_code(&mut site, "").await, StatusCode::SEE_OTHER);
    let listing = listed(db).await;
    assert!(listing.ends_with("\t1 session\n"), "{listing}");
}

/// The commands as an operator runs them: a guessable password is refused with the reason,
/// `list` and `totp` print what they say.
#[tokio::test]
async fn the_moderator_commands_refuse_guessable_passwords_and_print_what_they_set_up() {
    use crate::discussion::run_backcare;
    let db = TestDb::sqlite();
    let database = ["--database-url", db.url.as_str()];
    let weak = run_backcare(
        &[&["moderator", "add", "sam"][..], &database].concat(),
        "password1234\n",
    )
    .await;
    assert_eq!(weak.status.code(), Some(1));
    let said = String::from_utf8_lossy(&weak.stderr);
    assert!(said.contains("too easy to guess"), "{said}");

    let added = run_backcare(
        &[&["moderator", "add", MODERATOR][..], &database].concat(),
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(added.status.success());
    let listed = run_backcare(&[&["moderator", "list"][..], &database].concat(), "").await;
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.starts_with("alex\tadded "), "{listed}");
    assert!(!listed.contains("sam"), "{listed}");

    let totp = run_backcare(
        &[&["moderator", "totp", MODERATOR][..], &database].concat(),
        "",
    )
    .await;
    assert!(totp.status.success());
    let printed = String::from_utf8_lossy(&totp.stdout);
    assert!(
        printed.contains("address: otpauth://totp/backcare%3Aalex?secret="),
        "{printed}"
    );
    let codes = printed
        .lines()
        .filter(|line| line.len() == 11 && line.as_bytes()[5] == b'-')
        .count();
    assert_eq!(codes, 10, "{printed}");
    let nobody = run_backcare(
        &[&["moderator", "remove", "nobody"][..], &database].concat(),
        "",
    )
    .await;
    assert_eq!(nobody.status.code(), Some(1));
    db.cleanup().await;
}

/// Fetches the sign-in form and sends it back with the `Cookie` header `cookie`: the sign-in's
/// status, and the cookies the form's page set.
async fn sign_in_with_cookie(app: &TestApp, cookie: &str) -> (StatusCode, Vec<String>) {
    let page = app
        .client
        .get(app.url("/moderate/login"))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    let issued: Vec<String> = page
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .collect();
    let form = html(&page.text().await.unwrap());
    let token = crate::discussion::input_value(&form, "input[name=csrf-token]");
    let response = app
        .client
        .post(app.url("/moderate/login"))
        .header(COOKIE, cookie)
        .header("content-type", FORM_CONTENT_TYPE)
        .body(encode(&[
            ("csrf-token", &token),
            ("name", MODERATOR),
            ("password", PASSWORD),
        ]))
        .send()
        .await
        .unwrap();
    (response.status(), issued)
}

/// The sign-in form's visitor cookie is issued signed by the server and, over https, named
/// `__Host-`: a value a client picked, or one sent under the bare name (which a sibling
/// subdomain could set), counts as no cookie.
#[tokio::test]
async fn the_sign_in_form_takes_only_a_visitor_value_the_server_issued() {
    let db = TestDb::sqlite();
    db.add_moderator(MODERATOR, PASSWORD).await;
    let app = spawn_app_with(ServeConfig {
        comments: Some(db.config()),
        base_url: Some("https://backcare.example".parse().unwrap()),
        ..bundled_config()
    })
    .await;
    // A value of the client's choosing: the page issues one of the server's instead, and the
    // form sent back with the chosen one is refused.
    let (status, issued) = sign_in_with_cookie(
        &app,
        "__Host-backcare_visitor=0123456789abcdef0123456789abcdef",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(issued.len(), 1, "{issued:?}");
    let cookie = &issued[0];
    assert!(cookie.starts_with("__Host-backcare_visitor="), "{cookie}");
    // Read with a cookie parser: what counts is each attribute, not the order they are written in.
    let parsed = actix_web::cookie::Cookie::parse(cookie.as_str()).unwrap();
    assert_eq!(parsed.path(), Some("/"), "{cookie}");
    assert_eq!(parsed.secure(), Some(true), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    let issued_pair = cookie.split(';').next().unwrap().to_owned();

    // The issued value works...
    let (status, issued) = sign_in_with_cookie(&app, &issued_pair).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(issued.is_empty(), "kept, not issued again: {issued:?}");
    // ...but not under the bare name, whoever set it.
    let bare = issued_pair.trim_start_matches("__Host-");
    let (status, _) = sign_in_with_cookie(&app, bare).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    db.cleanup().await;
}
