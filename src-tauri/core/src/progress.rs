//! How far a long job is, for a progress bar, and how it is cancelled: shared by the ledger's
//! services and the file imports alike.

use crate::error::Result;

/// Reports how far an import is (percent, stage), for a progress bar on large files. An `Err`
/// (the officer cancelled) stops the import before it commits.
pub type Progress<'a> = &'a (dyn Fn(u32, &str) -> Result<()> + Sync);

/// For callers that show no progress.
pub fn no_progress(_: u32, _: &str) -> Result<()> {
    Ok(())
}

/// Checking rows runs from 10% to 70% of an import, writing from 70% to 100%.
pub fn report(
    progress: Progress<'_>,
    done: usize,
    total: usize,
    from: u32,
    span: u32,
    stage: &str,
) -> Result<()> {
    if done.is_multiple_of(2000) {
        progress(from + (span as usize * done / total.max(1)) as u32, stage)?;
    }
    Ok(())
}

/// For tests of long jobs: a progress callback that cancels once the job reports `percent`.
#[cfg(test)]
pub fn cancel_from(percent: u32) -> impl Fn(u32, &str) -> Result<()> + Sync {
    move |reached, _| match reached >= percent {
        true => Err(crate::error::Error::Cancelled),
        false => Ok(()),
    }
}
