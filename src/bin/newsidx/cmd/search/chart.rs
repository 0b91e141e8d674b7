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

pub(super) fn write_timeline(timeline: &Timeline, w: &mut impl Write) -> anyhow::Result<()> {
    writeln!(w, "\ntimeline")?;
    let max = timeline.buckets.iter().map(|b| b.count).max().unwrap_or(0);
    let width = timeline
        .buckets
        .iter()
        .map(|b| b.value.len())
        .chain(["undated".len()])
        .max()
        .unwrap_or(0);
    for bucket in &timeline.buckets {
        writeln!(
            w,
            "  {:<width$} {:<BAR_WIDTH$} {}",
            bucket.value,
            bar(bucket.count, max),
            bucket.count
        )?;
    }
    if timeline.undated > 0 {
        writeln!(
            w,
            "  {:<width$} {:<BAR_WIDTH$} {}",
            "undated", "", timeline.undated
        )?;
    }
    Ok(())
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
