//! The picture's times placed from the calls that read the clock.

use super::*;

#[test]
fn calls_that_did_not_read_the_clock_are_placed_between_those_that_did() {
    let mut log = CompactLog::with_capacity(64);
    let thread = log.thread(std::thread::current().id(), || None).unwrap();
    let began = Instant::now();
    for i in 0..40 {
        std::thread::sleep(Duration::from_millis(1));
        log.push_position(i, 40, thread, HResult::S_OK);
    }
    let read: Vec<bool> = (0..40).map(|i| log.tick(i).is_some()).collect();
    assert_eq!(read.iter().filter(|&&r| r).count(), 3, "{read:?}");
    let scale = Scale::between(log.began(), Anchor::now());
    let times = times(&log, |t| scale.instant(t).saturating_duration_since(began));
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    // Evenly between the 16th and the 32nd call, which read the clock.
    let (a, b) = (times[16], times[32]);
    assert!(b - a >= Duration::from_millis(16), "{times:?}");
    let mid = times[24];
    let half = a + (b - a) / 2;
    let off = if mid > half { mid - half } else { half - mid };
    assert!(off < Duration::from_micros(50), "{times:?}");
    // After the last call that read it: at its time.
    assert_eq!(times[39], times[32]);
}
