//! The server secret when the operator gives none (`--secret-file`): made on the first start and
//! kept, so after a restart forms, rate-limit rows and resent posts are keyed exactly as before.
//! With SQLite it is a file beside the database (`backcare.db.secret`, readable by its owner
//! only); with PostgreSQL a row in the database, so every instance sharing it agrees.

use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::moderators::{hex, random_key};
use super::store::{Backend, Storage, StoreError};

/// A kept secret shorter than this was not written by us: refuse it rather than sign with it.
const MIN_SECRET_BYTES: usize = 16;

/// The secret kept for the database at `database_url`, made now if there is none yet.
pub async fn kept_secret(storage: &Storage, database_url: &str) -> Result<Vec<u8>, StoreError> {
    match storage.backend() {
        Backend::Postgres => {
            let secret = storage.server_secret(&hex(&random_key())).await?;
            Ok(secret.into_bytes())
        }
        Backend::Sqlite => match secret_file_beside(database_url) {
            Some(path) => read_or_create(&path).map_err(|source| StoreError::Secret {
                path: path.display().to_string(),
                source,
            }),
            // An in-memory database outlives no restart, so neither need its secret.
            None => Ok(random_key()),
        },
    }
}

/// `<database file>.secret`, or `None` for an in-memory or PostgreSQL database.
pub fn secret_file_beside(database_url: &str) -> Option<PathBuf> {
    use std::str::FromStr;
    if Backend::for_url(database_url) != Some(Backend::Sqlite) {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(database_url).ok()?;
    let file = options.get_filename();
    if file.as_os_str().is_empty()
        || file == Path::new(":memory:")
        || database_url.contains(":memory:")
    {
        return None;
    }
    let mut name = file.as_os_str().to_owned();
    name.push(".secret");
    Some(PathBuf::from(name))
}

/// Reads the secret at `path`, or writes a new random one there with mode 0600. Two starts
/// racing both end up with whichever was written first.
fn read_or_create(path: &Path) -> std::io::Result<Vec<u8>> {
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match created {
        Ok(mut file) => {
            let secret = hex(&random_key());
            file.write_all(format!("{secret}\n").as_bytes())?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "made a new server secret and kept it beside the database");
            Ok(secret.into_bytes())
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            let mut text = Vec::new();
            std::fs::File::open(path)?.read_to_end(&mut text)?;
            let secret = text.trim_ascii().to_vec();
            if secret.len() < MIN_SECRET_BYTES {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "the kept secret is shorter than 16 characters: delete the file to make a new one",
                ));
            }
            Ok(secret)
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_secret_file_sits_beside_a_sqlite_file_only() {
        assert_eq!(
            secret_file_beside("sqlite:///srv/backcare/backcare.db?mode=rwc"),
            Some(PathBuf::from("/srv/backcare/backcare.db.secret"))
        );
        assert_eq!(
            secret_file_beside("sqlite://backcare.db?mode=rwc"),
            Some(PathBuf::from("backcare.db.secret"))
        );
        assert_eq!(secret_file_beside("sqlite::memory:"), None);
        assert_eq!(secret_file_beside("postgres://backcare@db/backcare"), None);
    }

    #[test]
    fn a_secret_is_made_once_private_and_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backcare.db.secret");
        let first = read_or_create(&path).unwrap();
        assert_eq!(first.len(), 64);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(read_or_create(&path).unwrap(), first);
        std::fs::write(&path, "short\n").unwrap();
        assert!(read_or_create(&path).is_err());
    }
}
