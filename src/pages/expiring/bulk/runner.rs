//! The requests of a run: each row's renewal, then its Replace, then (when asked) the revocation of its
//! superseded certificate, started while the run's state machine allows, each answer recorded in the run,
//! the action log and the row's password.

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::domain::action_log::ActionKind;
use crate::domain::bulk::{BulkRun, PlannedRow, RenewalAnswer, RowState, Work};
use crate::domain::display;
use crate::domain::renewal::replace_request;
use crate::domain::revocation::Superseded;
use crate::domain::submission::Failure;
use crate::domain::{RequestTimestamp, SecretString};
use crate::flows::renewal::{renew_once, RenewOutcome};
use crate::flows::revocation::retire_once;
use crate::hooks::use_action_log::{use_action_log, ActionLog};

/// Drives a run: starts rows while the state machine allows, and records each answer.
#[derive(Clone)]
pub(super) struct Runner {
    client: KeyfactorClient,
    log: ActionLog,
    rows: StoredValue<Vec<PlannedRow>>,
    run: RwSignal<BulkRun>,
    passwords: StoredValue<Vec<RwSignal<Option<SecretString>>>>,
    /// The view's owner: tasks started from a click (retry, continue) must belong to it too.
    owner: Owner,
}

impl Runner {
    /// A runner for the calling view, which owns its tasks; `passwords` has one slot per row.
    pub(super) fn new(
        rows: Vec<PlannedRow>,
        run: RwSignal<BulkRun>,
        passwords: Vec<RwSignal<Option<SecretString>>>,
    ) -> Self {
        Self {
            client: expect_context::<KeyfactorClient>(),
            log: use_action_log(),
            rows: StoredValue::new(rows),
            run,
            passwords: StoredValue::new(passwords),
            owner: Owner::current().unwrap_or_default(),
        }
    }

    /// Starts every row the limit allows; each finished request starts the next. The tasks belong to
    /// this view: leaving it aborts them.
    pub(super) fn pump(&self) {
        while let Some((index, work)) = self.run.try_update(BulkRun::start_next).flatten() {
            let runner = self.clone();
            self.owner.with(|| {
                spawn_local_scoped_with_cancellation(async move {
                    match work {
                        Work::Renew => runner.renew(index).await,
                        Work::Replace => runner.replace(index).await,
                        Work::Retire => runner.retire(index).await,
                    }
                    runner.pump();
                })
            });
        }
    }

    fn row(&self, index: usize) -> Option<PlannedRow> {
        self.rows
            .try_with_value(|rows| rows.get(index).cloned())
            .flatten()
    }

    fn password(&self, index: usize) -> Option<RwSignal<Option<SecretString>>> {
        self.passwords
            .try_with_value(|p| p.get(index).copied())
            .flatten()
    }

    async fn renew(&self, index: usize) {
        let Some(row) = self.row(index) else { return };
        let subject = display::certificate_label(&row.certificate);
        let answer = match row
            .renewal
            .request(row.certificate.id, RequestTimestamp::now())
        {
            None => RenewalAnswer::Failed {
                message: "This certificate needs a choice of CA and template.".to_owned(),
                unconfirmed_since: None,
            },
            Some(request) => {
                let unconfirmed = self.run.with_untracked(|r| r.unconfirmed_since(index));
                let sent_at = Utc::now();
                match renew_once(&self.client, &request, &row.certificate, unconfirmed).await {
                    Ok(RenewOutcome::Issued(mut response)) => {
                        self.log.renewal(subject, &response);
                        let answer = RenewalAnswer::from_response(&response);
                        if let Some(password) = self.password(index) {
                            password.try_set(response.password.take());
                        }
                        answer
                    }
                    Ok(RenewOutcome::AlreadyRenewed(certificate)) => {
                        RenewalAnswer::AlreadyRenewed {
                            certificate_id: certificate.id,
                        }
                    }
                    Err(ApiError::Cancelled) => return,
                    Err(error) => {
                        self.log.renewal_failed(subject, &error);
                        if error.means_signed_out(self.client.auth_mode()) {
                            // Every next request would fail the same way: keep the rest for after sign-in.
                            self.run.try_update(BulkRun::stop);
                        }
                        RenewalAnswer::Failed {
                            message: error.to_string(),
                            unconfirmed_since: error.may_have_taken_effect().then_some(sent_at),
                        }
                    }
                }
            }
        };
        self.run.try_update(|r| r.renewal_answered(index, answer));
    }

    async fn replace(&self, index: usize) {
        let Some(row) = self.row(index) else { return };
        let renewed = self
            .run
            .with_untracked(|r| r.row(index).and_then(RowState::renewed).cloned());
        let secret = self.password(index).and_then(|p| p.get_untracked());
        let (Some(renewed), Some(secret)) = (renewed, secret) else {
            self.run.try_update(|r| {
                r.replace_answered(
                    index,
                    Err(
                        "The PFX password is no longer here, so Replace cannot be sent.".to_owned(),
                    ),
                )
            });
            return;
        };
        let subject = format!("new certificate {}", renewed.certificate_id);
        let submitted_at = Utc::now();
        let answer = match self
            .client
            .replace_pfx(&replace_request(
                row.certificate.id,
                renewed.certificate_id,
                Some(secret),
            ))
            .await
        {
            Ok(answer) => {
                self.log.installation(ActionKind::Replace, subject, &answer);
                Ok((answer, submitted_at))
            }
            Err(ApiError::Cancelled) => return,
            Err(error) => {
                self.log
                    .installation_failed(ActionKind::Replace, subject, &error);
                Err(error.to_string())
            }
        };
        self.run.try_update(|r| r.replace_answered(index, answer));
    }

    /// Revokes the row's superseded certificate, unless reading it again shows a store still holds it.
    async fn retire(&self, index: usize) {
        let Some(row) = self.row(index) else { return };
        let (renewed, lost_earlier) = self.run.with_untracked(|r| {
            (
                r.row(index).and_then(RowState::renewed).cloned(),
                r.retire_lost_earlier(index),
            )
        });
        let Some(renewed) = renewed else { return };
        let superseded = Superseded::of(&row.certificate, renewed.certificate_id);
        let answer = retire_once(&self.client, &superseded, lost_earlier, Utc::now()).await;
        if matches!(answer, Err(ApiError::Cancelled)) {
            return;
        }
        self.log.revocation(&superseded, &answer);
        let answer = answer.map_err(|error| {
            if error.means_signed_out(self.client.auth_mode()) {
                self.run.try_update(BulkRun::stop);
            }
            (error.to_string(), error.may_have_taken_effect())
        });
        self.run.try_update(|r| r.retire_answered(index, answer));
    }
}
