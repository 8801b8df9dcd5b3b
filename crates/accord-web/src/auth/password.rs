//! Password hashing with Argon2id (the crate's defaults follow OWASP's
//! recommended parameters). Hashing takes tens of milliseconds of CPU on
//! purpose, so it runs on the blocking pool, never on the async workers.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};

use crate::error::AppError;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 10;
/// The longest: hashing cost grows with length, so a bound keeps a request
/// from pinning a core.
pub const MAX_LENGTH: usize = 1024;

/// Checks a new password's length, saying which form field is at fault.
pub fn check_new(password: &str, field: &'static str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Err(AppError::invalid(
            field,
            format!("Choose a password of at least {MIN_LENGTH} characters."),
        ));
    }
    if chars > MAX_LENGTH {
        return Err(AppError::invalid(
            field,
            format!("A password can have at most {MAX_LENGTH} characters."),
        ));
    }
    Ok(())
}

/// Hashes a password (Argon2id, random salt) into a PHC string.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| AppError::internal(format!("password hashing task failed: {e}")))?
}

/// A hash of a password nobody has, verified when an e-mail address is
/// unknown so that a failed login takes as long either way.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$YWNjb3JkLWRlY295LXNhbHQ$3l2JpV5kq7WQm1TO2tnF9uFZ8m2Ql7nJvB1Hk0m1r0Q";

/// Whether `password` matches `phc`; with `None`, checks against a decoy
/// and answers `false`, taking the same time.
pub async fn verify(password: String, phc: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| DECOY.to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return Ok(false);
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && known)
    })
    .await
    .map_err(|e| AppError::internal(format!("password check task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery".into()).await.ok();
        assert!(h.as_deref().is_some_and(|h| h.starts_with("$argon2id$")));
        assert_eq!(
            verify("correct horse battery".into(), h.clone()).await.ok(),
            Some(true)
        );
        assert_eq!(
            verify("wrong horse battery".into(), h).await.ok(),
            Some(false)
        );
        assert_eq!(verify("anything".into(), None).await.ok(), Some(false));
    }

    #[test]
    fn the_decoy_is_a_real_argon2id_hash() {
        // If it did not parse, unknown addresses would skip the hashing
        // work and answer faster, telling who has an account.
        let parsed = PasswordHash::new(DECOY).ok();
        assert_eq!(
            parsed.map(|h| h.algorithm.as_str().to_owned()).as_deref(),
            Some("argon2id")
        );
    }

    #[test]
    fn length_limits_name_the_field() {
        let e = check_new("short", "password").err();
        assert!(e.as_ref().and_then(AppError::field) == Some("password"));
        assert!(check_new("long enough password", "password").is_ok());
    }
}
