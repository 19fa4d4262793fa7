//! One certificate of the list: its tick for bulk renewal, its names, issuer, expiry and stores, the
//! renewal it would get, and a link into the renewal flow.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;

use super::RenewalKind;
use crate::domain::display;
use crate::domain::expiring::{plan_label, store_count};
use crate::domain::models::Certificate;
use crate::domain::renewal::days_left;
use crate::routes::href;

#[component]
pub(super) fn ExpiringRow(
    certificate: Certificate,
    now: DateTime<Utc>,
    kinds: RwSignal<BTreeMap<i32, RenewalKind>>,
    selected: RwSignal<BTreeSet<i32>>,
) -> impl IntoView {
    let id = certificate.id;
    let name = display::certificate_name(&certificate);
    let sans = certificate
        .subject_alt_name_elements
        .iter()
        .filter_map(|san| san.value.clone())
        .filter(|value| Some(value) != certificate.issued_cn.as_ref())
        .collect::<Vec<_>>()
        .join(", ");
    let expires = certificate.not_after.map(display::date);
    let left = certificate.not_after.map(|t| days_left(t, now));
    let renewal = move || match kinds.with(|known| known.get(&id).cloned()) {
        Some(RenewalKind::Known(plan)) => plan_label(&plan),
        Some(RenewalKind::Unknown) => "Could not be read",
        Some(RenewalKind::Reading) | None => "Reading…",
    };
    let link_name = format!("Renew {name}");
    let tick_name = format!("Tick {name} for bulk renewal");
    view! {
        <tr>
            <td class="tick">
                <input type="checkbox" aria-label=tick_name
                    prop:checked=move || selected.with(|chosen| chosen.contains(&id))
                    on:change:target=move |ev| {
                        let on = ev.target().checked();
                        selected.update(|chosen| if on { chosen.insert(id); } else { chosen.remove(&id); });
                    } />
            </td>
            <th scope="row">{name}</th>
            <td>{sans}</td>
            <td>{certificate.issuer_dn.clone()}</td>
            <td class="num">{expires}</td>
            <td class="num">{left}</td>
            <td class="num">{store_count(&certificate)}</td>
            <td>{renewal}</td>
            <td><A href=href(&format!("/renew?id={id}")) attr:aria-label=link_name>"Renew"</A></td>
        </tr>
    }
}
