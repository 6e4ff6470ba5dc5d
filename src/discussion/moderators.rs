//! Moderator accounts and sessions: names, argon2 password hashes, session tokens.
//! Only hashes are stored: the password never, the session token as SHA-256.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash};
use sha2::{Digest, Sha256};

/// Passwords shorter than this are refused by `backcare moderator add`.
pub const PASSWORD_MIN: usize = 12;

/// Why a moderator name or password was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccountError {
    #[error("a moderator name is 2 to 40 letters, digits, dots, hyphens or underscores")]
    BadName,
    #[error("the password must be at least {PASSWORD_MIN} characters")]
    ShortPassword,
    #[error(
        "the password is too easy to guess{0}; use a passphrase of four or more unrelated words, or one from a password manager"
    )]
    WeakPassword(String),
    #[error("could not hash the password: {0}")]
    Hash(String),
}

/// Checks a moderator's name: what they type at the login page.
pub fn check_name(name: &str) -> Result<&str, AccountError> {
    let ok = (2..=40).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(name)
    } else {
        Err(AccountError::BadName)
    }
}

/// How hard a password must be to guess (zxcvbn's score, 0 to 4): 3 is "safely unguessable",
/// about 10^10 guesses, which an online attack under the sign-in limits never reaches.
const STRENGTH_MIN: zxcvbn::Score = zxcvbn::Score::Three;

/// Refuses a password that is long enough but guessable: a common password, the moderator's
/// own name, a keyboard pattern or a date (NIST SP 800-63B, 5.1.1.2).
pub fn check_strength(name: &str, password: &str) -> Result<(), AccountError> {
    if password.chars().count() < PASSWORD_MIN {
        return Err(AccountError::ShortPassword);
    }
    let estimate = zxcvbn::zxcvbn(password, &[name, "backcare", "moderator"]);
    if estimate.score() >= STRENGTH_MIN {
        return Ok(());
    }
    let warning = estimate
        .feedback()
        .and_then(|feedback| feedback.warning())
        .map(|warning| {
            format!(
                " ({})",
                warning.to_string().trim_end_matches('.').to_lowercase()
            )
        })
        .unwrap_or_default();
    Err(AccountError::WeakPassword(warning))
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The operating system's generator failing is not something a web site can recover from.
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes
}

/// An argon2id hash (PHC string, with its own random salt) of `password`.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    if password.chars().count() < PASSWORD_MIN {
        return Err(AccountError::ShortPassword);
    }
    let salt = SaltString::encode_b64(&random_bytes::<16>())
        .map_err(|error| AccountError::Hash(error.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AccountError::Hash(error.to_string()))
}

/// Whether `password` matches `stored` (a PHC string). With no stored hash (an unknown name),
/// a dummy hash is checked anyway so the answer takes as long as for a real moderator.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let known = stored.is_some();
    let stored: &str = match stored {
        Some(stored) => stored,
        None => dummy_hash(),
    };
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let matches = match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => true,
        Err(password_hash::Error::Password) => false,
        Err(error) => {
            tracing::error!(%error, "a stored moderator password hash cannot be checked");
            false
        }
    };
    matches && known
}

/// A real hash of a password nobody has, made once.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not the password of anyone at all").unwrap_or_default())
}

/// A new session token for the cookie: 32 random bytes as hex.
pub fn new_session_token() -> String {
    hex(&random_bytes::<32>())
}

/// What the database keeps of a session token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// 32 random bytes, for a signing key when none is configured.
pub fn random_key() -> Vec<u8> {
    random_bytes::<32>().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_simple() {
        assert!(check_name("alex").is_ok());
        assert!(check_name("a.b-c_9").is_ok());
        for bad in ["a", "has space", "émile", "<b>", &"x".repeat(41)] {
            assert_eq!(check_name(bad), Err(AccountError::BadName), "{bad}");
        }
    }

    #[test]
    fn passwords_hash_and_verify() {
        assert_eq!(hash_password("short"), Err(AccountError::ShortPassword));
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
        assert!(!verify_password("not the password of anyone at all", None));
        assert!(!verify_password("x", Some("not a hash")));
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn guessable_passwords_are_refused_however_long() {
        for weak in [
            "password1234",
            "qwertyuiopasdf",
            "alexalexalex1",
            "backcare2026!",
        ] {
            assert!(
                matches!(
                    check_strength("alex", weak),
                    Err(AccountError::WeakPassword(_))
                ),
                "{weak}"
            );
        }
        assert_eq!(
            check_strength("alex", "short"),
            Err(AccountError::ShortPassword)
        );
        assert_eq!(
            check_strength("alex", "correct horse battery staple"),
            Ok(())
        );
        assert_eq!(check_strength("alex", "tulip kettle orbit gravel"), Ok(()));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let token = new_session_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_session_token());
        assert_eq!(token_hash(&token).len(), 64);
        assert_ne!(token_hash(&token), token);
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
