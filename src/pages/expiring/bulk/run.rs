//! The run: its summary, its buttons (stop, retry, continue, copy the passwords, back), and one row per
//! certificate. Closing or reloading the tab while it matters makes the browser ask first.

use leptos::html;
use leptos::prelude::*;

use super::copy_passwords::CopyPasswords;
use super::row::BulkRow;
use super::runner::Runner;
use crate::components::data_table::DataTable;
use crate::domain::bulk::{AfterRenewal, BulkRun, PlannedRow, BULK_AT_ONCE};
use crate::domain::SecretString;
use crate::hooks::use_secret_vault::use_secret_vault;

#[component]
pub(super) fn BulkRunView(
    rows: Vec<PlannedRow>,
    after: AfterRenewal,
    close: Callback<bool>,
) -> impl IntoView {
    let run = BulkRun::new(
        rows.iter()
            .map(|row| after.replace && !row.stores.is_empty())
            .collect(),
        BULK_AT_ONCE,
    );
    let run = RwSignal::new(if after.retire { run.retiring() } else { run });
    // One per row, in the vault: wiped when this view goes away or the user leaves.
    let vault = use_secret_vault();
    let passwords: Vec<RwSignal<Option<SecretString>>> =
        rows.iter().map(|_| vault.hold()).collect();
    let runner = StoredValue::new_local(Runner::new(rows.clone(), run, passwords.clone()));
    runner.with_value(Runner::pump);
    // A row whose jobs all succeeded queues its revocation: start what the run allows.
    let pump = Callback::new(move |()| runner.with_value(Runner::pump));
    let again = Callback::new(move |change: fn(&mut BulkRun)| {
        run.update(change);
        runner.with_value(Runner::pump);
    });
    // The confirm button that started the run is gone: focus goes to the run's heading.
    let heading = NodeRef::<html::H3>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let running = Memo::new(move |_| run.with(BulkRun::is_running));
    let summary = Memo::new(move |_| run.with(BulkRun::summary));
    let with_password = {
        let passwords = passwords.clone();
        Memo::new(move |_| passwords.iter().filter(|p| p.with(Option::is_some)).count())
    };
    ask_before_leaving(running, with_password);
    let confirm_copy = RwSignal::new(false);
    let names: Vec<(String, i32)> = rows.iter().map(|r| (r.name(), r.certificate.id)).collect();

    view! {
        <h3 id="bulk-run-title" tabindex="-1" node_ref=heading>"The run"</h3>
        <p class="notice notice-warning"><strong>"Shown once — save them now. "</strong>
            "The portal does not keep these passwords: they are gone when you leave this view, and Keyfactor will not show them again."</p>
        <p role="status" id="bulk-summary" class="status-line">{move || summary.get().describe()}</p>
        <RunButtons run running again with_password confirm_copy close />
        <CopyPasswords confirm=confirm_copy with_password names passwords=passwords.clone() run />
        <DataTable caption="Each certificate's renewal and installation" headers=&["Certificate", "State", "New certificate", "PFX password", "Installation"] class="bulk-run">
            {rows.into_iter().zip(passwords).enumerate().map(|(index, (row, password))| {
                view! { <BulkRow index row run password pump /> }
            }).collect_view()}
        </DataTable>
    }
}

/// Closing or reloading the tab would abort renewals under way and lose the passwords: the browser asks.
fn ask_before_leaving(running: Memo<bool>, with_password: Memo<usize>) {
    let leaving = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if running.get_untracked() || with_password.get_untracked() > 0 {
            ev.prevent_default();
        }
    });
    on_cleanup(move || leaving.remove());
}

/// What the user may do with the run now: each button shows only when it applies. `again` changes the
/// run, then starts what it allows.
#[component]
fn RunButtons(
    run: RwSignal<BulkRun>,
    running: Memo<bool>,
    again: Callback<fn(&mut BulkRun)>,
    with_password: Memo<usize>,
    confirm_copy: RwSignal<bool>,
    close: Callback<bool>,
) -> impl IntoView {
    let failed = Memo::new(move |_| run.with(BulkRun::failed_count));
    let not_started = Memo::new(move |_| run.with(BulkRun::not_started_count));
    view! {
        <div class="button-row">
            <Show when=move || running.get()>
                <button type="button" class="secondary" on:click=move |_| run.update(BulkRun::stop)>"Stop after the requests under way"</button>
            </Show>
            <Show when=move || { !running.get() && failed.get() > 0 }>
                <button type="button" on:click=move |_| again.run(BulkRun::retry_failed)>
                    {move || format!("Retry the {} failed", failed.get())}
                </button>
            </Show>
            <Show when=move || { !running.get() && not_started.get() > 0 }>
                <button type="button" on:click=move |_| again.run(BulkRun::resume)>
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
    }
}
