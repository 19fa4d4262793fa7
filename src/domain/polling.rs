//! How often a job is polled: an exponential backoff that starts short (the first phase of an
//! orchestrator job is seconds long), doubles, and stops growing at a cap, so a slow job costs few requests.

/// Delays between polls: `initial_ms`, then doubling per poll, never above `max_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollSchedule {
    initial_ms: u32,
    max_ms: u32,
}

impl PollSchedule {
    pub const DEFAULT_INITIAL_MS: u32 = 2_000;
    pub const DEFAULT_MAX_MS: u32 = 30_000;

    /// A zero initial delay becomes 1 ms and a cap below the initial delay becomes the initial delay,
    /// so the schedule always moves forward and never shrinks.
    pub fn new(initial_ms: u32, max_ms: u32) -> Self {
        let initial_ms = initial_ms.max(1);
        Self {
            initial_ms,
            max_ms: max_ms.max(initial_ms),
        }
    }

    /// The wait before poll number `attempt` (0-based) since the schedule last restarted.
    pub fn delay_ms(&self, attempt: u32) -> u32 {
        let doubled = u64::from(self.initial_ms)
            .checked_shl(attempt.min(32))
            .unwrap_or(u64::MAX);
        u32::try_from(doubled.min(u64::from(self.max_ms))).unwrap_or(self.max_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_at_the_initial_value_double_and_stop_at_the_cap() {
        let schedule = PollSchedule::new(2_000, 30_000);
        let delays: Vec<u32> = (0..7).map(|attempt| schedule.delay_ms(attempt)).collect();
        assert_eq!(
            delays,
            [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
    }

    #[test]
    fn huge_attempt_numbers_stay_at_the_cap() {
        let schedule = PollSchedule::new(2_000, 30_000);
        assert_eq!(schedule.delay_ms(40), 30_000);
        assert_eq!(schedule.delay_ms(u32::MAX), 30_000);
    }

    #[test]
    fn degenerate_settings_are_made_usable() {
        assert_eq!(PollSchedule::new(0, 0).delay_ms(0), 1);
        let capped_below_start = PollSchedule::new(5_000, 1_000);
        assert_eq!(capped_below_start.delay_ms(0), 5_000);
        assert_eq!(capped_below_start.delay_ms(3), 5_000);
    }

    #[test]
    fn defaults_are_two_seconds_capped_at_thirty() {
        let schedule = PollSchedule::new(
            PollSchedule::DEFAULT_INITIAL_MS,
            PollSchedule::DEFAULT_MAX_MS,
        );
        assert_eq!(schedule.delay_ms(0), 2_000);
        assert_eq!(schedule.delay_ms(10), 30_000);
    }
}
