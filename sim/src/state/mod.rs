//! The simulator's mutable state behind one mutex (never held across an `.await`).

/// Injected faults, armed and counted down.
pub mod faults;
/// The API requests seen since the last reset.
pub mod request_log;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use chrono::{Duration, NaiveTime, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::auth::DemoUser;
use crate::model::{jobs, Timestamp, World};
use crate::{seed, SimConfig};
use faults::Fault;
use request_log::RequestLog;

/// Mixed into the seed for the run-time generator (passwords, new ids, session tokens), so it is
/// reproducible after a reset yet independent of the seed-data stream.
const RUNTIME_STREAM: u64 = 0x005E_ED0F_C0DE;

pub struct Sim {
    pub config: SimConfig,
    state: Mutex<SimState>,
    /// The world as seeded, by anchor day: a reset (before every e2e test) clones it instead of
    /// signing every certificate again.
    pristine: Mutex<Option<World>>,
    /// Answers so far, numbering the `X-Keyfactor-Correlation-Id`s (kept out of the seeded generator).
    answers: AtomicU64,
}

pub struct SimState {
    pub world: World,
    pub faults: Vec<Fault>,
    pub requests: RequestLog,
    /// SSO session token → signed-in user.
    pub sessions: HashMap<String, &'static DemoUser>,
    /// Added to real time by `POST /__sim/jobs/advance`; job progress is read on this clock.
    pub clock_offset: Duration,
    pub rng: ChaCha8Rng,
}

impl SimState {
    fn seeded(config: &SimConfig, pristine: &Mutex<Option<World>>) -> Self {
        let anchor = Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc();
        let mut pristine = pristine
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let world = match &*pristine {
            Some(world) if world.anchor == anchor => world.clone(),
            _ => pristine.insert(seed::generate(config.seed, anchor)).clone(),
        };
        SimState {
            world,
            faults: Vec::new(),
            requests: RequestLog::default(),
            sessions: HashMap::new(),
            clock_offset: Duration::zero(),
            rng: ChaCha8Rng::seed_from_u64(config.seed ^ RUNTIME_STREAM),
        }
    }

    /// The simulator's clock: real time plus the advanced offset.
    pub fn now(&self) -> Timestamp {
        Utc::now() + self.clock_offset
    }
}

impl Sim {
    pub fn new(config: SimConfig) -> Self {
        let pristine = Mutex::new(None);
        let state = Mutex::new(SimState::seeded(&config, &pristine));
        Sim {
            config,
            state,
            pristine,
            answers: AtomicU64::new(0),
        }
    }

    /// A fresh GUID for `X-Keyfactor-Correlation-Id`, reproducible per seed and answer number.
    pub fn correlation_id(&self) -> String {
        let number = self.answers.fetch_add(1, Ordering::Relaxed);
        crate::ids::uuid_of(&format!("correlation {} {number}", self.config.seed))
    }

    /// The raw state (faults, request log, sessions).
    pub fn state(&self) -> MutexGuard<'_, SimState> {
        // A panic while holding the lock cannot leave the plain data inconsistent enough to matter
        // for a simulator; keep serving.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The state with job effects (installs, reenrolled certificates) applied up to now, for the API.
    pub fn settled(&self) -> MutexGuard<'_, SimState> {
        let mut state = self.state();
        let now = state.now();
        let SimState { world, rng, .. } = &mut *state;
        jobs::settle(world, rng, now, self.job_step());
        state
    }

    pub fn job_step(&self) -> Duration {
        Duration::from_std(self.config.job_phase).unwrap_or(Duration::zero())
    }

    /// Everything back to the seed: data, jobs, faults, request log, sessions, clock.
    pub fn reset(&self) {
        *self.state() = SimState::seeded(&self.config, &self.pristine);
    }
}
