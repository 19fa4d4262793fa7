//! Orchestrator jobs as Command keeps them: scheduling, their lazily computed progress, and what a
//! finished job changes in the inventory.
//!
//! A job waits one phase (listed in ScheduledJobs), runs one phase (JobHistory, Status 2, no
//! OperationEnd), then completes (Status 3) with a result chosen by its store path:
//! `readonly` → Failure, `legacy` → Warning, `flaky` → CompletedWillRetry (Status 5) once, then
//! success; anything else → Success. Jobs due after an offline agent's last check-in never start.

use chrono::Duration;
use rand::Rng;

use super::{subject_for, CertificateSpec, KeyAlgorithm, Location, Store, Timestamp, World};
use crate::ids;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobType {
    Inventory,
    Management,
    Reenrollment,
}

impl JobType {
    /// The generic category (`CertStoreJobType`), which is all the spec-literal `JobType` says.
    pub fn as_str(self) -> &'static str {
        match self {
            JobType::Inventory => "Inventory",
            JobType::Management => "Management",
            JobType::Reenrollment => "Reenrollment",
        }
    }
}

/// `KeyfactorSchedule`, only the variants the simulator creates.
#[derive(Clone, Copy, Debug)]
pub enum Schedule {
    Immediate,
    ExactlyOnce(Timestamp),
    IntervalMinutes(i32),
}

impl Schedule {
    /// The `ScheduleType` JobHistory can be filtered on.
    pub fn kind(self) -> &'static str {
        match self {
            Schedule::Immediate => "Immediate",
            Schedule::ExactlyOnce(_) => "ExactlyOnce",
            Schedule::IntervalMinutes(_) => "Interval",
        }
    }
}

/// What a successful job changes in Command's inventory.
#[derive(Clone, Debug)]
pub enum Effect {
    None,
    /// Management: the certificate now sits in the store under `alias`; `replaces` leaves it.
    Install {
        certificate_id: i32,
        alias: String,
        replaces: Option<i32>,
    },
    /// Reenrollment: the orchestrator made a key, Command issued a certificate into the store.
    Reenroll {
        subject: String,
        alias: String,
        ca_id: i32,
        template_id: i32,
        requester: String,
    },
}

#[derive(Clone, Debug)]
pub struct Job {
    pub id: String,
    pub history_id: i64,
    pub job_type: JobType,
    /// The short name of the store's type, which prefixes the job type's name.
    pub store_type: &'static str,
    pub store_id: String,
    pub client_machine: String,
    pub store_path: String,
    pub agent_id: String,
    pub agent_machine: String,
    pub requested_at: Timestamp,
    /// When the job becomes eligible to run (`JobTime`, else the request time).
    pub due_at: Timestamp,
    pub schedule: Schedule,
    pub effect: Effect,
    /// The effect (if any) has been applied to the world.
    pub settled: bool,
}

/// How a finished attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Warning(String),
    Failure(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    Waiting,
    Running {
        started: Timestamp,
    },
    WillRetry {
        started: Timestamp,
        ended: Timestamp,
        message: String,
    },
    Completed {
        started: Timestamp,
        ended: Timestamp,
        outcome: Outcome,
    },
}

impl Progress {
    /// `OrchestratorJobStatusJobStatus`: 1 Waiting, 2 InProcess, 3 Completed, 5 CompletedWillRetry.
    pub fn status(&self) -> i64 {
        match self {
            Progress::Waiting => 1,
            Progress::Running { .. } => 2,
            Progress::Completed { .. } => 3,
            Progress::WillRetry { .. } => 5,
        }
    }

    /// `Status` as the recorded 10.3 server names it (docs/observed/README.md, divergence 1).
    pub fn status_name(&self) -> &'static str {
        match self.status() {
            1 => "Waiting",
            2 => "InProcess",
            3 => "Completed",
            4 => "Acknowledged",
            5 => "CompletedWillRetry",
            _ => "Unknown",
        }
    }

    /// `Result` by name (docs/observed/README.md, divergence 1).
    pub fn result_name(&self) -> &'static str {
        match self.result() {
            2 => "Success",
            3 => "Warning",
            4 => "Failure",
            _ => "Unknown",
        }
    }

    /// `OrchestratorJobStatusJobResult`: 0 Unknown, 2 Success, 3 Warning, 4 Failure.
    pub fn result(&self) -> i64 {
        match self {
            Progress::Waiting | Progress::Running { .. } => 0,
            Progress::WillRetry { .. } => 4,
            Progress::Completed { outcome, .. } => match outcome {
                Outcome::Success => 2,
                Outcome::Warning(_) => 3,
                Outcome::Failure(_) => 4,
            },
        }
    }

    pub fn started(&self) -> Option<Timestamp> {
        match self {
            Progress::Waiting => None,
            Progress::Running { started }
            | Progress::WillRetry { started, .. }
            | Progress::Completed { started, .. } => Some(*started),
        }
    }

    pub fn ended(&self) -> Option<Timestamp> {
        match self {
            Progress::WillRetry { ended, .. } | Progress::Completed { ended, .. } => Some(*ended),
            Progress::Waiting | Progress::Running { .. } => None,
        }
    }

    pub fn message(&self) -> Option<&str> {
        match self {
            Progress::WillRetry { message, .. } => Some(message),
            Progress::Completed {
                outcome: Outcome::Warning(message) | Outcome::Failure(message),
                ..
            } => Some(message),
            _ => None,
        }
    }
}

/// The deterministic result of a job on this store (inventory always succeeds).
fn final_outcome(job: &Job) -> Outcome {
    let path = job.store_path.to_ascii_lowercase();
    if job.job_type == JobType::Inventory {
        Outcome::Success
    } else if path.contains("readonly") {
        Outcome::Failure(format!(
            "Unable to write '{}' on {}: Read-only file system (os error 30). The certificate store was not changed.",
            job.store_path, job.client_machine
        ))
    } else if path.contains("legacy") {
        Outcome::Warning(
            "The certificate was added, but the chain was not: this store format cannot hold intermediate certificates."
                .to_owned(),
        )
    } else {
        Outcome::Success
    }
}

fn retries_once(job: &Job) -> bool {
    job.job_type != JobType::Inventory && job.store_path.to_ascii_lowercase().contains("flaky")
}

/// Where `job` stands at `now`, with phases of length `step`.
pub fn progress(
    job: &Job,
    now: Timestamp,
    step: Duration,
    offline_since: Option<Timestamp>,
) -> Progress {
    if offline_since.is_some_and(|since| job.due_at >= since) || now < job.due_at {
        return Progress::Waiting;
    }
    let step_ms = step.num_milliseconds();
    let slot = if step_ms <= 0 {
        i64::MAX
    } else {
        (now - job.due_at).num_milliseconds() / step_ms
    };
    let at = |phases: i32| job.due_at + step * phases;
    let started = at(1);
    let retries = retries_once(job);
    match slot {
        0 => Progress::Waiting,
        1 => Progress::Running { started },
        3 if retries => Progress::Running { started },
        2 if retries => Progress::WillRetry {
            started,
            ended: at(2),
            message: format!(
                "Could not connect to {}: the operation timed out. The job will be retried.",
                job.client_machine
            ),
        },
        _ => Progress::Completed {
            started,
            ended: at(if retries { 4 } else { 2 }),
            outcome: final_outcome(job),
        },
    }
}

/// When the job's orchestrator stopped checking in, if it did.
pub fn offline_since(world: &World, job: &Job) -> Option<Timestamp> {
    world
        .agent(&job.agent_id)
        .and_then(|agent| agent.offline_since)
}

/// Files a job on `store` for the store's orchestrator, numbered next in JobHistory and due when
/// `schedule` says (immediate and interval jobs: when requested); `None` if the store has none.
pub fn add<'w>(
    world: &'w mut World,
    rng: &mut impl Rng,
    store: &Store,
    job_type: JobType,
    requested_at: Timestamp,
    schedule: Schedule,
    effect: Effect,
) -> Option<&'w mut Job> {
    let agent = world.agent(store.agent_id.as_deref()?)?;
    let due_at = match schedule {
        Schedule::ExactlyOnce(time) => time,
        Schedule::Immediate | Schedule::IntervalMinutes(_) => requested_at,
    };
    let job = Job {
        id: ids::uuid(rng),
        history_id: world.next_job_history_id,
        job_type,
        store_type: world.store_type(store.type_id).map_or("", |t| t.short_name),
        store_id: store.id.clone(),
        client_machine: store.client_machine.clone(),
        store_path: store.path.clone(),
        agent_id: agent.id.clone(),
        agent_machine: agent.client_machine.clone(),
        requested_at,
        due_at,
        schedule,
        effect,
        settled: false,
    };
    world.next_job_history_id += 1;
    world.jobs.push(job);
    world.jobs.last_mut()
}

/// Schedules a job on `store` (which must have an agent) for `job_time` if that is still to come,
/// else at once, and returns its id.
pub fn schedule(
    world: &mut World,
    rng: &mut impl Rng,
    store: &Store,
    job_type: JobType,
    effect: Effect,
    requested_at: Timestamp,
    job_time: Option<Timestamp>,
) -> Option<String> {
    let schedule = job_time
        .filter(|t| *t > requested_at)
        .map_or(Schedule::Immediate, Schedule::ExactlyOnce);
    let job = add(world, rng, store, job_type, requested_at, schedule, effect)?;
    Some(job.id.clone())
}

/// Applies the effects of jobs that have completed successfully (or with a warning) by `now`.
pub fn settle(world: &mut World, rng: &mut impl Rng, now: Timestamp, step: Duration) {
    let finished: Vec<(usize, bool)> = world
        .jobs
        .iter()
        .enumerate()
        .filter(|(_, job)| !job.settled)
        .filter_map(
            |(index, job)| match progress(job, now, step, offline_since(world, job)) {
                Progress::Completed { outcome, .. } => {
                    Some((index, !matches!(outcome, Outcome::Failure(_))))
                }
                _ => None,
            },
        )
        .collect();
    for (index, succeeded) in finished {
        world.jobs[index].settled = true;
        if succeeded {
            let job = world.jobs[index].clone();
            apply(world, rng, &job, now);
        }
    }
}

fn apply(world: &mut World, rng: &mut impl Rng, job: &Job, now: Timestamp) {
    match &job.effect {
        Effect::None => {}
        Effect::Install {
            certificate_id,
            alias,
            replaces,
        } => {
            let location = Location {
                store_id: job.store_id.clone(),
                alias: alias.clone(),
            };
            let place = format!("{}: {} (alias {alias})", job.client_machine, job.store_path);
            let removed: Vec<i32> = world
                .certificates
                .iter()
                .filter(|c| {
                    c.id != *certificate_id
                        && c.locations.iter().any(|l| {
                            l.store_id == job.store_id
                                && (Some(c.id) == *replaces || l.alias == *alias)
                        })
                })
                .map(|c| c.id)
                .collect();
            world.record(
                *certificate_id,
                now,
                job.agent_machine.clone(),
                "Added to Certificate Store",
                place.clone(),
            );
            for id in removed {
                world.record(
                    id,
                    now,
                    job.agent_machine.clone(),
                    "Removed from Certificate Store",
                    place.clone(),
                );
            }
            for certificate in &mut world.certificates {
                if certificate.id == *certificate_id {
                    if !certificate.locations.contains(&location) {
                        certificate.locations.push(location.clone());
                    }
                } else {
                    // Overwrite: the replaced certificate, and whatever held the alias, leave the store.
                    let replaced = Some(certificate.id) == *replaces;
                    certificate
                        .locations
                        .retain(|l| l.store_id != job.store_id || (!replaced && l.alias != *alias));
                }
            }
        }
        Effect::Reenroll {
            subject,
            alias,
            ca_id,
            template_id,
            requester,
        } => {
            for certificate in &mut world.certificates {
                certificate
                    .locations
                    .retain(|l| !(l.store_id == job.store_id && l.alias == *alias));
            }
            let mut spec = reenrolled_spec(world, subject, *ca_id, *template_id, requester, now);
            spec.locations.push(Location {
                store_id: job.store_id.clone(),
                alias: alias.clone(),
            });
            world.add_certificate(rng, spec);
        }
    }
}

/// The certificate a reenrollment job produces (the key stays on the device).
fn reenrolled_spec(
    world: &World,
    subject: &str,
    ca_id: i32,
    template_id: i32,
    requester: &str,
    now: Timestamp,
) -> CertificateSpec {
    let common_name = subject
        .split(',')
        .filter_map(|part| part.trim().split_once('='))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case("CN"))
        .map_or_else(|| subject.to_owned(), |(_, value)| value.trim().to_owned());
    let validity = world.template(template_id).map_or(365, |t| t.validity_days);
    let template_key = world
        .template(template_id)
        .filter(|t| t.key_type == "ECC")
        .map_or(KeyAlgorithm::Rsa(2048), |_| KeyAlgorithm::EcdsaP256);
    CertificateSpec {
        subject_dn: if subject.trim().is_empty() {
            subject_for(&common_name)
        } else {
            subject.trim().to_owned()
        },
        dns_names: vec![common_name.clone()],
        common_name,
        ca_id,
        template_id,
        requester: requester.to_owned(),
        not_before: now,
        not_after: now + Duration::days(validity),
        key: template_key,
        archived_key: false,
        has_private_key: false,
        metadata: Default::default(),
        locations: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(path: &str) -> Job {
        let due: Timestamp = "2025-06-01T10:00:00Z".parse().expect("valid date");
        Job {
            id: "j".into(),
            history_id: 1,
            job_type: JobType::Management,
            store_type: "PEM",
            store_id: "s".into(),
            client_machine: "host".into(),
            store_path: path.into(),
            agent_id: "a".into(),
            agent_machine: "agent".into(),
            requested_at: due,
            due_at: due,
            schedule: Schedule::Immediate,
            effect: Effect::None,
            settled: false,
        }
    }

    fn at(job: &Job, seconds: i64) -> Progress {
        progress(
            job,
            job.due_at + Duration::seconds(seconds),
            Duration::seconds(2),
            None,
        )
    }

    #[test]
    fn jobs_wait_then_run_then_complete_with_the_store_outcome() {
        let ok = job("/etc/ssl/web.pem");
        assert_eq!(at(&ok, 1), Progress::Waiting);
        assert!(matches!(at(&ok, 3), Progress::Running { .. }));
        assert!(matches!(
            at(&ok, 5),
            Progress::Completed {
                outcome: Outcome::Success,
                ..
            }
        ));
        assert!(matches!(
            at(&job("/opt/readonly/x.pem"), 5),
            Progress::Completed {
                outcome: Outcome::Failure(_),
                ..
            }
        ));
        assert!(matches!(
            at(&job("/etc/legacy/x.pem"), 5),
            Progress::Completed {
                outcome: Outcome::Warning(_),
                ..
            }
        ));
    }

    #[test]
    fn flaky_stores_retry_once_then_succeed() {
        let flaky = job("/srv/flaky/x.pem");
        assert!(matches!(at(&flaky, 5), Progress::WillRetry { .. }));
        assert!(matches!(at(&flaky, 7), Progress::Running { .. }));
        assert!(matches!(
            at(&flaky, 9),
            Progress::Completed {
                outcome: Outcome::Success,
                ..
            }
        ));
    }

    #[test]
    fn offline_agents_never_start_jobs_due_after_their_last_check_in() {
        let stuck = job("/etc/ssl/web.pem");
        let since = stuck.due_at - Duration::days(1);
        let later = stuck.due_at + Duration::days(30);
        assert_eq!(
            progress(&stuck, later, Duration::seconds(2), Some(since)),
            Progress::Waiting
        );
    }
}
