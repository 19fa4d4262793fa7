//! The plan step: how each row would be renewed, the one CA and template for the rows that need one,
//! whether to Replace, and the confirmation that starts the run.

use leptos::prelude::*;
use leptos_router::components::A;

use super::certificates_count;
use crate::components::data_table::DataTable;
use crate::components::enrollment_pickers::EnrollmentPickers;
use crate::components::installation_job::store_label;
use crate::domain::bulk::{AfterRenewal, PlannedRow, RowRenewal, BULK_AT_ONCE};
use crate::domain::command_version::CommandVersion;
use crate::domain::display;
use crate::domain::models::EnrollmentProfile;
use crate::domain::renewal::{parse_authority, parse_profile, SeededChoice};
use crate::routes::href;

/// The one CA and template typed for the rows whose own may not be used.
#[derive(Clone, Copy)]
struct BatchChoice {
    ca: RwSignal<String>,
    profile: RwSignal<String>,
    ca_result: Memo<Result<String, String>>,
    profile_result: Memo<Result<EnrollmentProfile, String>>,
    /// Set by the first confirmation: the errors show from then on.
    tried: RwSignal<bool>,
}

impl BatchChoice {
    fn new(version: CommandVersion) -> Self {
        let ca = RwSignal::new(String::new());
        let profile = RwSignal::new(String::new());
        Self {
            ca,
            profile,
            ca_result: Memo::new(move |_| ca.with(|raw| parse_authority(raw))),
            profile_result: Memo::new(move |_| profile.with(|raw| parse_profile(version, raw))),
            tried: RwSignal::new(false),
        }
    }

    /// Both empty is a valid answer: those rows stay out of the batch.
    fn is_empty(self) -> bool {
        self.ca.with(|c| c.trim().is_empty()) && self.profile.with(|p| p.trim().is_empty())
    }

    fn choice(self) -> Option<SeededChoice> {
        Some(SeededChoice {
            certificate_authority: self.ca_result.get().ok()?,
            profile: self.profile_result.get().ok()?,
        })
    }

    /// `error`, once the user has tried to confirm a choice that is not empty.
    fn shown(self, error: Option<String>) -> Option<String> {
        (self.tried.get() && !self.is_empty())
            .then_some(error)
            .flatten()
    }
}

/// The plan, the one CA and template for the rows that need one, and the confirmation: `start` gets the
/// rows to renew and what to do once each is issued.
#[component]
pub(super) fn PlanStep(
    version: CommandVersion,
    rows: Vec<PlannedRow>,
    start: Callback<(Vec<PlannedRow>, AfterRenewal)>,
    close: Callback<bool>,
) -> impl IntoView {
    let needing = rows
        .iter()
        .filter(|r| r.renewal == RowRenewal::NeedsChoice)
        .count();
    let batch = BatchChoice::new(version);
    let rows = StoredValue::new(rows);
    let planned = Memo::new(move |_| {
        let choice = batch.choice();
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
    let to_renew = Signal::derive(move || count(|r| r.renewal.included()));
    let in_stores = Signal::derive(move || count(|r| r.renewal.included() && !r.stores.is_empty()));
    let total = move || planned.with(Vec::len);
    let replace = RwSignal::new(true);
    // Off by default: revoking is for the user to ask for.
    let retire = RwSignal::new(false);
    let confirm = move |_| {
        batch.tried.set(true);
        if !batch.is_empty() && batch.choice().is_none() {
            return;
        }
        let included = planned.with_untracked(|p| {
            p.iter()
                .filter(|r| r.renewal.included())
                .cloned()
                .collect::<Vec<_>>()
        });
        let replace = replace.get_untracked();
        let after = AfterRenewal {
            replace,
            retire: replace && retire.get_untracked(),
        };
        start.run((included, after));
    };
    view! {
        <p>{move || format!(
            "{} will be renewed, {BULK_AT_ONCE} at a time; {} left out. Each renewal issues a new certificate with a new PFX password, shown here once.",
            to_renew.get(),
            total() - to_renew.get(),
        )}</p>
        <PlanTable planned />
        {(needing > 0).then(|| view! { <BatchChoiceFields needing version batch /> })}
        <Show when=move || { to_renew.get() > 0 }>
            <ReplaceCheckbox replace to_renew in_stores />
            <RetireCheckbox replace retire />
        </Show>
        <div class="button-row">
            <Show when=move || { to_renew.get() > 0 }>
                <button type="button" on:click=confirm>{move || format!("Renew {}", certificates_count(to_renew.get()))}</button>
            </Show>
            <button type="button" class="secondary" on:click=move |_| close.run(false)>"Back to the list"</button>
        </div>
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

/// One row per ticked certificate: how it would be renewed (a row left out links to its own renewal),
/// and the stores Replace would touch.
#[component]
fn PlanTable(planned: Memo<Vec<PlannedRow>>) -> impl IntoView {
    view! {
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
    }
}

/// The one CA and template for the `needing` rows whose own may not be used.
#[component]
fn BatchChoiceFields(needing: usize, version: CommandVersion, batch: BatchChoice) -> impl IntoView {
    let ca_error = Signal::derive(move || batch.shown(batch.ca_result.get().err()));
    let profile_error = Signal::derive(move || batch.shown(batch.profile_result.get().err()));
    view! {
        <fieldset class="bulk-choice">
            <legend>{format!("CA and template for the {needing} that need one")}</legend>
            <p class="field-hint">"One choice for all of them. Leave both empty to leave them out of the batch."</p>
            <EnrollmentPickers version certificate_authority=batch.ca profile=batch.profile ca_error profile_error id_prefix="bulk" />
        </fieldset>
    }
}

/// Whether the run replaces each old certificate in its stores once the new one is issued.
#[component]
fn ReplaceCheckbox(
    replace: RwSignal<bool>,
    to_renew: Signal<usize>,
    in_stores: Signal<usize>,
) -> impl IntoView {
    view! {
        <div class="checkbox">
            <input type="checkbox" id="bulk-replace" prop:checked=move || replace.get()
                on:change:target=move |ev| replace.set(ev.target().checked()) />
            <label for="bulk-replace">{move || format!("Then replace each old certificate in the stores that hold it ({} of {} are in a store)", in_stores.get(), to_renew.get())}</label>
        </div>
    }
}

/// Whether the run revokes each superseded certificate once its installation jobs all succeeded.
#[component]
fn RetireCheckbox(replace: RwSignal<bool>, retire: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="checkbox">
            <input type="checkbox" id="bulk-retire" aria-describedby="bulk-retire-hint"
                disabled=move || !replace.get()
                prop:checked=move || retire.get()
                on:change:target=move |ev| retire.set(ev.target().checked()) />
            <label for="bulk-retire">"Revoke each superseded certificate once its installation jobs succeed"</label>
            <p class="field-hint" id="bulk-retire-hint">
                "Reason: superseded (4). A row whose job fails, or whose old certificate a store still holds, is not revoked, and says why. Needs Replace."
            </p>
        </div>
    }
}
