//! Facets and the timeline as text: counts per value, and a bar chart.

use std::io::Write;

use newsidx::search::{Count, Facets, Timeline};

use super::Style;

/// The widest bar of a timeline, in cells.
pub(super) const BAR_WIDTH: usize = 40;

pub(super) fn write_facets(
    facets: &Facets,
    style: Style,
    w: &mut impl Write,
) -> anyhow::Result<()> {
    if let Some(sources) = &facets.source {
        writeln!(w, "\nby source")?;
        let unknown = facets.unknown_source.unwrap_or(0);
        write_counts(sources, ("unknown", unknown), style, w)?;
    }
    if let Some(years) = &facets.year {
        writeln!(w, "\nby year")?;
        let undated = facets.undated.unwrap_or(0);
        write_counts(years, ("undated", undated), style, w)?;
    }
    Ok(())
}

fn write_counts(
    counts: &[Count],
    missing: (&str, u64),
    style: Style,
    w: &mut impl Write,
) -> anyhow::Result<()> {
    let width = counts
        .iter()
        .map(|c| c.value.chars().count())
        .chain([missing.0.len()])
        .max()
        .unwrap_or(0);
    for c in counts {
        writeln!(w, "  {:<width$}  {:>7}", style.text(&c.value), c.count)?;
    }
    if missing.1 > 0 {
        writeln!(w, "  {:<width$}  {:>7}", missing.0, missing.1)?;
    }
    Ok(())
}

pub(super) fn write_timeline(
    timeline: &Timeline,
    style: Style,
    w: &mut impl Write,
) -> anyhow::Result<()> {
    let labels: Vec<&str> = timeline.buckets.iter().map(|b| b.value.as_str()).collect();
    let counts: Vec<u64> = timeline.buckets.iter().map(|b| b.count).collect();
    let undated = (timeline.undated, timeline.undated_total);
    let shared = if timeline.totals.is_some() {
        ", share of all articles"
    } else {
        ""
    };
    writeln!(w, "\ntimeline{shared}")?;
    write_rows(&labels, &counts, timeline.totals.as_deref(), undated, w)?;
    for line in timeline.sources.iter().flatten() {
        let name = line.source.as_deref().unwrap_or("unknown source");
        writeln!(w, "\ntimeline{shared}: {}", style.text(name))?;
        write_rows(&labels, &line.counts, line.totals.as_deref(), (0, None), w)?;
    }
    if let Some(other) = &timeline.other_sources {
        let noun = if other.sources == 1 {
            "source"
        } else {
            "sources"
        };
        writeln!(w, "\ntimeline{shared}: {} other {noun}", other.sources)?;
        write_rows(
            &labels,
            &other.counts,
            other.totals.as_deref(),
            (0, None),
            w,
        )?;
    }
    Ok(())
}

/// One row a period: its bar and count, or with `totals` its share (the
/// bars are then scaled on the shares).
fn write_rows(
    labels: &[&str],
    counts: &[u64],
    totals: Option<&[u64]>,
    undated: (u64, Option<u64>),
    w: &mut impl Write,
) -> anyhow::Result<()> {
    // Shares in millionths, so that bars compare shares.
    let scaled: Vec<u64> = match totals {
        Some(totals) => counts
            .iter()
            .zip(totals)
            .map(|(&c, &t)| c.saturating_mul(1_000_000).checked_div(t).unwrap_or(0))
            .collect(),
        None => counts.to_vec(),
    };
    let max = scaled.iter().copied().max().unwrap_or(0);
    let width = labels
        .iter()
        .map(|l| l.len())
        .chain(["undated".len()])
        .max()
        .unwrap_or(0);
    for (i, label) in labels.iter().enumerate() {
        let figure = match totals {
            Some(totals) => share(counts[i], totals[i]),
            None => counts[i].to_string(),
        };
        writeln!(
            w,
            "  {label:<width$} {:<BAR_WIDTH$} {figure}",
            bar(scaled[i], max)
        )?;
    }
    if undated.0 > 0 {
        let figure = match undated.1 {
            Some(total) => share(undated.0, total),
            None => undated.0.to_string(),
        };
        writeln!(w, "  {:<width$} {:<BAR_WIDTH$} {figure}", "undated", "")?;
    }
    Ok(())
}

/// `12/480 (2.5%)`; `0/0` for a period without articles.
fn share(count: u64, total: u64) -> String {
    if total == 0 {
        return format!("{count}/{total}");
    }
    format!(
        "{count}/{total} ({:.1}%)",
        100.0 * count as f64 / total as f64
    )
}

/// A bar of `count` against `max`, in eighths of a cell; any count above
/// zero shows at least a sliver.
pub(super) fn bar(count: u64, max: u64) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    if count == 0 || max == 0 {
        return String::new();
    }
    let eighths = ((count as u128 * (BAR_WIDTH as u128 * 8)) / max as u128).max(1) as usize;
    let mut bar = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        bar.push(EIGHTHS[eighths % 8 - 1]);
    }
    bar
}
