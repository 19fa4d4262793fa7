//! Bulk renewal of the ticked certificates: the plan (how each is renewed, which stores Replace would
//! touch, which are left out and why), one confirmation, then the run, `BULK_AT_ONCE` rows at a time,
//! each row showing its own state through to its stores' installation jobs. The passwords live in this
//! view only and are wiped when it goes away.

use std::collections::BTreeMap;

use chrono::Utc;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use leptos_router::components::A;

use super::RenewalKind;
use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::data_table::DataTable;
use crate::components::enrollment_pickers::EnrollmentPickers;
use crate::components::installation_job::{store_label, InstallationJobStatus};
use crate::components::secret_value::{copy_text, SecretValue};
use crate::domain::action_log::ActionKind;
use crate::domain::bulk::{
    passwords_csv, BulkRun, PasswordLine, PlannedRow, RenewalAnswer, RowRenewal, RowState, Work,
    BULK_AT_ONCE,
};
use crate::domain::command_version::CommandVersion;
use crate::domain::display;
use crate::domain::models::{Certificate, EnrollmentProfile};
use crate::domain::renewal::{
    parse_authority, parse_profile, replace_request, RenewalPlan, SeededChoice,
};
use crate::domain::submission::Failure;
use crate::domain::{RequestTimestamp, SecretString};
use crate::flows::bulk::load_plan;
use crate::flows::renewal::{renew_once, RenewOutcome};
use crate::hooks::use_action_log::{use_action_log, ActionLog};
use crate::hooks::use_secret_vault::use_secret_vault;
use crate::routes::href;

#[component]
pub(super) fn BulkRenewal(
    certificates: Vec<Certificate>,
    kinds: RwSignal<BTreeMap<i32, RenewalKind>>,
    /// Back to the list; `true` when something was sent.
    close: Callback<bool>,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let count = certificates.len();
    let plan = LocalResource::new(move || {
        let (client, certificates) = (client.clone(), certificates.clone());
        let known = kinds.with_untracked(known_plans);
        async move { load_plan(&client, &certificates, &known).await }
    });
    view! {
        <section aria-labelledby="bulk-title" class="bulk-renewal">
            <h2 id="bulk-title" tabindex="-1" node_ref=heading>{format!("Renew {}", certificates_count(count))}</h2>
            <Transition fallback=|| view! { <p role="status">"Reading how each certificate can be renewed…"</p> }>
                {move || Suspend::new(async move {
                    match plan.await {
                        Ok((version, rows)) => view! { <BulkPlan version rows close /> }.into_any(),
                        Err(error) => view! {
                            <ApiErrorNotice error retry=Callback::new(move |()| plan.refetch()) />
                            <button type="button" class="secondary" on:click=move |_| close.run(false)>"Back to the list"</button>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The plans the list has read already, so the bulk plan does not ask for them again.
fn known_plans(kinds: &BTreeMap<i32, RenewalKind>) -> BTreeMap<i32, RenewalPlan> {
    kinds
        .iter()
        .filter_map(|(id, kind)| match kind {
            RenewalKind::Known(plan) => Some((*id, plan.clone())),
            RenewalKind::Reading | RenewalKind::Unknown => None,
        })
        .collect()
}

/// "1 certificate", "2 certificates".
fn certificates_count(n: usize) -> String {
    if n == 1 {
        "1 certificate".to_owned()
    } else {
        format!("{n} certificates")
    }
}

/// What the plan table says about a row's renewal.
fn renewal_text(renewal: &RowRenewal) -> String {
    match renewal {
        RowRenewal::OneClick => "One-click".to_owned(),
        RowRenewal::Seeded(choice) => {
            let profile = match &choice.profile {
                EnrollmentProfile::Template(name) => format!("template {name}"),
                EnrollmentProfile::EnrollmentPattern(id) => format!("enrollment pattern {id}"),
            };
            format!("Seeded: {profile} from {}", choice.certificate_authority)
        }
        RowRenewal::NeedsChoice => {
            "CA and template needed: its own are not ones you may use. Choose them below for the batch, or renew it on its own."
                .to_owned()
        }
        RowRenewal::NotRenewable { reason } => format!("Left out: {reason}"),
    }
}

#[component]
fn BulkPlan(
    version: CommandVersion,
    rows: Vec<PlannedRow>,
    close: Callback<bool>,
) -> impl IntoView {
    let started = RwSignal::new(None::<(Vec<PlannedRow>, bool)>);
    let start = Callback::new(move |choice| started.set(Some(choice)));
    move || match started.get() {
        None => view! { <PlanStep version rows=rows.clone() start close /> }.into_any(),
        Some((rows, replace)) => view! { <BulkRunView rows replace close /> }.into_any(),
    }
}

/// The plan, the one CA and template for the rows that need one, and the confirmation: `start` gets the
/// rows to renew and whether to Replace.
#[component]
fn PlanStep(
    version: CommandVersion,
    rows: Vec<PlannedRow>,
    start: Callback<(Vec<PlannedRow>, bool)>,
    close: Callback<bool>,
) -> impl IntoView {
    let needing = rows
        .iter()
        .filter(|r| r.renewal == RowRenewal::NeedsChoice)
        .count();
    let ca = RwSignal::new(String::new());
    let profile = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let ca_result = Memo::new(move |_| ca.with(|raw| parse_authority(raw)));
    let profile_result = Memo::new(move |_| profile.with(|raw| parse_profile(version, raw)));
    // Both empty is a valid answer: those rows stay out of the batch.
    let nothing_chosen =
        move || ca.with(|c| c.trim().is_empty()) && profile.with(|p| p.trim().is_empty());
    let choice = move || {
        Some(SeededChoice {
            certificate_authority: ca_result.get().ok()?,
            profile: profile_result.get().ok()?,
        })
    };
    let shown = move |error: Option<String>| {
        (tried.get() && !nothing_chosen())
            .then_some(error)
            .flatten()
    };
    let ca_error = Signal::derive(move || shown(ca_result.get().err()));
    let profile_error = Signal::derive(move || shown(profile_result.get().err()));
    let rows = StoredValue::new(rows);
    let planned = Memo::new(move |_| {
        let choice = choice();
        rows.with_value(|rows| {
            rows.iter()
                .map(|row| PlannedRow {
                    renewal: row.renewal.with_choice(choice.as_ref()),
                    ..row.clone()
                })
                .collect::<Vec<_>>()
        })
    });
    let count = move |which: fn(&PlannedRow) -> bool| {
        planned.with(|p| p.iter().filter(|r| which(r)).count())
    };
    let to_renew = move || count(|r| r.renewal.included());
    let in_stores = move || count(|r| r.renewal.included() && !r.stores.is_empty());
    let total = move || planned.with(Vec::len);
    let replace = RwSignal::new(true);
    let confirm = move |_| {
        tried.set(true);
        if !nothing_chosen() && choice().is_none() {
            return;
        }
        let included = planned.with_untracked(|p| {
            p.iter()
                .filter(|r| r.renewal.included())
                .cloned()
                .collect::<Vec<_>>()
        });
        start.run((included, replace.get_untracked()));
    };
    view! {
        <p>{move || format!(
            "{} will be renewed, {BULK_AT_ONCE} at a time; {} left out. Each renewal issues a new certificate with a new PFX password, shown here once.",
            to_renew(),
            total() - to_renew(),
        )}</p>
        <DataTable caption="The plan, soonest expiry first" headers=&["Certificate", "Expires", "Renewal", "Stores Replace would touch"]>
            {move || planned.get().into_iter().map(|row| {
                let link = (!row.renewal.included()).then(|| {
                    let id = row.certificate.id;
                    view! { " " <A href=href(&format!("/renew?id={id}"))>{format!("Renew {} on its own", row.name())}</A> }
                });
                let stores = if row.stores.is_empty() {
                    "none".to_owned()
                } else {
                    row.stores.iter().map(store_label).collect::<Vec<_>>().join("; ")
                };
                view! {
                    <tr>
                        <th scope="row">{row.name()}</th>
                        <td class="num">{row.certificate.not_after.map(display::date)}</td>
                        <td>{renewal_text(&row.renewal)}{link}</td>
                        <td>{stores}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
        {(needing > 0).then(|| view! {
            <fieldset class="bulk-choice">
                <legend>{format!("CA and template for the {needing} that need one")}</legend>
                <p class="field-hint">"One choice for all of them. Leave both empty to leave them out of the batch."</p>
                <EnrollmentPickers version certificate_authority=ca profile ca_error profile_error id_prefix="bulk" />
            </fieldset>
        })}
        <Show when=move || { to_renew() > 0 }>
            <div class="checkbox">
                <input type="checkbox" id="bulk-replace" prop:checked=move || replace.get()
                    on:change:target=move |ev| replace.set(ev.target().checked()) />
                <label for="bulk-replace">{move || format!("Then replace each old certificate in the stores that hold it ({} of {} are in a store)", in_stores(), to_renew())}</label>
            </div>
        </Show>
        <div class="button-row">
            <Show when=move || { to_renew() > 0 }>
                <button type="button" on:click=confirm>{move || format!("Renew {}", certificates_count(to_renew()))}</button>
            </Show>
            <button type="button" class="secondary" on:click=move |_| close.run(false)>"Back to the list"</button>
        </div>
    }
}

/// Drives a run: starts rows while the state machine allows, and records each answer.
#[derive(Clone)]
struct Runner {
    client: KeyfactorClient,
    log: ActionLog,
    rows: StoredValue<Vec<PlannedRow>>,
    run: RwSignal<BulkRun>,
    passwords: StoredValue<Vec<RwSignal<Option<SecretString>>>>,
    /// The view's owner: tasks started from a click (retry, continue) must belong to it too.
    owner: Owner,
}

impl Runner {
    /// Starts every row the limit allows; each finished request starts the next. The tasks belong to
    /// this view: leaving it aborts them.
    fn pump(&self) {
        while let Some((index, work)) = self.run.try_update(BulkRun::start_next).flatten() {
            let runner = self.clone();
            self.owner.with(|| {
                spawn_local_scoped_with_cancellation(async move {
                    match work {
                        Work::Renew => runner.renew(index).await,
                        Work::Replace => runner.replace(index).await,
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
                secret,
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
}

#[component]
fn BulkRunView(rows: Vec<PlannedRow>, replace: bool, close: Callback<bool>) -> impl IntoView {
    let run = RwSignal::new(BulkRun::new(
        rows.iter()
            .map(|row| replace && !row.stores.is_empty())
            .collect(),
        BULK_AT_ONCE,
    ));
    // One per row, in the vault: wiped when this view goes away or the user leaves.
    let vault = use_secret_vault();
    let passwords: Vec<RwSignal<Option<SecretString>>> =
        rows.iter().map(|_| vault.hold()).collect();
    let runner = StoredValue::new_local(Runner {
        client: expect_context::<KeyfactorClient>(),
        log: use_action_log(),
        rows: StoredValue::new(rows.clone()),
        run,
        passwords: StoredValue::new(passwords.clone()),
        owner: Owner::current().unwrap_or_default(),
    });
    runner.with_value(Runner::pump);
    // The confirm button that started the run is gone: focus goes to the run's heading.
    let heading = NodeRef::<html::H3>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });

    let running = Memo::new(move |_| run.with(BulkRun::is_running));
    let summary = Memo::new(move |_| run.with(BulkRun::summary));
    let failed = Memo::new(move |_| run.with(BulkRun::failed_count));
    let not_started = Memo::new(move |_| run.with(BulkRun::not_started_count));
    let with_password = {
        let passwords = passwords.clone();
        Memo::new(move |_| passwords.iter().filter(|p| p.with(Option::is_some)).count())
    };
    // Closing or reloading the tab would abort renewals under way and lose the passwords: the browser asks.
    let leaving = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if running.get_untracked() || with_password.get_untracked() > 0 {
            ev.prevent_default();
        }
    });
    on_cleanup(move || leaving.remove());
    let again = move |change: fn(&mut BulkRun)| {
        run.update(change);
        runner.with_value(Runner::pump);
    };
    let confirm_copy = RwSignal::new(false);
    let copy_status = RwSignal::new(String::new());
    let names: Vec<(String, i32)> = rows.iter().map(|r| (r.name(), r.certificate.id)).collect();
    let copy_csv = {
        let passwords = passwords.clone();
        move |_| {
            let secrets: Vec<Option<SecretString>> =
                passwords.iter().map(|p| p.get_untracked()).collect();
            let states = run.with_untracked(|r| r.rows().to_vec());
            let lines: Vec<PasswordLine> = names
                .iter()
                .zip(&secrets)
                .zip(&states)
                .filter_map(|(((name, old_id), secret), state)| {
                    let renewed = state.renewed()?;
                    Some(PasswordLine {
                        name,
                        old_id: *old_id,
                        new_id: renewed.certificate_id,
                        thumbprint: renewed.thumbprint.as_deref().unwrap_or_default(),
                        password: secret.as_ref()?,
                    })
                })
                .collect();
            let count = lines.len();
            let csv = passwords_csv(&lines);
            confirm_copy.set(false);
            copy_text(csv.expose(), move |copied| {
                copy_status.set(if copied {
                    format!("{count} passwords were copied to the clipboard as CSV.")
                } else {
                    "The browser did not allow copying to the clipboard.".to_owned()
                });
            });
        }
    };

    view! {
        <h3 id="bulk-run-title" tabindex="-1" node_ref=heading>"The run"</h3>
        <p class="notice notice-warning"><strong>"Shown once — save them now. "</strong>
            "The portal does not keep these passwords: they are gone when you leave this view, and Keyfactor will not show them again."</p>
        <p role="status" id="bulk-summary" class="status-line">{move || summary.get().describe()}</p>
        <div class="button-row">
            <Show when=move || running.get()>
                <button type="button" class="secondary" on:click=move |_| run.update(BulkRun::stop)>"Stop after the requests under way"</button>
            </Show>
            <Show when=move || { !running.get() && failed.get() > 0 }>
                <button type="button" on:click=move |_| again(BulkRun::retry_failed)>
                    {move || format!("Retry the {} failed", failed.get())}
                </button>
            </Show>
            <Show when=move || { !running.get() && not_started.get() > 0 }>
                <button type="button" on:click=move |_| again(BulkRun::resume)>
                    {move || format!("Continue with the {} not started", not_started.get())}
                </button>
            </Show>
            <Show when=move || { with_password.get() > 0 }>
                <button type="button" class="secondary" aria-expanded=move || confirm_copy.get().to_string() aria-controls="bulk-copy-confirm"
                    on:click=move |_| confirm_copy.update(|open| *open = !*open)>
                    "Copy all passwords as CSV…"
                </button>
            </Show>
            <Show when=move || !running.get()>
                <button type="button" class="secondary" on:click=move |_| close.run(true)>"Back to the list"</button>
            </Show>
        </div>
        <div id="bulk-copy-confirm">
            <Show when=move || confirm_copy.get()>
                <div class="notice notice-warning">
                    <p>{move || format!(
                        "This puts {} PFX passwords on the clipboard as plain text. Anything that can read the clipboard can read them until you copy something else. Paste them only into a password manager or vault.",
                        with_password.get()
                    )}</p>
                    <div class="button-row">
                        <button type="button" on:click=copy_csv.clone()>"Copy the passwords"</button>
                        <button type="button" class="secondary" on:click=move |_| confirm_copy.set(false)>"Cancel"</button>
                    </div>
                </div>
            </Show>
        </div>
        <p role="status" class="status-line">{move || copy_status.get()}</p>
        <DataTable caption="Each certificate's renewal and installation" headers=&["Certificate", "State", "New certificate", "PFX password", "Installation"] class="bulk-run">
            {rows.into_iter().zip(passwords).enumerate().map(|(index, (row, password))| {
                view! { <BulkRow index row run password /> }
            }).collect_view()}
        </DataTable>
    }
}

#[component]
fn BulkRow(
    index: usize,
    row: PlannedRow,
    run: RwSignal<BulkRun>,
    password: RwSignal<Option<SecretString>>,
) -> impl IntoView {
    let state = Memo::new(move |_| {
        run.with(|r| r.row(index).cloned())
            .unwrap_or(RowState::Queued)
    });
    let name = row.name();
    let stores = row.stores.clone();
    let new_certificate = move || {
        state.with(|s| match s {
            RowState::Ended(RenewalAnswer::Pending { request_id, .. }) => {
                request_id.map(|id| format!("request {id}"))
            }
            RowState::Ended(RenewalAnswer::AlreadyRenewed { certificate_id }) => {
                Some(format!("ID {certificate_id}"))
            }
            other => other.renewed().map(|r| {
                let request = r
                    .request_id
                    .map(|id| format!(", request {id}"))
                    .unwrap_or_default();
                format!("ID {}{request}", r.certificate_id)
            }),
        })
    };
    let installation = move || match state.get() {
        RowState::Replaced {
            scheduled,
            failed,
            submitted_at,
            ..
        } => {
            let jobs = stores
                .iter()
                .filter(|l| l.store_id.as_ref().is_some_and(|id| scheduled.iter().any(|s| s.eq_ignore_ascii_case(id))))
                .cloned()
                .map(|location| view! {
                    <li>{store_label(&location)}": " <InstallationJobStatus location submitted_at /></li>
                })
                .collect_view();
            let failed = failed
                .iter()
                .map(|id| {
                    let label = stores
                        .iter()
                        .find(|l| l.store_id.as_ref().is_some_and(|s| s.eq_ignore_ascii_case(id)))
                        .map_or_else(|| id.clone(), store_label);
                    view! { <li>{format!("{label}: Keyfactor could not schedule a job there")}</li> }
                })
                .collect_view();
            view! { <ul class="bulk-jobs">{jobs}{failed}</ul> }.into_any()
        }
        other if other.renewed().is_some() && stores.is_empty() => "In no store".into_any(),
        _ => ().into_any(),
    };
    let secret_name = format!("PFX password for {name}");
    let secret_id = format!("bulk-pfx-{index}");
    view! {
        <tr data-state=move || state.with(RowState::label)>
            <th scope="row">{name}</th>
            <td>
                <span class="bulk-state">{move || state.with(RowState::label)}</span>
                {move || state.with(|s| s.message().map(|m| view! { <span class="bulk-message">{m.to_owned()}</span> }))}
            </td>
            <td>{new_certificate}</td>
            <td>{move || password.with(Option::is_some).then(|| view! {
                <SecretValue id=secret_id.clone() label=secret_name.clone() secret=password />
            })}</td>
            <td>{installation}</td>
        </tr>
    }
}
