//! Small helpers shared by the benches: settings from the environment,
//! percentiles, memory and disk figures.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

/// Whether the bench runs for figures (`cargo bench` passes `--bench`)
/// rather than as a quick smoke test (`cargo test --benches`).
pub fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// A number from the environment (underscores allowed), or `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v.trim().replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("{name}={v:?} is not a number; using {default}");
            default
        }),
        _ => default,
    }
}

/// The `p`-quantile (0..=1) of `samples` by the nearest-rank method; `NaN`
/// when empty. Sorts the slice.
pub fn percentile(samples: &mut [f64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_by(f64::total_cmp);
    let rank = (p * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// The median of `samples`.
pub fn median(samples: &mut [f64]) -> f64 {
    percentile(samples, 0.5)
}

/// Milliseconds of a duration.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A field of `/proc/self/status` in kB (`VmHWM`, `VmRSS`), when available.
pub fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// Total size of the regular files below `dir`.
pub fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// The machine's load average over one minute, for the record.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(String::from))
        .unwrap_or_else(|| "?".into())
}

/// Cores available to this process.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |p| p.get())
}

/// The `p`-quantile with linear interpolation between ranks (the definition
/// of `../shared/bench/peerlib.py`); `NaN` when empty. Sorts the slice.
pub fn percentile_interpolated(samples: &mut [f64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_by(f64::total_cmp);
    let k = (samples.len() - 1) as f64 * p;
    let lo = k.floor() as usize;
    let hi = (lo + 1).min(samples.len() - 1);
    samples[lo] + (samples[hi] - samples[lo]) * (k - lo as f64)
}
