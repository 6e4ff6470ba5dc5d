//! Signing a moderator in: the order of the limits, the password, the second factor and the
//! counts of wrong guesses, and what became of the attempt. The web layer checks the form came
//! from our page, says whether the browser is one this moderator signed in from before (its
//! device cookie), and shows the page and sets the cookies each outcome calls for.

use std::net::IpAddr;
use std::time::Duration;

use time::OffsetDateTime;

use super::moderators::{self, new_session_token, token_hash};
use super::store::{Storage, StoreError};
use super::totp;
use crate::rate_limit::Decision;

/// How long a moderator stays signed in at most.
pub const SESSION_LENGTH: time::Duration = time::Duration::hours(12);

/// The sign-in allowances and counts of wrong passwords, kept in memory or in the database by
/// whoever runs this.
// Only this crate implements it, and its callers do not need the futures to be `Send`.
#[allow(async_fn_in_trait)]
pub trait SignInLimits {
    /// Takes one sign-in attempt from `client`'s allowance.
    async fn take_sign_in(&self, client: IpAddr) -> Result<Decision, StoreError>;
    /// How long until `client` may try `name` again, if it has had too many wrong passwords.
    async fn sign_in_blocked(
        &self,
        name: &str,
        client: Option<IpAddr>,
    ) -> Result<Option<Duration>, StoreError>;
    /// How long until browsers without `name`'s device cookie may try it again, from anywhere.
    async fn account_blocked(&self, name: &str) -> Result<Option<Duration>, StoreError>;
    /// Counts a wrong password for `name` from a browser without its device cookie.
    async fn record_account_failure(&self, name: &str) -> Result<(), StoreError>;
    async fn record_sign_in_failure(
        &self,
        name: &str,
        client: Option<IpAddr>,
    ) -> Result<(), StoreError>;
    async fn clear_sign_in_failures(
        &self,
        name: &str,
        client: Option<IpAddr>,
    ) -> Result<(), StoreError>;
}

/// What signing in needs: the database and the limits.
pub struct SignIn<'a, L> {
    pub storage: &'a Storage,
    pub limits: &'a L,
}

/// One sign-in form as sent.
pub struct Attempt<'a> {
    /// Trimmed.
    pub name: &'a str,
    pub password: String,
    /// The second-factor code, or a recovery code.
    pub code: &'a str,
    pub client: Option<IpAddr>,
    /// The browser has a device cookie for `name`: strangers' guesses never pause it.
    pub known_browser: bool,
    /// What the log says instead of `name` when it is no moderator's (see `device`).
    pub name_hash_for_log: String,
    pub now: OffsetDateTime,
}

/// What became of a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInOutcome {
    /// A new session, whose token goes in the browser's cookie.
    SignedIn {
        token: String,
    },
    /// The name or the password is empty.
    Incomplete,
    /// This client has tried too often, in all or (after a wrong password or code) for this
    /// name: it may try again after this long.
    TooManyAttempts(Duration),
    /// This name has had too many wrong passwords from browsers it was never signed in from.
    /// Said the same way for names that do not exist.
    AccountPaused(Duration),
    WrongPassword,
    WrongCode,
}

/// The database or the limits could not be reached: no sign-in without them.
#[derive(Debug)]
pub struct SignInUnavailable {
    /// What could not be done, for the log.
    pub context: &'static str,
    pub error: StoreError,
}

fn unavailable(context: &'static str) -> impl FnOnce(StoreError) -> SignInUnavailable {
    move |error| SignInUnavailable { context, error }
}

const LIMITS_UNREADABLE: &str = "could not check the sign-in limits";

impl<L: SignInLimits> SignIn<'_, L> {
    pub async fn sign_in(&self, attempt: Attempt<'_>) -> Result<SignInOutcome, SignInUnavailable> {
        let Attempt { name, client, .. } = attempt;
        // Every attempt costs the client a token, so a failing client is slowed down.
        let decision = match client {
            Some(client) => self.limits.take_sign_in(client).await,
            None => Ok(Decision::Allowed),
        };
        if let Decision::Limited { retry_after } =
            decision.map_err(unavailable(LIMITS_UNREADABLE))?
        {
            return Ok(SignInOutcome::TooManyAttempts(retry_after));
        }
        if name.is_empty() || attempt.password.is_empty() {
            return Ok(SignInOutcome::Incomplete);
        }
        // OWASP's device cookies: a browser where this moderator signed in before is never
        // paused by strangers' guesses; any other browser is, before its password is checked.
        if !attempt.known_browser
            && let Some(wait) = self
                .limits
                .account_blocked(name)
                .await
                .map_err(unavailable(LIMITS_UNREADABLE))?
        {
            return Ok(SignInOutcome::AccountPaused(wait));
        }
        let now = attempt.now;
        let code = attempt.code;
        let known_browser = attempt.known_browser;
        if !self.check_password(attempt).await? {
            return self
                .wrong(name, client, known_browser, SignInOutcome::WrongPassword)
                .await;
        }
        if !self.second_factor_holds(name, code, now).await? {
            log_wrong_code(name, client);
            return self
                .wrong(name, client, known_browser, SignInOutcome::WrongCode)
                .await;
        }
        self.start_session(name, client, now).await
    }

    /// Whether the attempt's password is its name's. Argon2 is deliberately slow: it runs off
    /// the threads that answer other requests, and an unknown name costs the same time as a
    /// known one.
    async fn check_password(&self, attempt: Attempt<'_>) -> Result<bool, SignInUnavailable> {
        let name = attempt.name;
        let stored = self
            .storage
            .password_hash(name)
            .await
            .map_err(unavailable("could not read a moderator"))?;
        let known_name = stored.is_some();
        let password = attempt.password;
        let matches = tokio::task::spawn_blocking(move || {
            moderators::verify_password(&password, stored.as_deref())
        })
        .await
        .unwrap_or(false);
        if !matches {
            ::metrics::counter!("backcare_sign_in_failures_total").increment(1);
            // Security telemetry, documented in the README. A name that is not a moderator's
            // is often a password typed in the wrong box, so only a keyed hash of it is logged:
            // the same wrong name gives the same hash, and nobody without the secret can
            // reverse it.
            let client = client_for_log(attempt.client);
            if known_name {
                tracing::warn!(moderator = name, %client, "a moderator sign-in failed");
            } else {
                tracing::warn!(
                    unknown_name_hash = %attempt.name_hash_for_log,
                    %client,
                    "a moderator sign-in failed"
                );
            }
        }
        Ok(matches)
    }

    /// Counts a wrong password or code, and says `outcome`, or `TooManyAttempts` once this
    /// client has guessed this name too often.
    async fn wrong(
        &self,
        name: &str,
        client: Option<IpAddr>,
        known_browser: bool,
        outcome: SignInOutcome,
    ) -> Result<SignInOutcome, SignInUnavailable> {
        // The per-client lock is checked once the password is wrong, so the right password
        // works from a shared address; the per-account count is what stops guessing from many.
        if let Some(wait) = self
            .limits
            .sign_in_blocked(name, client)
            .await
            .map_err(unavailable(LIMITS_UNREADABLE))?
        {
            return Ok(SignInOutcome::TooManyAttempts(wait));
        }
        if let Err(error) = self.limits.record_sign_in_failure(name, client).await {
            tracing::error!(%error, "could not record a failed sign-in");
        }
        if !known_browser && let Err(error) = self.limits.record_account_failure(name).await {
            tracing::error!(%error, "could not record a failed sign-in");
        }
        Ok(outcome)
    }

    /// Whether `name` passes the second factor: true when they have none, or when `typed` is
    /// the code of now (give or take 30 s) not used before, or one of their unused recovery
    /// codes.
    async fn second_factor_holds(
        &self,
        name: &str,
        typed: &str,
        now: OffsetDateTime,
    ) -> Result<bool, SignInUnavailable> {
        const CODE_UNCHECKED: &str = "could not check a sign-in code";
        let storage = self.storage;
        let Some(secret) = storage
            .totp_secret(name)
            .await
            .map_err(unavailable(CODE_UNCHECKED))?
        else {
            return Ok(true);
        };
        let Some(secret) = totp::from_base32(&secret) else {
            tracing::error!(moderator = name, "a stored TOTP secret is not base32");
            return Ok(false);
        };
        if let Some(step) = totp::matching_step(&secret, typed, now.unix_timestamp()) {
            return storage
                .use_totp_step(name, step)
                .await
                .map_err(unavailable(CODE_UNCHECKED));
        }
        if typed.trim().is_empty() {
            return Ok(false);
        }
        storage
            .use_recovery_code(name, &totp::recovery_code_hash(typed), now)
            .await
            .map_err(unavailable(CODE_UNCHECKED))
    }

    /// The right password and code: forget the wrong guesses and store a new session.
    async fn start_session(
        &self,
        name: &str,
        client: Option<IpAddr>,
        now: OffsetDateTime,
    ) -> Result<SignInOutcome, SignInUnavailable> {
        if let Err(error) = self.limits.clear_sign_in_failures(name, client).await {
            tracing::warn!(%error, "could not clear the failed sign-ins of a moderator");
        }
        let token = new_session_token();
        self.storage
            .create_session(&token_hash(&token), name, now, now + SESSION_LENGTH)
            .await
            .map_err(unavailable("could not store a moderator session"))?;
        tracing::info!(moderator = name, "a moderator signed in");
        Ok(SignInOutcome::SignedIn { token })
    }
}

fn client_for_log(client: Option<IpAddr>) -> String {
    client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// Security telemetry for a right password with a wrong or missing code: usually the moderator
/// forgot the code, but it may be someone else who has the password, so it gets its own line.
/// The typed code is never logged.
fn log_wrong_code(name: &str, client: Option<IpAddr>) {
    ::metrics::counter!("backcare_sign_in_failures_total").increment(1);
    let client = client_for_log(client);
    tracing::warn!(
        moderator = name,
        %client,
        "a moderator sign-in failed: the password was right, the second-factor code was not"
    );
}
