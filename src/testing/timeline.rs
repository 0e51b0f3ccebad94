//! The run as a picture: a self-contained SVG with one lane for the host and one per thread that
//! called the callback, every call a mark at its time, a time axis and a legend.

mod axis;
#[cfg(test)]
mod tests;

use std::fmt::Write;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use self::axis::Axis;
use super::clock::{Anchor, Scale, Tick};
use super::log::CompactLog;
use super::record::{Call, CallLog, Record};
use crate::core::hresult::HResult;
use crate::host::report::SyncReport;
use crate::host::timing::{count, Span};

const WIDTH: f64 = 960.0;
const LEFT: f64 = 200.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 44.0;
const LANE: f64 = 40.0;

/// The picture of a run: `report` is the host's, `log` the recorder's.
pub(crate) fn svg(report: &SyncReport, log: &CompactLog) -> String {
    let scale = Scale::between(log.began(), Anchor::now());
    let records = log.to_records();
    let began = report.moments.began;
    let times = times(log, |tick| {
        scale.instant(tick).saturating_duration_since(began)
    });
    let lanes = lanes(&records);
    let moments = report.moments;
    let since = |at: Instant| at.saturating_duration_since(began);
    let timeout_at = moments
        .returned
        .filter(|_| !report.signalled() && report.held())
        .and_then(|r| r.checked_add(report.timeout()))
        .map(since);
    let end = times
        .iter()
        .copied()
        .chain([since(moments.wait_ended)])
        .chain(timeout_at)
        .max()
        .unwrap_or_default()
        .max(Duration::from_micros(1));
    let axis = Axis::new(end);
    let height = TOP + LANE * (1 + lanes.len()) as f64 + 150.0;
    let mut out = String::with_capacity(1024 + records.len() * 96);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <style>.p{{fill:#3b6fd4}}.e{{fill:#f08c00}}.d{{fill:#2f9e44}}.df{{fill:#c92a2a}}\
         .c{{fill:#e03131;stroke:#000;stroke-width:1}}.f{{fill:none;stroke:#9c36b5;stroke-width:3}}\
         .r{{stroke:#000;stroke-width:2}}.lane{{fill:#f4f5f7}}.grid{{stroke:#ccc}}\
         .limit{{stroke:#e03131;stroke-width:1.5;stroke-dasharray:6 4}}</style>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
    );
    let title = match (report.start_took(), report.final_status()) {
        (None, _) => "SynchronizeInBackground did not return".to_owned(),
        (Some(_), Some(status)) => format!("Done {status}"),
        (Some(_), None) if report.started().is_failure() => {
            format!("SynchronizeInBackground failed with {}", report.started())
        }
        (Some(_), None) => "no Done".to_owned(),
    };
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{} in {}: {}</text>",
        count(records.len(), "call"),
        Span(since(report.moments.wait_ended).max(times.last().copied().unwrap_or_default())),
        escape(&title)
    );
    let bottom = TOP + LANE * (1 + lanes.len()) as f64;
    // The host's lane, then one per thread; the grid over them, the marks over the grid.
    lane(&mut out, 0, "host (SimulatedHost)");
    for (i, (_, name)) in lanes.iter().enumerate() {
        lane(&mut out, i + 1, name);
    }
    axis.draw(&mut out, bottom);
    host_marks(&mut out, report, &axis, since, timeout_at, bottom);
    // A mark closer than its width to the one before it in its lane steps up or down, so that
    // neither hides the other.
    let mut last: Vec<(f64, f64)> = vec![(f64::MIN, 0.0); lanes.len()];
    for (record, &at) in records.iter().zip(&times) {
        let row = lanes
            .iter()
            .position(|(t, _)| *t == record.thread)
            .unwrap_or(0);
        let x = axis.x(at);
        let (last_x, last_step) = last[row];
        let step = match (x - last_x < 8.0, last_step) {
            (false, _) => 0.0,
            (true, s) if s <= 0.0 => 9.0,
            (true, _) => -9.0,
        };
        last[row] = (x, step);
        mark(&mut out, record, x, mid(row + 1) + step);
    }
    legend(&mut out, bottom + 60.0);
    out.push_str("</svg>\n");
    out
}

/// Each call's time, in the order of the log (the order they arrived, so never earlier than the
/// call before): read from the clock where the call read it, else placed evenly between the
/// calls before and after it that did.
fn times(log: &CompactLog, since: impl Fn(Tick) -> Duration) -> Vec<Duration> {
    let read: Vec<Option<Duration>> = (0..log.len()).map(|i| log.tick(i).map(&since)).collect();
    let mut times = Vec::with_capacity(read.len());
    let mut before: Option<(usize, Duration)> = None;
    for (i, at) in read.iter().enumerate() {
        let at = match *at {
            Some(at) => at,
            None => {
                let after = read[i..]
                    .iter()
                    .enumerate()
                    .find_map(|(k, t)| t.map(|t| (i + k, t)));
                match (before, after) {
                    (Some((b, tb)), Some((a, ta))) if ta > tb => {
                        tb + (ta - tb).mul_f64((i - b) as f64 / (a - b) as f64)
                    }
                    (Some((_, tb)), _) => tb,
                    (None, Some((_, ta))) => ta,
                    (None, None) => Duration::ZERO,
                }
            }
        };
        let at = times.last().map_or(at, |&last: &Duration| last.max(at));
        if read[i].is_some() {
            before = Some((i, at));
        }
        times.push(at);
    }
    times
}

/// The threads in the order they first called, each with its label.
fn lanes(records: &[Record]) -> Vec<(ThreadId, String)> {
    let mut lanes: Vec<(ThreadId, String)> = Vec::new();
    for r in records {
        if lanes.iter().all(|(t, _)| *t != r.thread) {
            let name = match r.thread_name.as_deref() {
                // The thread the host calls SynchronizeInBackground on.
                Some("mapisync-host-start") => "in SynchronizeInBackground".to_owned(),
                Some(name) => format!("thread {name}"),
                None => format!("unnamed {:?}", r.thread),
            };
            lanes.push((r.thread, name));
        }
    }
    lanes
}

/// The middle of lane `row` (0: the host's).
fn mid(row: usize) -> f64 {
    TOP + LANE * row as f64 + LANE / 2.0
}

fn lane(out: &mut String, row: usize, label: &str) {
    let y = TOP + LANE * row as f64;
    let _ = writeln!(
        out,
        "<rect class=\"lane\" x=\"{LEFT}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        y + 3.0,
        WIDTH - LEFT - RIGHT,
        LANE - 6.0,
        LEFT - 8.0,
        mid(row) + 4.0,
        escape(label)
    );
}

/// The host's lane: the call to `SynchronizeInBackground`, the wait, the signal, the timeout.
fn host_marks(
    out: &mut String,
    report: &SyncReport,
    axis: &Axis,
    since: impl Fn(Instant) -> Duration,
    timeout_at: Option<Duration>,
    bottom: f64,
) {
    let y = mid(0);
    let moments = report.moments;
    let start_end = since(moments.returned.unwrap_or(moments.wait_ended));
    let (x0, x1) = (axis.x(Duration::ZERO), axis.x(start_end));
    let late = report
        .start_took()
        .map_or(true, |took| took > report.timeout());
    let what = match report.start_took() {
        Some(took) => format!(
            "SynchronizeInBackground returned {} after {}",
            report.started(),
            Span(took)
        ),
        None => format!(
            "SynchronizeInBackground did not return within {}",
            Span(report.waited())
        ),
    };
    let _ = writeln!(
        out,
        "<rect x=\"{x0:.1}\" y=\"{}\" width=\"{:.1}\" height=\"12\" fill=\"{}\"><title>{}</title>\
         </rect>",
        y - 6.0,
        (x1 - x0).max(2.0),
        if late { "#e03131" } else { "#868e96" },
        escape(&what)
    );
    if let Some(returned) = moments.returned.filter(|_| report.started().is_success()) {
        let (from, to) = (axis.x(since(returned)), axis.x(since(moments.wait_ended)));
        let _ = writeln!(
            out,
            "<line x1=\"{from:.1}\" y1=\"{y}\" x2=\"{to:.1}\" y2=\"{y}\" stroke=\"#868e96\" \
             stroke-dasharray=\"2 3\"><title>waiting for the done event ({})</title></line>",
            Span(report.waited())
        );
        if report.signalled() {
            let _ = writeln!(
                out,
                "<path d=\"M{to:.1} {} l6 10 h-12 z\" fill=\"#2f9e44\" stroke=\"#000\">\
                 <title>the done event signalled (seen {} after the return)</title></path>",
                y - 7.0,
                Span(report.waited())
            );
        }
    }
    let limit = match (timeout_at, report.start_took()) {
        (Some(at), _) => Some((at, format!("timeout ({})", Span(report.timeout())))),
        (None, None) => Some((since(moments.wait_ended), "start hung".to_owned())),
        _ => None,
    };
    if let Some((at, label)) = limit {
        let x = axis.x(at);
        let _ = writeln!(
            out,
            "<line class=\"limit\" x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{bottom}\"/>\
             <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"end\" fill=\"#e03131\">{}</text>",
            TOP - 2.0,
            TOP - 6.0,
            escape(&label)
        );
    }
}

/// One call's mark: its shape and colour by its answer (Cancel, another failure) or else by its
/// slot, with its line of the call log as its title.
fn mark(out: &mut String, record: &Record, x: f64, y: f64) {
    let title = escape(&record.to_string());
    let shape = if record.answer == HResult::MAPI_E_USER_CANCEL {
        format!(
            "<path class=\"c\" d=\"M{:.1} {:.1} h14 l-7 12 z\">",
            x - 7.0,
            y - 6.0
        )
    } else if record.answer.is_failure() {
        format!(
            "<path class=\"f\" d=\"M{:.1} {:.1} l10 10 m0 -10 l-10 10\">",
            x - 5.0,
            y - 5.0
        )
    } else {
        match &record.call {
            Call::Progress { .. } => {
                format!("<circle class=\"p\" cx=\"{x:.1}\" cy=\"{y}\" r=\"4\">")
            }
            Call::Error { .. } => {
                format!(
                    "<path class=\"e\" d=\"M{x:.1} {:.1} l6 6 l-6 6 l-6 -6 z\">",
                    y - 6.0
                )
            }
            Call::Done { hr, .. } => format!(
                "<rect class=\"{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\">",
                if hr.is_failure() { "df" } else { "d" },
                x - 5.0,
                y - 5.0
            ),
            Call::Refused { .. } => format!(
                "<path class=\"r\" d=\"M{:.1} {:.1} l10 10 m0 -10 l-10 10\">",
                x - 5.0,
                y - 5.0
            ),
        }
    };
    let close = match shape.as_bytes()[1] {
        b'c' => "</circle>",
        b'r' => "</rect>",
        _ => "</path>",
    };
    let _ = writeln!(out, "{shape}<title>{title}</title>{close}");
}

fn legend(out: &mut String, y: f64) {
    let entries: [(&str, &str); 12] = [
        ("<circle class=\"p\" cx=\"0\" cy=\"0\" r=\"4\"/>", "Progress"),
        ("<path class=\"e\" d=\"M0 -6 l6 6 l-6 6 l-6 -6 z\"/>", "Error"),
        ("<rect class=\"d\" x=\"-5\" y=\"-5\" width=\"10\" height=\"10\"/>", "Done (success)"),
        ("<rect class=\"df\" x=\"-5\" y=\"-5\" width=\"10\" height=\"10\"/>", "Done (failure)"),
        ("<path class=\"c\" d=\"M-7 -6 h14 l-7 12 z\"/>", "answered Cancel"),
        (
            "<path class=\"f\" d=\"M-5 -5 l10 10 m0 -10 l-10 10\"/>",
            "answered a failure",
        ),
        ("<path class=\"r\" d=\"M-5 -5 l10 10 m0 -10 l-10 10\"/>", "refused (text too long)"),
        ("<path d=\"M0 -7 l6 10 h-12 z\" fill=\"#2f9e44\" stroke=\"#000\"/>", "done event signalled"),
        ("<rect x=\"-8\" y=\"-6\" width=\"16\" height=\"12\" fill=\"#868e96\"/>", "SynchronizeInBackground"),
        ("<rect x=\"-8\" y=\"-6\" width=\"16\" height=\"12\" fill=\"#e03131\"/>", "... longer than the timeout"),
        ("<line x1=\"-8\" y1=\"0\" x2=\"8\" y2=\"0\" stroke=\"#868e96\" stroke-dasharray=\"2 3\"/>", "waiting for the event"),
        ("<line class=\"limit\" x1=\"0\" y1=\"-8\" x2=\"0\" y2=\"8\"/>", "timeout, or start hung"),
    ];
    for (i, (shape, label)) in entries.iter().enumerate() {
        let (x, y) = (
            LEFT + 10.0 + 185.0 * (i % 4) as f64,
            y + 22.0 * (i / 4) as f64,
        );
        let _ = writeln!(
            out,
            "<g transform=\"translate({x} {y})\">{shape}<text x=\"14\" y=\"4\">{label}</text></g>"
        );
    }
}

/// `text` with the characters XML gives a meaning escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
