//! The two job list endpoints, `GET /OrchestratorJobs/ScheduledJobs` and `/JobHistory`, over the
//! jobs `model::jobs` keeps.
//!
//! Recorded wire shapes (docs/observed/README.md, divergences 1–4, and section 2 "GET
//! /OrchestratorJobs/JobHistory"): `Status`/`Result` as enum names, zone-less UTC times, job types
//! prefixed with the store type's short name (`PEMReenrollment`), and the JobHistory query field
//! `Agent` meaning the orchestrator (`AgentMachine`), with only the documented query fields accepted.

use axum::Json;
use serde_json::{json, Value};

use super::call::{Listing, Reading};
use crate::error::ApiResult;
use crate::listing::Prefix;
use crate::model::jobs::{offline_since, progress, Job, JobType, Progress, Schedule};
use crate::model::{iso, Timestamp};
use crate::query::{field, Field, FieldKind, Record, Value as FieldValue};
use crate::state::Sim;
use crate::WireShape;

/// `JobType` as a server names it: the store type's short name and the category without a space
/// (`WinCertInventory` on 10.3, docs/observed/README.md, divergence 2) when recorded, else the category.
pub fn job_type_name(store_type: &str, job_type: JobType, wire: WireShape) -> String {
    match wire {
        WireShape::Recorded => format!("{store_type}{}", job_type.as_str()),
        WireShape::Spec => job_type.as_str().to_owned(),
    }
}

/// Job times on the recorded 10.3 wire: UTC without a zone designator and whole seconds
/// (`"2023-05-06T00:27:00"`, docs/observed/README.md, divergence 4); ISO 8601 with `Z` per the spec.
fn job_time(time: Timestamp, wire: WireShape) -> String {
    match wire {
        WireShape::Recorded => time.format("%Y-%m-%dT%H:%M:%S").to_string(),
        WireShape::Spec => iso(time),
    }
}

/// `KeyfactorSchedule` as the job lists write it.
fn schedule_json(schedule: Schedule) -> Value {
    match schedule {
        Schedule::Immediate => json!({ "Immediate": true }),
        Schedule::ExactlyOnce(time) => json!({ "ExactlyOnce": { "Time": iso(time) } }),
        Schedule::IntervalMinutes(minutes) => json!({ "Interval": { "Minutes": minutes } }),
    }
}

/// A job with its progress, as the query language sees it.
struct JobView<'a> {
    job: &'a Job,
    progress: Progress,
    wire: WireShape,
    /// JobHistory (whose `Agent` is the orchestrator when recorded) rather than ScheduledJobs.
    history: bool,
}

impl Record for JobView<'_> {
    fn value(&self, field: &str) -> FieldValue {
        let job = self.job;
        let text = |s: &str| FieldValue::Text(s.to_owned());
        match field {
            "JobType" => FieldValue::Text(job_type_name(job.store_type, job.job_type, self.wire)),
            // The documented "Agent (ClientMachine)" is the orchestrator's ClientMachine, which real
            // rows carry as AgentMachine (docs/observed/README.md, divergence 3).
            "Agent" if self.history && self.wire == WireShape::Recorded => text(&job.agent_machine),
            "Agent" | "ClientMachine" => text(&job.client_machine),
            "AgentMachine" => text(&job.agent_machine),
            "AgentId" => text(&job.agent_id),
            "JobId" | "Id" => text(&job.id),
            "TargetPath" | "StorePath" | "Target" => text(&job.store_path),
            "ScheduleType" => text(job.schedule.kind()),
            "Requested" => FieldValue::Date(job.requested_at),
            "OperationStart" => self
                .progress
                .started()
                .map_or(FieldValue::Null, FieldValue::Date),
            "OperationEnd" => self
                .progress
                .ended()
                .map_or(FieldValue::Null, FieldValue::Date),
            "Status" => FieldValue::Int(self.progress.status()),
            "Result" => FieldValue::Int(self.progress.result()),
            "Message" => self.progress.message().map(str::to_owned).into(),
            "JobHistoryId" => FieldValue::Int(job.history_id),
            _ => FieldValue::Null,
        }
    }
}

const SCHEDULED_JOB_FIELDS: &[Field] = &[
    field("JobType", FieldKind::Text),
    field("Agent", FieldKind::Text),
    field("ClientMachine", FieldKind::Text),
    field("AgentId", FieldKind::Text),
    field("JobId", FieldKind::Text),
    field("Id", FieldKind::Text),
    field("Target", FieldKind::Text),
    field("TargetPath", FieldKind::Text),
    field("Requested", FieldKind::Date),
];

/// Spec mode: every column of the answer can be filtered on.
const JOB_HISTORY_FIELDS: &[Field] = &[
    field("JobType", FieldKind::Text),
    field("Agent", FieldKind::Text),
    field("AgentMachine", FieldKind::Text),
    field("ClientMachine", FieldKind::Text),
    field("AgentId", FieldKind::Text),
    field("JobId", FieldKind::Text),
    field("TargetPath", FieldKind::Text),
    field("StorePath", FieldKind::Text),
    field("OperationStart", FieldKind::Date),
    field("OperationEnd", FieldKind::Date),
    field("Status", FieldKind::Int),
    field("Result", FieldKind::Int),
    field("Message", FieldKind::Text),
    field("JobHistoryId", FieldKind::Int),
];

/// Recorded mode: only the documented query fields (docs/observed/README.md, section 2, "[D] Query
/// fields"); `Status` and `Result` compare by number, as documented, although rows carry names.
const JOB_HISTORY_FIELDS_RECORDED: &[Field] = &[
    field("AgentId", FieldKind::Text),
    field("Agent", FieldKind::Text),
    field("JobId", FieldKind::Text),
    field("Result", FieldKind::Int),
    field("Status", FieldKind::Int),
    field("JobType", FieldKind::Text),
    field("Message", FieldKind::Text),
    field("OperationStart", FieldKind::Date),
    field("ScheduleType", FieldKind::Text),
    field("TargetPath", FieldKind::Text),
];

/// The jobs of one list with their progress when the listing settled: those no orchestrator has
/// picked up yet (ScheduledJobs), or the started and finished ones (`history`, JobHistory).
fn job_views<'a>(sim: &Sim, listing: &'a Listing, history: bool) -> Vec<JobView<'a>> {
    let world = listing.world();
    let (now, step, wire) = (listing.context.now, sim.job_step(), sim.config.wire);
    world
        .jobs
        .iter()
        .map(|job| JobView {
            job,
            progress: progress(job, now, step, offline_since(world, job)),
            wire,
            history,
        })
        .filter(|view| (view.progress == Progress::Waiting) != history)
        .collect()
}

/// `GET /OrchestratorJobs/ScheduledJobs`: jobs no orchestrator has picked up yet.
pub async fn scheduled_jobs(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let wire = reading.sim.config.wire;
    let listing = reading.listing(Prefix::Paged)?;
    let records = job_views(&reading.sim, &listing, false);
    listing.respond(records, SCHEDULED_JOB_FIELDS, |view| {
        let job = view.job;
        json!({
            "Id": job.id,
            "ClientMachine": job.client_machine,
            "Target": job.store_path,
            "Schedule": schedule_json(job.schedule),
            "Requested": iso(job.requested_at),
            "JobType": job_type_name(job.store_type, job.job_type, wire),
        })
    })
}

/// `GET /OrchestratorJobs/JobHistory`: started and finished jobs (no store id, by design of the API).
pub async fn job_history(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let wire = reading.sim.config.wire;
    let listing = reading.listing(Prefix::Paged)?;
    let mut records = job_views(&reading.sim, &listing, true);
    records.sort_by_key(|view| view.job.history_id);
    let fields = match wire {
        WireShape::Recorded => JOB_HISTORY_FIELDS_RECORDED,
        WireShape::Spec => JOB_HISTORY_FIELDS,
    };
    listing.respond(records, fields, |view| {
        let job = view.job;
        let progress = &view.progress;
        let (result, status) = match wire {
            WireShape::Recorded => (json!(progress.result_name()), json!(progress.status_name())),
            WireShape::Spec => (json!(progress.result()), json!(progress.status())),
        };
        json!({
            "JobHistoryId": job.history_id,
            "AgentMachine": job.agent_machine,
            "JobId": job.id,
            "Schedule": schedule_json(job.schedule),
            "JobType": job_type_name(job.store_type, job.job_type, wire),
            "OperationStart": progress.started().map(|t| job_time(t, wire)),
            "OperationEnd": progress.ended().map(|t| job_time(t, wire)),
            // The 10.3 rows carry `""`, not null, when there is nothing to say.
            "Message": match wire {
                WireShape::Recorded => json!(progress.message().unwrap_or_default()),
                WireShape::Spec => json!(progress.message()),
            },
            "Result": result,
            "Status": status,
            "StorePath": job.store_path,
            "ClientMachine": job.client_machine,
        })
    })
}
