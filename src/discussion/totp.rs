//! The optional second factor for moderators: time-based one-time passwords (RFC 6238, the
//! six-digit codes of any authenticator app: SHA-1, 30-second steps) and one-time recovery codes.
//! No HTTP here: `backcare moderator totp` sets it up, the sign-in page asks for a code.
//!
//! Written out rather than taken from a crate: RFC 6238 over RFC 4226 is an HMAC and a dynamic
//! truncation (a dozen lines on the `hmac` and `sha1` crates already in the tree), and base32 is
//! another dozen; a TOTP crate would add base32, constant-time and URL crates for the same.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::moderators::{hex, random_key};

/// Seconds per code (RFC 6238's default, what every app assumes).
pub const STEP_SECONDS: i64 = 30;
/// Codes one step early or late are accepted: a phone's clock may be a little off.
const STEPS_ALLOWED_EITHER_SIDE: i64 = 1;
/// Recovery codes made at set-up; each works once.
pub const RECOVERY_CODES: usize = 10;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding: how authenticator apps take a secret.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The secret as stored (base32) back to bytes; `None` if it is not base32.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let value = BASE32.iter().position(|&b| b == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// A new random secret of 160 bits (RFC 4226's recommendation), base32.
pub fn new_secret() -> String {
    let mut secret = random_key();
    secret.truncate(20);
    base32(&secret)
}

/// The six-digit code for time step `step` (RFC 4226's HOTP with the step as counter).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC accepts any key");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let truncated = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    truncated % 1_000_000
}

/// The time step `unix_seconds` falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The step whose code `typed` is, near `unix_seconds`, if it is one. Spaces are ignored.
pub fn matching_step(secret: &[u8], typed: &str, unix_seconds: i64) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u32 = digits.parse().ok()?;
    let now = step_at(unix_seconds);
    (now - STEPS_ALLOWED_EITHER_SIDE..=now + STEPS_ALLOWED_EITHER_SIDE)
        .find(|&step| code_at(secret, step) == code)
}

/// The `otpauth://` address an app reads (usually from a QR code) to add the account.
pub fn otpauth_uri(issuer: &str, name: &str, secret: &str) -> String {
    let label: String = url::form_urlencoded::byte_serialize(format!("{issuer}:{name}").as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let issuer: String = url::form_urlencoded::byte_serialize(issuer.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!(
        "otpauth://totp/{label}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30"
    )
}

/// New recovery codes, `xxxxx-xxxxx` (50 random bits each), to show once.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let code = base32(&random_key()[..7]).to_lowercase();
            format!("{}-{}", &code[..5], &code[5..10])
        })
        .collect()
}

/// What the database keeps of a recovery code: a SHA-256 of it as typed without spaces, dashes
/// or case (the codes are random, so a fast hash is enough).
pub fn recovery_code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex(&Sha256::digest(normal.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 test vectors, with the RFC's 20-byte secret.
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
            (20_000_000_000, 353_130),
        ] {
            assert_eq!(code_at(secret, step_at(time)), code, "{time}");
        }
        assert_eq!(matching_step(secret, "287 082", 59), Some(1));
        assert_eq!(
            matching_step(secret, "287082", 59 + 30),
            Some(1),
            "a step late"
        );
        assert_eq!(matching_step(secret, "287082", 59 + 90), None);
        assert_eq!(matching_step(secret, "28708", 59), None);
        assert_eq!(matching_step(secret, "abcdef", 59), None);
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(from_base32("MZXW6YTBOI").unwrap(), b"foobar");
        assert_eq!(from_base32("mzxw6ytboi").unwrap(), b"foobar");
        assert_eq!(from_base32("not base32!"), None);
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_eq!(from_base32(&secret).unwrap().len(), 20);
    }

    #[test]
    fn recovery_codes_are_random_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_ne!(codes[0], codes[1]);
        assert_eq!(codes[0].len(), 11);
        assert_eq!(
            recovery_code_hash(&codes[0]),
            recovery_code_hash(&codes[0].to_uppercase().replace('-', " "))
        );
    }

    #[test]
    fn the_uri_names_the_site_and_the_moderator() {
        assert_eq!(
            otpauth_uri("backcare", "alex", "ABC"),
            "otpauth://totp/backcare%3Aalex?secret=ABC&issuer=backcare&algorithm=SHA1&digits=6&period=30"
        );
    }
}
