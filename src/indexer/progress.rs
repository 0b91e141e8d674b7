//! Progress of a run, forwarded to the caller's callback
//! ([`IndexOptions::progress`]).

use std::sync::Mutex;

use super::{IndexOptions, Phase, Progress, ProgressFn};

/// Forwards progress to the caller's callback.
pub(super) struct Reporter {
    callback: Option<ProgressFn>,
    state: Mutex<Progress>,
}

impl Reporter {
    pub(super) fn new(options: &IndexOptions) -> Reporter {
        Reporter {
            callback: options.progress.clone(),
            state: Mutex::new(Progress {
                phase: Phase::Walking,
                files_total: 0,
                files_done: 0,
                bytes_total: 0,
                bytes_done: 0,
            }),
        }
    }

    fn update(&self, change: impl FnOnce(&mut Progress)) {
        let Some(callback) = &self.callback else {
            return;
        };
        let snapshot = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            change(&mut state);
            *state
        };
        callback(&snapshot);
    }

    pub(super) fn send(&self, phase: Phase) {
        self.update(|p| p.phase = phase);
    }

    pub(super) fn set_totals(&self, files: u64, bytes: u64) {
        self.update(|p| {
            p.phase = Phase::Indexing;
            p.files_total = files;
            p.bytes_total = bytes;
        });
    }

    pub(super) fn add_done(&self, files: u64, bytes: u64) {
        self.update(|p| {
            p.files_done += files;
            p.bytes_done += bytes;
        });
    }
}
