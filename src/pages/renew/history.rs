//! The certificate's history on the plan: who issued, renewed, deployed or revoked it, and when. Read on its
//! own, so a refusal or a failure only leaves this part out.

use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::components::api_error::ApiErrorNotice;
use crate::components::data_table::DataTable;
use crate::domain::display;
use crate::domain::models::CertificateOperation;

#[component]
pub(super) fn CertificateHistory(certificate_id: i32) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let history = LocalResource::new(move || {
        let client = client.clone();
        async move { client.certificate_history(certificate_id).await }
    });
    view! {
        <Transition fallback=|| view! { <p role="status">"Reading the certificate's history…"</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(rows) if rows.is_empty() => view! { <p>"Keyfactor has no history for this certificate."</p> }.into_any(),
                    Ok(rows) => view! { <HistoryTable rows /> }.into_any(),
                    Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| history.refetch()) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn HistoryTable(rows: Vec<CertificateOperation>) -> impl IntoView {
    view! {
        <DataTable caption="The certificate's history, newest first" headers=&["When", "What", "Who", "Details"] class="certificate-history">
            {rows.into_iter().map(|row| view! {
                <tr>
                    <td class="num">{row.operation_start.map(display::minute)}</td>
                    <th scope="row">{row.action}</th>
                    <td>{row.username}</td>
                    <td>{row.comment}</td>
                </tr>
            }).collect_view()}
        </DataTable>
    }
}
