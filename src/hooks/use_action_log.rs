//! The tab's action log (`domain::action_log`), shared by the pages that change something in Keyfactor and
//! the page that shows it. Memory only: a reload starts it empty.

use chrono::Utc;
use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::domain::action_log::{
    installation_outcome, renewal_outcome, renewal_reference, ActionKind, LoggedAction,
};
use crate::domain::models::{EnrollmentManagementResponse, RenewalResponse};
use crate::domain::revocation::{Retired, Superseded};
use crate::domain::workflow::{Decision, DecisionOutcome};

#[derive(Clone, Copy, Default)]
pub struct ActionLog(RwSignal<Vec<LoggedAction>>);

impl ActionLog {
    /// Adds what just happened, stamped now.
    pub fn record(
        self,
        kind: ActionKind,
        subject: String,
        reference: String,
        outcome: String,
        issued_password: bool,
    ) {
        self.0.try_update(|actions| {
            actions.push(LoggedAction {
                at: Utc::now(),
                kind,
                subject,
                reference,
                outcome,
                issued_password,
            })
        });
    }

    /// A renewal Keyfactor answered (issued, pending, denied, …).
    pub fn renewal(self, subject: String, response: &RenewalResponse) {
        self.record(
            ActionKind::Renewal,
            subject,
            renewal_reference(response),
            renewal_outcome(response),
            response.password.is_some(),
        );
    }

    /// A renewal that brought no answer.
    pub fn renewal_failed(self, subject: String, error: &ApiError) {
        self.record(
            ActionKind::Renewal,
            subject,
            String::new(),
            format!("not renewed: {error}"),
            false,
        );
    }

    /// A Replace or Deploy Keyfactor answered, with the stores it scheduled.
    pub fn installation(
        self,
        kind: ActionKind,
        subject: String,
        answer: &EnrollmentManagementResponse,
    ) {
        self.record(
            kind,
            subject,
            answer.successful_stores.join(", "),
            installation_outcome(answer),
            false,
        );
    }

    /// A Replace or Deploy that scheduled nothing.
    pub fn installation_failed(self, kind: ActionKind, subject: String, error: &ApiError) {
        self.record(
            kind,
            subject,
            String::new(),
            format!("not scheduled: {error}"),
            false,
        );
    }

    /// Retiring a superseded certificate: revoked, refused, or what went wrong.
    pub fn revocation(self, superseded: &Superseded, answer: &Result<Retired, ApiError>) {
        let outcome = match answer {
            Ok(retired) => retired.describe(superseded.old_id),
            Err(error) => format!("not revoked: {error}"),
        };
        self.record(
            ActionKind::Revocation,
            format!("{} (ID {})", superseded.common_name, superseded.old_id),
            format!("superseded by certificate {}", superseded.new_id),
            outcome,
            false,
        );
    }

    /// An approver's decision on request `request_id` about `subject`; a cancelled one is not logged.
    pub fn decision(
        self,
        request_id: i32,
        subject: String,
        decision: &Decision,
        answer: &Result<DecisionOutcome, ApiError>,
    ) {
        let outcome = match answer {
            Ok(outcome) => outcome.sentence(),
            Err(ApiError::Cancelled) => return,
            Err(error) => format!("not sent: {error}"),
        };
        let kind = match decision {
            Decision::Approve => ActionKind::Approval,
            Decision::Deny(_) => ActionKind::Denial,
        };
        self.record(
            kind,
            subject,
            format!("request {request_id}"),
            outcome,
            false,
        );
    }

    pub fn actions(self) -> Signal<Vec<LoggedAction>> {
        self.0.into()
    }
}

/// The log of this tab (provided once by the app).
pub fn use_action_log() -> ActionLog {
    expect_context::<ActionLog>()
}
