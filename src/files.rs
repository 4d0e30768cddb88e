//! Reading user files with a size limit, so that a huge or endless input (a wrong path, a
//! device such as `/dev/zero`, a runaway export) gets a clear error instead of exhausting
//! memory or producing locations past what a [`Span`](crate::diag::Span) can address.

use std::io::Read as _;
use std::path::Path;

/// The largest rule, workflow or test file read: far above any hand-written rule set (the
/// shipped one is 30 KB; a generated 1,000-award rule set is under 1 MiB).
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// The largest data file read (CSV, JSON, `.xlsx`): byte offsets in diagnostics are 32-bit,
/// and a national cycle of 2.5 million people is about 250 MiB of CSV.
pub const MAX_DATA_BYTES: u64 = u32::MAX as u64;

/// Read a whole file, refusing one longer than `limit` bytes with an
/// [`std::io::ErrorKind::FileTooLarge`] error that says what the limit is for.
///
/// The limit is enforced while reading, not only from the file's metadata, so special files
/// that never end are refused too.
pub fn read_limited(path: &Path, limit: u64, what: &str) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let expected = file.metadata().map(|m| m.len()).unwrap_or(0);
    if expected > limit {
        return Err(too_large(expected, limit, what));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit, what));
    }
    Ok(bytes)
}

fn too_large(len: u64, limit: u64, what: &str) -> std::io::Error {
    let shown = if len > limit.saturating_add(1) {
        format!("{} MiB", len / (1024 * 1024))
    } else {
        String::from("more than that")
    };
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!(
            "the file is too large for {what} ({shown}; the limit is {} MiB): check that it is \
             the right file, or split it",
            limit / (1024 * 1024)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_limit_is_refused_and_one_at_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.rules");
        std::fs::write(&p, vec![b'a'; 2 * 1024 * 1024 + 1]).unwrap();
        let e = read_limited(&p, 2 * 1024 * 1024, "a rule file").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("the limit is 2 MiB"), "{e}");
        assert_eq!(read_limited(&p, 2 * 1024 * 1024 + 1, "a rule file").unwrap().len(), 2_097_153);
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_device_is_refused() {
        let e = read_limited(Path::new("/dev/zero"), 1024, "a rule file").unwrap_err();
        assert!(e.to_string().contains("too large for a rule file"), "{e}");
    }
}
