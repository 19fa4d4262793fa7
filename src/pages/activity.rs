//! "This session" (`/activity`): what the user did in this tab, with Keyfactor's ids and the outcomes, and
//! a copy as JSON (passwords only as `<redacted>`) for their records or a help-desk ticket. Gone on reload.

use leptos::prelude::*;

use crate::components::data_table::DataTable;
use crate::components::page_section::PageSection;
use crate::components::secret_value::copy_text;
use crate::domain::action_log::export_json;
use crate::domain::display::clock;
use crate::hooks::use_action_log::use_action_log;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let actions = use_action_log().actions();
    let copy_status = RwSignal::new(String::new());
    let copy = move |_| {
        let text = export_json(&actions.get_untracked());
        copy_status.set(String::new());
        copy_text(&text, move |copied| {
            copy_status.set(if copied {
                "The log was copied to the clipboard as JSON (passwords redacted).".to_owned()
            } else {
                "The browser did not allow copying to the clipboard.".to_owned()
            });
        });
    };
    let table = move || {
        let actions = actions.get();
        if actions.is_empty() {
            return view! { <p>"Nothing yet: renewals, deployments and reenrollments you start in this tab are listed here."</p> }.into_any();
        }
        view! {
            <DataTable caption="What you did in this tab, oldest first" headers=&["Time (UTC)", "Action", "Certificate or store", "Keyfactor ids", "Outcome"]>
                {actions.into_iter().map(|action| view! {
                    <tr>
                        <td class="num">{clock(action.at)}</td>
                        <th scope="row">{action.kind.label()}</th>
                        <td>{action.subject}</td>
                        <td>{action.reference}</td>
                        <td>{action.outcome}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
            <div class="button-row">
                <button type="button" class="secondary" on:click=copy>"Copy as JSON"</button>
            </div>
            <p role="status" class="status-line">{move || copy_status.get()}</p>
        }
        .into_any()
    };
    view! {
        <PageSection
            title="This session"
            lead="Kept in this tab's memory only: a reload or closing the tab clears it. Passwords are never kept."
        >            {table}
        </PageSection>
    }
}
