//! Bulk renewal from the "Expiring soon" list: the plan for the selected certificates (how each would be
//! renewed, which stores Replace would touch) and the run's state machine: a few rows at a time, stop,
//! resume, retry, and one row's failure never stopping the others; when asked, each superseded certificate
//! is revoked once its installation jobs succeeded (`domain::revocation` decides when). Pure; the page
//! wires it to the client.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::domain::command_version::CommandVersion;
use crate::domain::enrollment_choices::EnrollmentChoices;
use crate::domain::models::{
    Certificate, CertificateRef, Disposition, EnrollmentManagementResponse, RenewalRequest,
    RenewalResponse,
};
use crate::domain::renewal::{
    installed_locations, parse_authority, parse_profile, renewal_request, InstalledLocation,
    RenewalPlan, SeededChoice,
};
use crate::domain::revocation::{Installation, Retired};
use crate::domain::{RequestTimestamp, SecretString};

/// Rows renewing or replacing at once: gentle on the CA and the API, still quicker than one by one.
pub const BULK_AT_ONCE: usize = 2;
/// Most certificates one run takes.
pub const BULK_MAX: usize = 50;

/// How one selected certificate would be renewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowRenewal {
    OneClick,
    /// Seeded with the certificate's own template (or its enrollment pattern) and CA.
    Seeded(SeededChoice),
    /// Seeded, but the certificate's template or CA is not among those the user may enroll with: the
    /// choice is the user's to make, on the certificate's own page.
    NeedsChoice,
    NotRenewable {
        reason: String,
    },
}

impl RowRenewal {
    pub fn of(
        plan: &RenewalPlan,
        certificate: &Certificate,
        choices: &EnrollmentChoices,
        version: CommandVersion,
    ) -> Self {
        match plan {
            RenewalPlan::OneClick => Self::OneClick,
            RenewalPlan::NotRenewable { reason } => Self::NotRenewable {
                reason: reason.clone(),
            },
            RenewalPlan::Seeded => {
                same_choice(certificate, choices, version).map_or(Self::NeedsChoice, Self::Seeded)
            }
        }
    }

    /// The row with the user's one choice for the batch applied: only a row that needs a choice takes it.
    pub fn with_choice(&self, choice: Option<&SeededChoice>) -> Self {
        match (self, choice) {
            (Self::NeedsChoice, Some(choice)) => Self::Seeded(choice.clone()),
            _ => self.clone(),
        }
    }

    /// Whether the run renews this row.
    pub fn included(&self) -> bool {
        matches!(self, Self::OneClick | Self::Seeded(_))
    }

    /// The `POST /Enrollment/Renew` body stamped `timestamp`; `None` for a row the run leaves out.
    pub fn request(
        &self,
        certificate_id: i32,
        timestamp: RequestTimestamp,
    ) -> Option<RenewalRequest> {
        let (plan, choice) = match self {
            Self::OneClick => (RenewalPlan::OneClick, None),
            Self::Seeded(choice) => (RenewalPlan::Seeded, Some(choice.clone())),
            Self::NeedsChoice | Self::NotRenewable { .. } => return None,
        };
        renewal_request(CertificateRef::Id(certificate_id), &plan, choice, timestamp).ok()
    }
}

/// The certificate's own template and CA, when the user may enroll with that pair.
fn same_choice(
    certificate: &Certificate,
    choices: &EnrollmentChoices,
    version: CommandVersion,
) -> Option<SeededChoice> {
    let (profile, authority) = choices.same_as(
        certificate.template_name.as_deref()?,
        certificate.certificate_authority_name.as_deref()?,
    )?;
    Some(SeededChoice {
        certificate_authority: parse_authority(&authority).ok()?,
        profile: parse_profile(version, &profile).ok()?,
    })
}

/// One selected certificate and what the run would do with it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRow {
    pub certificate: Certificate,
    pub renewal: RowRenewal,
    /// The stores Replace would touch (every store holding the certificate).
    pub stores: Vec<InstalledLocation>,
}

impl PlannedRow {
    pub fn name(&self) -> String {
        crate::domain::display::certificate_name(&self.certificate)
    }
}

/// The plan for `certificates`, in their order. `plans` holds each one's `AvailableRenewal` reading; a
/// certificate without one is left out, as is a seeded one whose template and CA the user may not use.
pub fn plan_rows(
    certificates: &[Certificate],
    plans: &BTreeMap<i32, RenewalPlan>,
    choices: &EnrollmentChoices,
    version: CommandVersion,
) -> Vec<PlannedRow> {
    certificates
        .iter()
        .map(|certificate| {
            let renewal = match plans.get(&certificate.id) {
                Some(plan) => RowRenewal::of(plan, certificate, choices, version),
                None => RowRenewal::NotRenewable {
                    reason: "Keyfactor did not say which renewal it offers for this certificate."
                        .to_owned(),
                },
            };
            PlannedRow {
                stores: installed_locations(&certificate.locations, &[], &[]),
                certificate: certificate.clone(),
                renewal,
            }
        })
        .collect()
}

/// Keyfactor's facts about a certificate the run renewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renewed {
    pub certificate_id: i32,
    pub request_id: Option<i32>,
    pub thumbprint: Option<String>,
}

/// What came of one row's `POST /Enrollment/Renew`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenewalAnswer {
    Issued(Renewed),
    Pending {
        request_id: Option<i32>,
        message: String,
    },
    Denied {
        message: String,
    },
    /// The CA failed the request, or the request failed; `unconfirmed_since` is set when it may still
    /// have reached Command, so a retry first looks for its certificate.
    Failed {
        message: String,
        unconfirmed_since: Option<DateTime<Utc>>,
    },
    /// A retry found the certificate an earlier attempt had issued; its password never arrived.
    AlreadyRenewed {
        certificate_id: i32,
    },
}

impl RenewalAnswer {
    /// Reads Keyfactor's answer; the password stays with the caller.
    pub fn from_response(response: &RenewalResponse) -> Self {
        let message = response.disposition_message.clone().unwrap_or_default();
        match &response.request_disposition {
            Some(Disposition::Issued) => match response.keyfactor_id.filter(|id| *id > 0) {
                Some(certificate_id) => Self::Issued(Renewed {
                    certificate_id,
                    request_id: response.keyfactor_request_id,
                    thumbprint: response.thumbprint.clone(),
                }),
                None => Self::Failed {
                    message:
                        "Keyfactor reported the certificate issued but gave no certificate ID."
                            .to_owned(),
                    unconfirmed_since: None,
                },
            },
            Some(Disposition::Pending) => Self::Pending {
                request_id: response.keyfactor_request_id,
                message,
            },
            Some(Disposition::Denied) => Self::Denied { message },
            Some(Disposition::Failed) => Self::Failed {
                message,
                unconfirmed_since: None,
            },
            Some(Disposition::Other(other)) => Self::Failed {
                message: format!("Keyfactor reported \"{other}\". {message}")
                    .trim()
                    .to_owned(),
                unconfirmed_since: None,
            },
            None => Self::Failed {
                message: "Keyfactor's answer had no disposition.".to_owned(),
                unconfirmed_since: None,
            },
        }
    }
}

/// Where a row of the run is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowState {
    Queued,
    Renewing,
    /// The run was stopped before this row began; nothing was sent for it.
    NotStarted,
    /// The renewal ended without a certificate to install: pending, denied, failed or already renewed
    /// (an issued one moves on to the states below).
    Ended(RenewalAnswer),
    /// Issued, and either in no store or the user did not ask for Replace.
    Issued(Renewed),
    ReplaceQueued(Renewed),
    Replacing(Renewed),
    /// Issued; the run was stopped before its Replace was sent.
    ReplaceNotStarted(Renewed),
    ReplaceFailed {
        renewed: Renewed,
        message: String,
    },
    Replaced {
        renewed: Renewed,
        scheduled: Vec<String>,
        failed: Vec<String>,
        submitted_at: DateTime<Utc>,
    },
}

impl RowState {
    /// The new certificate, once there is one.
    pub fn renewed(&self) -> Option<&Renewed> {
        match self {
            Self::Issued(renewed)
            | Self::ReplaceQueued(renewed)
            | Self::Replacing(renewed)
            | Self::ReplaceNotStarted(renewed)
            | Self::ReplaceFailed { renewed, .. }
            | Self::Replaced { renewed, .. } => Some(renewed),
            _ => None,
        }
    }

    fn is_active(&self) -> bool {
        matches!(self, Self::Renewing | Self::Replacing(_))
    }

    fn is_waiting(&self) -> bool {
        matches!(self, Self::Queued | Self::ReplaceQueued(_))
    }

    /// What the row's status cell says.
    pub fn label(&self) -> String {
        match self {
            Self::Queued => "Queued".to_owned(),
            Self::Renewing => "Renewing…".to_owned(),
            Self::NotStarted => "Not started (the run was stopped)".to_owned(),
            Self::Ended(RenewalAnswer::Pending { .. }) => "Pending approval".to_owned(),
            Self::Ended(RenewalAnswer::Denied { .. }) => "Denied".to_owned(),
            Self::Ended(RenewalAnswer::Failed { .. }) => "Failed".to_owned(),
            Self::Ended(RenewalAnswer::AlreadyRenewed { certificate_id }) => {
                format!("Already renewed (certificate {certificate_id})")
            }
            Self::Issued(_) | Self::Ended(RenewalAnswer::Issued(_)) => "Issued".to_owned(),
            Self::ReplaceQueued(_) => "Issued, Replace queued".to_owned(),
            Self::Replacing(_) => "Issued, replacing…".to_owned(),
            Self::ReplaceNotStarted(_) => "Issued, not replaced (the run was stopped)".to_owned(),
            Self::ReplaceFailed { .. } => "Issued, Replace failed".to_owned(),
            Self::Replaced {
                scheduled, failed, ..
            } => match (scheduled.is_empty(), failed.is_empty()) {
                (true, _) => "Issued, Replace failed in every store".to_owned(),
                (false, true) => "Issued, Replace scheduled".to_owned(),
                (false, false) => "Issued, Replace scheduled in some stores".to_owned(),
            },
        }
    }

    /// Keyfactor's or the portal's explanation, where there is one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Ended(
                RenewalAnswer::Pending { message, .. }
                | RenewalAnswer::Denied { message }
                | RenewalAnswer::Failed { message, .. },
            )
            | Self::ReplaceFailed { message, .. } => {
                Some(message.as_str()).filter(|m| !m.is_empty())
            }
            Self::Ended(RenewalAnswer::AlreadyRenewed { .. }) => Some(
                "An earlier attempt, whose answer was lost, had issued it; its PFX password never reached this page.",
            ),
            _ => None,
        }
    }
}

/// What the user asked the run to do with each issued certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AfterRenewal {
    /// Replace the old certificate in the stores that hold it.
    pub replace: bool,
    /// Then revoke the old certificate once every installation job succeeded.
    pub retire: bool,
}

/// Where retiring a row's superseded certificate stands (the run's option "revoke each superseded
/// certificate once its installation jobs succeed").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retirement {
    /// The user did not ask for it.
    Off,
    /// Asked for: waits for the row's installation jobs to end.
    AwaitingJobs,
    Queued,
    Revoking,
    /// The run was stopped before it was sent.
    NotStarted,
    /// Keyfactor's answer, or what reading the certificate again found (a store holding it, a revocation
    /// already in place).
    Ended(Retired),
    /// Not sent, and why (a failed installation job, no job at all).
    NotRevoked(String),
    /// The request failed; `maybe_sent` when it may have reached Command.
    Failed {
        message: String,
        maybe_sent: bool,
    },
}

impl Retirement {
    /// What the row says about its old certificate `old_id`; nothing when the option is off.
    pub fn describe(&self, old_id: i32) -> Option<String> {
        Some(match self {
            Self::Off => return None,
            Self::AwaitingJobs => {
                "Old certificate: revoked once its installation jobs succeed.".to_owned()
            }
            Self::Queued => "Old certificate: revocation queued.".to_owned(),
            Self::Revoking => "Old certificate: checking the stores, then revoking…".to_owned(),
            Self::NotStarted => "Old certificate: not revoked (the run was stopped).".to_owned(),
            Self::Ended(retired) => retired.describe(old_id),
            Self::NotRevoked(reason) => format!("Old certificate not revoked: {reason}"),
            Self::Failed { message, .. } => {
                format!("Old certificate: the revocation failed: {message}")
            }
        })
    }
}

/// The next request the run sends for a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    Renew,
    Replace,
    /// Revoke the superseded certificate (after reading it again).
    Retire,
}

/// How many rows ended which way, for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    pub issued: usize,
    pub pending: usize,
    pub denied: usize,
    pub failed: usize,
    pub not_started: usize,
    pub in_progress: usize,
    /// Issued rows whose Replace is queued or under way.
    pub replacing: usize,
    /// Rows whose Replace scheduled a job in at least one store.
    pub replaced: usize,
    /// Rows whose Replace failed, or failed in at least one store.
    pub replace_failed: usize,
    /// Rows whose superseded certificate is revoked (or its revocation waits for approval).
    pub revoked: usize,
    /// Rows whose superseded certificate the run did not revoke, for a reason the row gives.
    pub not_revoked: usize,
}

impl Summary {
    /// E.g. "10 certificates: 7 issued, 1 pending approval, 1 denied, 1 failed; Replace scheduled for 2".
    pub fn describe(&self) -> String {
        let mut parts = vec![
            format!("{} issued", self.issued),
            format!("{} pending approval", self.pending),
            format!("{} denied", self.denied),
            format!("{} failed", self.failed),
        ];
        if self.not_started > 0 {
            parts.push(format!("{} not started", self.not_started));
        }
        if self.in_progress > 0 {
            parts.push(format!("{} in progress", self.in_progress));
        }
        let mut text = format!(
            "{} certificate{}: {}",
            self.total,
            if self.total == 1 { "" } else { "s" },
            parts.join(", ")
        );
        if self.replaced + self.replace_failed > 0 {
            text.push_str(&format!("; Replace scheduled for {}", self.replaced));
            if self.replace_failed > 0 {
                text.push_str(&format!(", failed for {}", self.replace_failed));
            }
        }
        if self.replacing > 0 {
            text.push_str(&format!("; Replace under way for {}", self.replacing));
        }
        if self.revoked + self.not_revoked > 0 {
            text.push_str(&format!(
                "; old certificate revoked for {}, not for {}",
                self.revoked, self.not_revoked
            ));
        }
        text
    }
}

/// A bulk run: one state per included row, at most `limit` requests under way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkRun {
    rows: Vec<RowState>,
    /// Per row: whether an issued certificate goes on to Replace (it is in a store and the user asked).
    replace: Vec<bool>,
    limit: usize,
    stopped: bool,
    /// Per row: when the first renewal whose answer was lost was sent.
    unconfirmed: BTreeMap<usize, DateTime<Utc>>,
    /// Per row: retiring its superseded certificate.
    retire: Vec<Retirement>,
    /// Rows whose revocation may have reached Command although its answer was lost.
    retire_unconfirmed: BTreeSet<usize>,
}

impl BulkRun {
    /// Every row queued; `replace[i]` says whether row `i` is replaced once issued.
    pub fn new(replace: Vec<bool>, limit: usize) -> Self {
        let len = replace.len();
        Self {
            rows: vec![RowState::Queued; replace.len()],
            replace,
            limit: limit.max(1),
            stopped: false,
            unconfirmed: BTreeMap::new(),
            retire: vec![Retirement::Off; len],
            retire_unconfirmed: BTreeSet::new(),
        }
    }

    /// Retires each row's superseded certificate once its installation jobs succeed.
    pub fn retiring(mut self) -> Self {
        self.retire = vec![Retirement::AwaitingJobs; self.rows.len()];
        self
    }

    /// Where retiring row `index`'s superseded certificate stands.
    pub fn retirement(&self, index: usize) -> &Retirement {
        self.retire.get(index).unwrap_or(&Retirement::Off)
    }

    /// The row's installation jobs moved to `installation`: `true` when its revocation is now queued (the
    /// page then starts what the run allows). Only a row that was replaced and awaits its jobs moves.
    pub fn jobs_ended(&mut self, index: usize, installation: &Installation) -> bool {
        let replaced = matches!(self.rows.get(index), Some(RowState::Replaced { .. }));
        let Some(retire) = self.retire.get_mut(index) else {
            return false;
        };
        if !replaced || *retire != Retirement::AwaitingJobs {
            return false;
        }
        match installation.reason_not_to_revoke() {
            None => {
                *retire = if self.stopped {
                    Retirement::NotStarted
                } else {
                    Retirement::Queued
                };
                !self.stopped
            }
            Some(_) if *installation == Installation::Running => false,
            Some(reason) => {
                *retire = Retirement::NotRevoked(reason);
                false
            }
        }
    }

    /// Whether a retry of row `index`'s revocation should say an earlier attempt went through when it
    /// finds the certificate revoked.
    pub fn retire_lost_earlier(&self, index: usize) -> bool {
        self.retire_unconfirmed.contains(&index)
    }

    /// Records the revocation's answer for a row that was revoking.
    pub fn retire_answered(&mut self, index: usize, answer: Result<Retired, (String, bool)>) {
        let Some(retire) = self.retire.get_mut(index) else {
            return;
        };
        if *retire != Retirement::Revoking {
            return;
        }
        *retire = match answer {
            Ok(retired) => {
                self.retire_unconfirmed.remove(&index);
                Retirement::Ended(retired)
            }
            Err((message, maybe_sent)) => {
                if maybe_sent {
                    self.retire_unconfirmed.insert(index);
                }
                Retirement::Failed {
                    message,
                    maybe_sent,
                }
            }
        };
    }

    pub fn rows(&self) -> &[RowState] {
        &self.rows
    }

    pub fn row(&self, index: usize) -> Option<&RowState> {
        self.rows.get(index)
    }

    /// Requests are under way or rows wait for their turn.
    pub fn is_running(&self) -> bool {
        self.active() > 0
            || (!self.stopped
                && (self.rows.iter().any(RowState::is_waiting)
                    || self.retire.contains(&Retirement::Queued)))
    }

    /// Requests under way: renewals, Replaces and revocations.
    fn active(&self) -> usize {
        self.rows.iter().filter(|r| r.is_active()).count()
            + self
                .retire
                .iter()
                .filter(|r| **r == Retirement::Revoking)
                .count()
    }

    /// Takes the next row to start, marking it under way: a Replace, then a revocation, before a new
    /// renewal (finish what was begun), rows in order, never more than the limit at once, nothing once
    /// stopped.
    pub fn start_next(&mut self) -> Option<(usize, Work)> {
        if self.stopped || self.active() >= self.limit {
            return None;
        }
        let replacing = self
            .rows
            .iter()
            .any(|r| matches!(r, RowState::ReplaceQueued(_)));
        if let (false, Some(index)) = (
            replacing,
            self.retire.iter().position(|r| *r == Retirement::Queued),
        ) {
            self.retire[index] = Retirement::Revoking;
            return Some((index, Work::Retire));
        }
        let replace = self
            .rows
            .iter()
            .position(|r| matches!(r, RowState::ReplaceQueued(_)));
        let index = replace.or_else(|| self.rows.iter().position(|r| *r == RowState::Queued))?;
        let row = &mut self.rows[index];
        Some(match std::mem::replace(row, RowState::Queued) {
            RowState::ReplaceQueued(renewed) => {
                *row = RowState::Replacing(renewed);
                (index, Work::Replace)
            }
            _ => {
                *row = RowState::Renewing;
                (index, Work::Renew)
            }
        })
    }

    /// Records the renewal's answer for a row that was renewing (anything else is ignored).
    pub fn renewal_answered(&mut self, index: usize, answer: RenewalAnswer) {
        let replace = self.replace.get(index).copied().unwrap_or(false);
        let Some(row) = self.rows.get_mut(index) else {
            return;
        };
        if *row != RowState::Renewing {
            return;
        }
        match &answer {
            RenewalAnswer::Failed {
                unconfirmed_since: Some(sent_at),
                ..
            } => {
                self.unconfirmed.entry(index).or_insert(*sent_at);
            }
            RenewalAnswer::Failed { .. } => {}
            _ => {
                self.unconfirmed.remove(&index);
            }
        }
        if let (RenewalAnswer::Issued(_), false, Some(retire)) =
            (&answer, replace, self.retire.get_mut(index))
        {
            if *retire == Retirement::AwaitingJobs {
                *retire = Retirement::NotRevoked(
                    Installation::NoJobs
                        .reason_not_to_revoke()
                        .unwrap_or_default(),
                );
            }
        }
        *row = match answer {
            RenewalAnswer::Issued(renewed) if replace && self.stopped => {
                RowState::ReplaceNotStarted(renewed)
            }
            RenewalAnswer::Issued(renewed) if replace => RowState::ReplaceQueued(renewed),
            RenewalAnswer::Issued(renewed) => RowState::Issued(renewed),
            ended => RowState::Ended(ended),
        };
    }

    /// Records the Replace's answer for a row that was replacing.
    pub fn replace_answered(
        &mut self,
        index: usize,
        answer: Result<(EnrollmentManagementResponse, DateTime<Utc>), String>,
    ) {
        let Some(row) = self.rows.get_mut(index) else {
            return;
        };
        let RowState::Replacing(renewed) = row else {
            return;
        };
        let renewed = renewed.clone();
        if let (Ok((response, _)), Some(retire)) = (&answer, self.retire.get_mut(index)) {
            if response.successful_stores.is_empty() && *retire == Retirement::AwaitingJobs {
                *retire = Retirement::NotRevoked(
                    Installation::of(&response.failed_stores, &[])
                        .reason_not_to_revoke()
                        .unwrap_or_default(),
                );
            }
        }
        *row = match answer {
            Ok((response, submitted_at)) => RowState::Replaced {
                renewed,
                scheduled: response.successful_stores,
                failed: response.failed_stores,
                submitted_at,
            },
            Err(message) => RowState::ReplaceFailed { renewed, message },
        };
    }

    /// Sets whether the run is stopped and moves every row through `change`, and every retirement
    /// from `from` to `to`.
    fn restate(
        &mut self,
        stopped: bool,
        change: fn(RowState) -> RowState,
        retire: (fn(&Retirement) -> bool, Retirement),
    ) {
        self.stopped = stopped;
        for row in &mut self.rows {
            *row = change(std::mem::replace(row, RowState::Queued));
        }
        let (from, to) = retire;
        for state in &mut self.retire {
            if from(state) {
                *state = to.clone();
            }
        }
    }

    /// Sends nothing more: rows that had not begun stay untouched; requests under way finish.
    pub fn stop(&mut self) {
        self.restate(
            true,
            |row| match row {
                RowState::Queued => RowState::NotStarted,
                RowState::ReplaceQueued(renewed) => RowState::ReplaceNotStarted(renewed),
                other => other,
            },
            (|r| *r == Retirement::Queued, Retirement::NotStarted),
        );
    }

    /// Queues the rows a stop left untouched.
    pub fn resume(&mut self) {
        self.restate(
            false,
            |row| match row {
                RowState::NotStarted => RowState::Queued,
                RowState::ReplaceNotStarted(renewed) => RowState::ReplaceQueued(renewed),
                other => other,
            },
            (|r| *r == Retirement::NotStarted, Retirement::Queued),
        );
    }

    /// Queues the failed rows again: a failed renewal is renewed again (after looking for the earlier
    /// attempt's certificate when its answer was lost), a failed Replace is replaced again, a failed
    /// revocation is tried again (reading the certificate first, so one that went through is found).
    pub fn retry_failed(&mut self) {
        self.restate(
            false,
            |row| match row {
                RowState::Ended(RenewalAnswer::Failed { .. }) => RowState::Queued,
                RowState::ReplaceFailed { renewed, .. } => RowState::ReplaceQueued(renewed),
                other => other,
            },
            (
                |r| matches!(r, Retirement::Failed { .. }),
                Retirement::Queued,
            ),
        );
    }

    /// When a retry of row `index` should first look for an earlier attempt's certificate.
    pub fn unconfirmed_since(&self, index: usize) -> Option<DateTime<Utc>> {
        self.unconfirmed.get(&index).copied()
    }

    pub fn failed_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    RowState::Ended(RenewalAnswer::Failed { .. }) | RowState::ReplaceFailed { .. }
                )
            })
            .count()
            + self
                .retire
                .iter()
                .filter(|r| matches!(r, Retirement::Failed { .. }))
                .count()
    }

    pub fn not_started_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r, RowState::NotStarted | RowState::ReplaceNotStarted(_)))
            .count()
            + self
                .retire
                .iter()
                .filter(|r| **r == Retirement::NotStarted)
                .count()
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            total: self.rows.len(),
            ..Summary::default()
        };
        for row in &self.rows {
            match row {
                RowState::Queued | RowState::Renewing => summary.in_progress += 1,
                RowState::NotStarted => summary.not_started += 1,
                RowState::Ended(answer) => match answer {
                    RenewalAnswer::Pending { .. } => summary.pending += 1,
                    RenewalAnswer::Denied { .. } => summary.denied += 1,
                    RenewalAnswer::Failed { .. } => summary.failed += 1,
                    RenewalAnswer::AlreadyRenewed { .. } | RenewalAnswer::Issued(_) => {
                        summary.issued += 1
                    }
                },
                RowState::Issued(_) | RowState::ReplaceNotStarted(_) => summary.issued += 1,
                RowState::ReplaceQueued(_) | RowState::Replacing(_) => {
                    summary.issued += 1;
                    summary.replacing += 1;
                }
                RowState::ReplaceFailed { .. } => {
                    summary.issued += 1;
                    summary.replace_failed += 1;
                }
                RowState::Replaced {
                    scheduled, failed, ..
                } => {
                    summary.issued += 1;
                    summary.replaced += usize::from(!scheduled.is_empty());
                    summary.replace_failed += usize::from(!failed.is_empty());
                }
            }
        }
        for retire in &self.retire {
            match retire {
                Retirement::Ended(retired) if retired.is_revoked() => summary.revoked += 1,
                Retirement::Ended(_) | Retirement::NotRevoked(_) => summary.not_revoked += 1,
                _ => {}
            }
        }
        summary
    }
}

/// One line of the batch's "copy all as CSV".
pub struct PasswordLine<'a> {
    pub name: &'a str,
    pub old_id: i32,
    pub new_id: i32,
    pub thumbprint: &'a str,
    pub password: &'a SecretString,
}

/// The batch's PFX passwords as CSV (RFC 4180, CRLF, header line), itself a secret. Names come from
/// Keyfactor, so one a spreadsheet would run as a formula gets a leading `'`; passwords are quoted but
/// never altered.
pub fn passwords_csv(lines: &[PasswordLine]) -> SecretString {
    fn quoted(field: &str) -> String {
        if field.contains([',', '"', '\r', '\n']) || field.starts_with(' ') {
            format!("\"{}\"", field.replace('"', "\"\""))
        } else {
            field.to_owned()
        }
    }
    fn inert(text: &str) -> String {
        if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{text}")
        } else {
            text.to_owned()
        }
    }
    let mut csv = String::from(
        "Certificate,Old certificate ID,New certificate ID,Thumbprint,PFX password\r\n",
    );
    for line in lines {
        let fields = [
            quoted(&inert(line.name)),
            line.old_id.to_string(),
            line.new_id.to_string(),
            quoted(&inert(line.thumbprint)),
            quoted(line.password.expose()),
        ];
        csv.push_str(&fields.join(","));
        csv.push_str("\r\n");
    }
    SecretString::from(csv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::models::{EnrollmentContext, EnrollmentProfile};
    use chrono::TimeZone;
    use proptest::prelude::*;
    use serde_json::json;

    fn certificate(id: i32, template: &str, ca: &str, stores: &[&str]) -> Certificate {
        serde_json::from_value(json!({
            "Id": id,
            "IssuedCN": format!("svc{id}.keyexample.com"),
            "TemplateName": template,
            "CertificateAuthorityName": ca,
            "Locations": stores.iter().map(|store| json!({
                "StoreMachine": format!("{store}.keyexample.com"),
                "StorePath": "IIS Personal",
                "CertStoreId": format!("00000000-0000-0000-0000-0000000000{store}"),
                "Alias": "www",
            })).collect::<Vec<_>>(),
        }))
        .unwrap()
    }

    fn choices() -> EnrollmentChoices {
        let context: EnrollmentContext = serde_json::from_value(json!({
            "Templates": [
                {"Id": 2, "Name": "WebServer2y", "DisplayName": "Web Server (2 years)",
                 "CAs": [{"Name": "ca02.keyexample.com\\CorpIssuingCA2"}]},
                {"Id": 4, "Name": "CodeSigning", "DisplayName": "Code Signing",
                 "CAs": [{"Name": "ca01.keyexample.com\\CorpIssuingCA1"}]}
            ]
        }))
        .unwrap();
        EnrollmentChoices::from_templates(&context)
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + seconds, 0).unwrap()
    }

    fn renewed(id: i32) -> Renewed {
        Renewed {
            certificate_id: id,
            request_id: Some(id + 1000),
            thumbprint: None,
        }
    }

    fn failed(message: &str) -> RenewalAnswer {
        RenewalAnswer::Failed {
            message: message.to_owned(),
            unconfirmed_since: None,
        }
    }

    #[test]
    fn the_plan_says_how_each_row_is_renewed_and_which_stores_replace_touches() {
        let certificates = [
            certificate(
                1,
                "Web Server",
                "ca01.keyexample.com\\CorpIssuingCA1",
                &["01", "02"],
            ),
            certificate(
                2,
                "Web Server (2 years)",
                "ca02.keyexample.com\\CorpIssuingCA2",
                &[],
            ),
            certificate(3, "Legacy Web Server", "ca03.keyexample.com\\Lab", &["03"]),
            certificate(4, "Web Server", "ca01.keyexample.com\\CorpIssuingCA1", &[]),
            certificate(5, "Web Server", "ca01.keyexample.com\\CorpIssuingCA1", &[]),
        ];
        let plans = BTreeMap::from([
            (1, RenewalPlan::OneClick),
            (2, RenewalPlan::Seeded),
            (3, RenewalPlan::Seeded),
            (
                4,
                RenewalPlan::NotRenewable {
                    reason: "revoked".into(),
                },
            ),
        ]);
        let rows = plan_rows(&certificates, &plans, &choices(), CommandVersion::default());
        let renewals: Vec<&RowRenewal> = rows.iter().map(|r| &r.renewal).collect();
        let seeded = SeededChoice {
            certificate_authority: "ca02.keyexample.com\\CorpIssuingCA2".into(),
            profile: EnrollmentProfile::Template("WebServer2y".into()),
        };
        assert_eq!(renewals[0], &RowRenewal::OneClick);
        assert_eq!(renewals[1], &RowRenewal::Seeded(seeded));
        assert_eq!(renewals[2], &RowRenewal::NeedsChoice);
        assert!(matches!(renewals[3], RowRenewal::NotRenewable { reason } if reason == "revoked"));
        assert!(matches!(renewals[4], RowRenewal::NotRenewable { .. }));
        let included: Vec<bool> = rows.iter().map(|r| r.renewal.included()).collect();
        assert_eq!(included, [true, true, false, false, false]);
        assert_eq!(rows[0].stores.len(), 2);
        assert_eq!(rows[0].stores[1].machine, "02.keyexample.com");
        assert_eq!(rows[0].name(), "svc1.keyexample.com");

        let stamp = RequestTimestamp::now();
        let one_click = rows[0].renewal.request(1, stamp).unwrap();
        let body = serde_json::to_value(&one_click).unwrap();
        assert_eq!(body["CertificateId"], 1);
        assert!(body.get("CertificateAuthority").is_none());
        let seeded = serde_json::to_value(rows[1].renewal.request(2, stamp).unwrap()).unwrap();
        assert_eq!(
            seeded["CertificateAuthority"],
            "ca02.keyexample.com\\CorpIssuingCA2"
        );
        assert_eq!(seeded["Template"], "WebServer2y");
        assert!(rows[2].renewal.request(3, stamp).is_none());

        // The batch's one CA and template applies to the rows that need one, and to no other.
        let chosen = SeededChoice {
            certificate_authority: "ca01.keyexample.com\\CorpIssuingCA1".into(),
            profile: EnrollmentProfile::Template("WebServer".into()),
        };
        assert_eq!(
            rows[2].renewal.with_choice(Some(&chosen)),
            RowRenewal::Seeded(chosen.clone())
        );
        assert_eq!(rows[2].renewal.with_choice(None), RowRenewal::NeedsChoice);
        assert_eq!(
            rows[0].renewal.with_choice(Some(&chosen)),
            RowRenewal::OneClick
        );
        assert_eq!(rows[1].renewal.with_choice(Some(&chosen)), rows[1].renewal);
        assert_eq!(rows[3].renewal.with_choice(Some(&chosen)), rows[3].renewal);
    }

    #[test]
    fn at_most_the_limit_runs_at_once_and_replace_goes_before_new_renewals() {
        let mut run = BulkRun::new(vec![true, false, false, false], 2);
        assert_eq!(run.start_next(), Some((0, Work::Renew)));
        assert_eq!(run.start_next(), Some((1, Work::Renew)));
        assert_eq!(run.start_next(), None, "two under way");
        run.renewal_answered(0, RenewalAnswer::Issued(renewed(10)));
        assert_eq!(run.row(0), Some(&RowState::ReplaceQueued(renewed(10))));
        assert_eq!(run.start_next(), Some((0, Work::Replace)));
        assert_eq!(run.start_next(), None);
        assert_eq!(
            run.summary().describe(),
            "4 certificates: 1 issued, 0 pending approval, 0 denied, 0 failed, 3 in progress; Replace under way for 1"
        );
        run.replace_answered(
            0,
            Ok((
                EnrollmentManagementResponse {
                    successful_stores: vec!["s1".into()],
                    failed_stores: vec![],
                },
                at(0),
            )),
        );
        assert_eq!(run.start_next(), Some((2, Work::Renew)));
        assert!(run.is_running());
    }

    #[test]
    fn one_failure_does_not_stop_the_others() {
        let mut run = BulkRun::new(vec![false; 4], 2);
        let answers = [
            failed("500 from the server"),
            RenewalAnswer::Issued(renewed(11)),
            RenewalAnswer::Pending {
                request_id: Some(7),
                message: "approval".into(),
            },
            RenewalAnswer::Denied {
                message: "policy".into(),
            },
        ];
        let mut answers = answers.into_iter();
        while let Some((index, work)) = run.start_next() {
            assert_eq!(work, Work::Renew);
            run.renewal_answered(index, answers.next().unwrap());
        }
        assert!(!run.is_running());
        let summary = run.summary();
        assert_eq!(
            (
                summary.issued,
                summary.pending,
                summary.denied,
                summary.failed
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(
            summary.describe(),
            "4 certificates: 1 issued, 1 pending approval, 1 denied, 1 failed"
        );
    }

    #[test]
    fn stop_leaves_rows_not_begun_untouched_and_resume_takes_them_up() {
        let mut run = BulkRun::new(vec![true, false, false], 2);
        assert_eq!(run.start_next(), Some((0, Work::Renew)));
        assert_eq!(run.start_next(), Some((1, Work::Renew)));
        run.stop();
        assert_eq!(run.row(2), Some(&RowState::NotStarted));
        assert!(run.is_running(), "the two requests under way finish");
        run.renewal_answered(0, RenewalAnswer::Issued(renewed(20)));
        run.renewal_answered(1, RenewalAnswer::Issued(renewed(21)));
        assert_eq!(run.row(0), Some(&RowState::ReplaceNotStarted(renewed(20))));
        assert_eq!(run.start_next(), None);
        assert!(!run.is_running());
        assert_eq!(run.not_started_count(), 2);
        assert_eq!(run.summary().not_started, 1);

        run.resume();
        assert_eq!(run.start_next(), Some((0, Work::Replace)));
        assert_eq!(run.start_next(), Some((2, Work::Renew)));
    }

    #[test]
    fn retry_requeues_failed_renewals_and_replaces_only() {
        let mut run = BulkRun::new(vec![true, false, false, false], 4);
        for _ in 0..4 {
            run.start_next();
        }
        run.renewal_answered(0, RenewalAnswer::Issued(renewed(30)));
        run.renewal_answered(
            1,
            RenewalAnswer::Failed {
                message: "gateway timeout".into(),
                unconfirmed_since: Some(at(5)),
            },
        );
        run.renewal_answered(
            2,
            RenewalAnswer::Denied {
                message: "no".into(),
            },
        );
        run.renewal_answered(
            3,
            RenewalAnswer::Pending {
                request_id: None,
                message: String::new(),
            },
        );
        assert_eq!(run.start_next(), Some((0, Work::Replace)));
        run.replace_answered(0, Err("403".into()));
        assert_eq!(run.failed_count(), 2);
        assert_eq!(run.summary().replace_failed, 1);

        run.retry_failed();
        assert_eq!(
            run.row(2),
            Some(&RowState::Ended(RenewalAnswer::Denied {
                message: "no".into()
            }))
        );
        assert_eq!(run.start_next(), Some((0, Work::Replace)));
        assert_eq!(run.start_next(), Some((1, Work::Renew)));
        assert_eq!(run.unconfirmed_since(1), Some(at(5)));
        // A second lost answer keeps the first attempt's time: that is where its certificate could be.
        run.renewal_answered(
            1,
            RenewalAnswer::Failed {
                message: "again".into(),
                unconfirmed_since: Some(at(60)),
            },
        );
        assert_eq!(run.unconfirmed_since(1), Some(at(5)));
        run.retry_failed();
        run.start_next();
        run.renewal_answered(1, RenewalAnswer::AlreadyRenewed { certificate_id: 99 });
        assert_eq!(run.unconfirmed_since(1), None);
        assert_eq!(
            run.row(1).unwrap().label(),
            "Already renewed (certificate 99)"
        );
    }

    #[test]
    fn a_replace_that_failed_in_a_store_is_counted_as_failed_there() {
        let mut run = BulkRun::new(vec![true, true], 2);
        run.start_next();
        run.start_next();
        run.renewal_answered(0, RenewalAnswer::Issued(renewed(1)));
        run.renewal_answered(1, RenewalAnswer::Issued(renewed(2)));
        run.start_next();
        run.start_next();
        let answer = |scheduled: &[&str], failed: &[&str]| {
            Ok((
                EnrollmentManagementResponse {
                    successful_stores: scheduled.iter().map(|s| s.to_string()).collect(),
                    failed_stores: failed.iter().map(|s| s.to_string()).collect(),
                },
                at(0),
            ))
        };
        run.replace_answered(0, answer(&["a"], &["b"]));
        run.replace_answered(1, answer(&[], &["c"]));
        assert_eq!(
            run.row(0).unwrap().label(),
            "Issued, Replace scheduled in some stores"
        );
        assert_eq!(
            run.row(1).unwrap().label(),
            "Issued, Replace failed in every store"
        );
        assert_eq!(
            run.summary().describe(),
            "2 certificates: 2 issued, 0 pending approval, 0 denied, 0 failed; Replace scheduled for 1, failed for 2"
        );
    }

    #[test]
    fn answers_for_rows_not_under_way_are_ignored() {
        let mut run = BulkRun::new(vec![false, false], 1);
        run.renewal_answered(1, RenewalAnswer::Issued(renewed(1)));
        run.replace_answered(0, Err("late".into()));
        run.renewal_answered(9, RenewalAnswer::Issued(renewed(1)));
        assert_eq!(run.rows(), &[RowState::Queued, RowState::Queued]);
    }

    #[test]
    fn keyfactor_answers_map_to_row_outcomes() {
        let response = |disposition: &str, id: i32| -> RenewalResponse {
            serde_json::from_value(json!({
                "KeyfactorID": id, "KeyfactorRequestId": 5, "RequestDisposition": disposition,
                "DispositionMessage": "msg", "Thumbprint": "AB", "Password": "secret"
            }))
            .unwrap()
        };
        assert_eq!(
            RenewalAnswer::from_response(&response("ISSUED", 42)),
            RenewalAnswer::Issued(Renewed {
                certificate_id: 42,
                request_id: Some(5),
                thumbprint: Some("AB".into())
            })
        );
        assert!(matches!(
            RenewalAnswer::from_response(&response("ISSUED", 0)),
            RenewalAnswer::Failed { .. }
        ));
        assert_eq!(
            RenewalAnswer::from_response(&response("PENDING", 0)),
            RenewalAnswer::Pending {
                request_id: Some(5),
                message: "msg".into()
            }
        );
        assert_eq!(
            RenewalAnswer::from_response(&response("DENIED", 0)),
            RenewalAnswer::Denied {
                message: "msg".into()
            }
        );
        assert!(matches!(
            RenewalAnswer::from_response(&response("EXTERNAL VALIDATION", 0)),
            RenewalAnswer::Failed { message, .. } if message.contains("EXTERNAL VALIDATION")
        ));
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas_but_never_a_password() {
        let password = SecretString::from("=a,\"b\"".to_owned());
        let plain = SecretString::from("Xy7-Qz".to_owned());
        let csv = passwords_csv(&[
            PasswordLine {
                name: "=HYPERLINK(\"x\")",
                old_id: 1,
                new_id: 2,
                thumbprint: "AB",
                password: &password,
            },
            PasswordLine {
                name: "web, eu",
                old_id: 3,
                new_id: 4,
                thumbprint: "CD",
                password: &plain,
            },
        ]);
        let lines: Vec<&str> = csv.expose().split("\r\n").collect();
        assert_eq!(
            lines[0],
            "Certificate,Old certificate ID,New certificate ID,Thumbprint,PFX password"
        );
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"x\"\")\",1,2,AB,\"=a,\"\"b\"\"\""
        );
        assert_eq!(lines[2], "\"web, eu\",3,4,CD,Xy7-Qz");
        assert_eq!(lines[3], "");
    }

    fn replaced(run: &mut BulkRun, index: usize, stores: &[&str], failed: &[&str]) {
        let started = run.start_next();
        assert_eq!(started, Some((index, Work::Renew)));
        run.renewal_answered(index, RenewalAnswer::Issued(renewed(index as i32 + 100)));
        assert_eq!(run.start_next(), Some((index, Work::Replace)));
        let response = EnrollmentManagementResponse {
            successful_stores: stores.iter().map(|s| (*s).to_owned()).collect(),
            failed_stores: failed.iter().map(|s| (*s).to_owned()).collect(),
        };
        run.replace_answered(index, Ok((response, at(0))));
    }

    #[test]
    fn retiring_is_off_unless_asked_and_waits_for_the_jobs() {
        let mut off = BulkRun::new(vec![true], 1);
        replaced(&mut off, 0, &["s1"], &[]);
        assert!(!off.jobs_ended(0, &Installation::Succeeded));
        assert_eq!(off.retirement(0), &Retirement::Off);
        assert_eq!(off.retirement(0).describe(1), None);

        let mut run = BulkRun::new(vec![true], 1).retiring();
        replaced(&mut run, 0, &["s1"], &[]);
        assert!(!run.jobs_ended(0, &Installation::Running));
        assert_eq!(run.retirement(0), &Retirement::AwaitingJobs);
        assert!(run.jobs_ended(0, &Installation::Succeeded));
        // Reported again by the page: queued once only.
        assert!(!run.jobs_ended(0, &Installation::Succeeded));
        assert!(run.is_running());
        assert_eq!(run.start_next(), Some((0, Work::Retire)));
        assert_eq!(run.start_next(), None);
        run.retire_answered(0, Ok(Retired::Revoked));
        assert_eq!(run.retirement(0), &Retirement::Ended(Retired::Revoked));
        assert!(!run.is_running());
        assert_eq!(run.summary().revoked, 1);
        assert!(run
            .summary()
            .describe()
            .ends_with("old certificate revoked for 1, not for 0"));
    }

    #[test]
    fn a_row_whose_jobs_failed_or_that_had_no_job_is_not_revoked_and_says_why() {
        let mut run = BulkRun::new(vec![true, true, false], 1).retiring();
        replaced(&mut run, 0, &["s1"], &[]);
        let failed = Installation::Failed {
            stores: vec!["web01 /etc/tls".into()],
        };
        assert!(!run.jobs_ended(0, &failed));
        assert!(run
            .retirement(0)
            .describe(1)
            .unwrap()
            .contains("web01 /etc/tls"));
        // Keyfactor could schedule no job at all.
        replaced(&mut run, 1, &[], &["s2"]);
        assert!(matches!(run.retirement(1), Retirement::NotRevoked(_)));
        // Issued, in no store: nothing installed it.
        assert_eq!(run.start_next(), Some((2, Work::Renew)));
        run.renewal_answered(2, RenewalAnswer::Issued(renewed(3)));
        assert!(matches!(run.retirement(2), Retirement::NotRevoked(_)));
        assert_eq!(run.start_next(), None);
        assert_eq!(run.summary().not_revoked, 3);
        // A store still holding the old certificate is an answer, not a failure to retry.
        let mut held = BulkRun::new(vec![true], 1).retiring();
        replaced(&mut held, 0, &["s1"], &[]);
        held.jobs_ended(0, &Installation::Succeeded);
        held.start_next();
        held.retire_answered(0, Ok(Retired::StillInstalled(vec!["lb01 /x".into()])));
        assert_eq!(held.failed_count(), 0);
        assert!(held.retirement(0).describe(7).unwrap().contains("lb01 /x"));
    }

    #[test]
    fn a_failed_revocation_is_retried_and_stop_holds_a_queued_one() {
        let mut run = BulkRun::new(vec![true, true], 2).retiring();
        replaced(&mut run, 0, &["s1"], &[]);
        run.jobs_ended(0, &Installation::Succeeded);
        run.stop();
        assert_eq!(run.retirement(0), &Retirement::NotStarted);
        assert_eq!(run.not_started_count(), 1 + 1);
        run.resume();
        assert_eq!(run.start_next(), Some((0, Work::Retire)));
        run.retire_answered(0, Err(("timed out".into(), true)));
        assert_eq!(run.failed_count(), 1);
        assert!(run.retire_lost_earlier(0));
        run.retry_failed();
        assert_eq!(run.start_next(), Some((0, Work::Retire)));
        run.retire_answered(
            0,
            Ok(Retired::AlreadyRevoked {
                reason: Some(4),
                ours: true,
            }),
        );
        assert!(!run.retire_lost_earlier(0));
        assert_eq!(run.failed_count(), 0);
    }

    /// What the page may do to a run at any moment.
    #[derive(Clone, Debug)]
    enum Step {
        Start,
        Answer(usize, u8),
        Replace(usize, bool),
        /// The row's installation jobs: 0 running, 1 succeeded, 2 failed.
        Jobs(usize, u8),
        Retire(usize, bool),
        Stop,
        Resume,
        Retry,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => Just(Step::Start),
            4 => (0usize..8, 0u8..5).prop_map(|(i, a)| Step::Answer(i, a)),
            2 => (0usize..8, any::<bool>()).prop_map(|(i, ok)| Step::Replace(i, ok)),
            2 => (0usize..8, 0u8..3).prop_map(|(i, k)| Step::Jobs(i, k)),
            2 => (0usize..8, any::<bool>()).prop_map(|(i, ok)| Step::Retire(i, ok)),
            1 => Just(Step::Stop),
            1 => Just(Step::Resume),
            1 => Just(Step::Retry),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Whatever happens in whatever order: never more than the limit under way, rows never vanish,
        /// and once nothing is under way or waiting the run says it is not running.
        #[test]
        fn the_limit_holds_and_no_row_is_lost(
            replace in proptest::collection::vec(any::<bool>(), 1..8),
            limit in 1usize..3,
            retiring in any::<bool>(),
            steps in proptest::collection::vec(step(), 0..60),
        ) {
            let run = BulkRun::new(replace.clone(), limit);
            let mut run = if retiring { run.retiring() } else { run };
            for step in steps {
                match step {
                    Step::Start => { run.start_next(); }
                    Step::Answer(i, kind) => run.renewal_answered(i, match kind {
                        0 => RenewalAnswer::Issued(renewed(i as i32)),
                        1 => RenewalAnswer::Pending { request_id: None, message: String::new() },
                        2 => RenewalAnswer::Denied { message: String::new() },
                        3 => RenewalAnswer::Failed { message: String::new(), unconfirmed_since: Some(at(i as i64)) },
                        _ => failed(""),
                    }),
                    Step::Replace(i, ok) => run.replace_answered(i, if ok {
                        Ok((EnrollmentManagementResponse { successful_stores: vec![], failed_stores: vec![] }, at(0)))
                    } else {
                        Err(String::new())
                    }),
                    Step::Jobs(i, kind) => { run.jobs_ended(i, &match kind {
                        0 => Installation::Running,
                        1 => Installation::Succeeded,
                        _ => Installation::Failed { stores: vec!["s".into()] },
                    }); }
                    Step::Retire(i, ok) => run.retire_answered(i, if ok {
                        Ok(Retired::Revoked)
                    } else {
                        Err((String::new(), true))
                    }),
                    Step::Stop => run.stop(),
                    Step::Resume => run.resume(),
                    Step::Retry => run.retry_failed(),
                }
                let revoking = (0..replace.len()).filter(|i| *run.retirement(*i) == Retirement::Revoking).count();
                prop_assert!(retiring || (0..replace.len()).all(|i| *run.retirement(i) == Retirement::Off));
                let active = revoking + run.rows().iter().filter(|r| matches!(r, RowState::Renewing | RowState::Replacing(_))).count();
                prop_assert!(active <= limit);
                prop_assert_eq!(run.rows().len(), replace.len());
                prop_assert_eq!(run.summary().total, replace.len());
            }
            // Drive to the end: every row ends in an outcome.
            while let Some((i, work)) = run.start_next() {
                match work {
                    Work::Renew => run.renewal_answered(i, RenewalAnswer::Issued(renewed(i as i32))),
                    Work::Replace => run.replace_answered(i, Err(String::new())),
                    Work::Retire => run.retire_answered(i, Err((String::new(), false))),
                }
            }
            let under_way = run.rows().iter().any(|r| matches!(r, RowState::Renewing | RowState::Replacing(_)))
                || (0..replace.len()).any(|i| *run.retirement(i) == Retirement::Revoking);
            prop_assert_eq!(run.is_running(), under_way);
            if !under_way {
                prop_assert!(run.rows().iter().all(|r| !matches!(r, RowState::Queued | RowState::ReplaceQueued(_))));
            }
        }
    }
}
