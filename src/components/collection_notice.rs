//! Which certificate collection the portal asks Keyfactor in, shown in the header so a user scoped to a
//! collection sees that the link they opened set it (or why it did not).

use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::domain::collection::{from_url_search, CollectionIdError};

/// Reads `?collection=` of the address the portal was opened with (it wins over config.json's) and
/// shows the collection in use, or why the link's was not used.
#[component]
pub fn CollectionNotice() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let search = window().location().search().unwrap_or_default();
    let refused: Option<CollectionIdError> = match from_url_search(&search) {
        Some(Ok(collection)) => {
            client.set_collection(Some(collection));
            None
        }
        Some(Err(error)) => Some(error),
        None => None,
    };
    let collection = client.collection();
    view! {
        {move || collection.get().map(|collection| view! {
            <p class="collection-note">{format!("Certificate collection {collection}")}</p>
        })}
        {refused.map(|error| view! {
            <p class="collection-note" role="alert">
                {format!("The link's certificate collection was not used: {error}")}
            </p>
        })}
    }
}
