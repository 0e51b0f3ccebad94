//! The picture's time axis: the x of a time, and the axis drawn with its ticks.

use std::fmt::Write;
use std::time::Duration;

use super::{LEFT, RIGHT, TOP, WIDTH};

/// The time axis: from the host's call to `SynchronizeInBackground` to the end of the run.
pub(super) struct Axis {
    end: Duration,
}

impl Axis {
    pub(super) fn new(end: Duration) -> Axis {
        Axis {
            end: end.mul_f64(1.03),
        }
    }

    /// The x of `at`.
    pub(super) fn x(&self, at: Duration) -> f64 {
        LEFT + (WIDTH - LEFT - RIGHT) * at.as_secs_f64() / self.end.as_secs_f64()
    }

    /// The axis under the lanes, with a grid line at each tick and the times in their unit.
    pub(super) fn draw(&self, out: &mut String, bottom: f64) {
        let end = self.end.as_secs_f64();
        let (unit, per) = match end {
            e if e < 1e-3 => ("µs", 1e-6),
            e if e < 1.0 => ("ms", 1e-3),
            _ => ("s", 1.0),
        };
        let rough = end / per / 8.0;
        let magnitude = 10f64.powf(rough.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|&s| s >= rough)
            .unwrap_or(10.0 * magnitude);
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#000\"/>",
            WIDTH - RIGHT
        );
        let mut k = 0.0;
        while k * step * per <= end {
            let value = k * step;
            let x = self.x(Duration::from_secs_f64(value * per));
            let digits = if step < 1.0 { 1 } else { 0 };
            let _ = writeln!(
                out,
                "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{}\"/>\
                 <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{value:.digits$} {unit}</text>",
                bottom + 5.0,
                bottom + 19.0
            );
            k += 1.0;
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">time since the host called \
             SynchronizeInBackground</text>",
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
            bottom + 36.0
        );
    }
}
