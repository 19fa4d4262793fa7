//! "Get the certificate as a file": the certificate in the format the server needs, and, where Command holds
//! its private key, the PFX. Files are handed to the browser from memory (an object URL revoked at once); the
//! PFX's bytes are wiped once handed over, and its password is the renewal's or one typed here, kept in this
//! view only.

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::field::{SelectField, SelectOption, TextField};
use crate::domain::retrieval::{file_name, parse_pfx_password, CertificateFormat, PFX_MEDIA_TYPE};
use crate::domain::SecretString;
use crate::hooks::save_file::save_file;
use crate::hooks::use_view_tasks::{use_view_tasks, ViewTasks};
use leptos::prelude::*;

/// `password`: the renewal's generated password, when this is the certificate it just issued.
#[component]
pub fn CertificateDownload(
    /// Names the section: the plan's and the renewal result's are on one page.
    heading: &'static str,
    certificate_id: i32,
    #[prop(into)] name: String,
    /// Command holds the key: offer the PFX.
    recoverable: bool,
    #[prop(optional)] password: Option<RwSignal<Option<SecretString>>>,
) -> impl IntoView {
    let format = RwSignal::new(CertificateFormat::PemWithChain.key().to_owned());
    let status = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let fetch = Fetcher {
        client: expect_context::<KeyfactorClient>(),
        tasks: use_view_tasks(),
        certificate_id,
        name: name.clone(),
        status,
        failure,
        busy,
    };
    let download = {
        let fetch = fetch.clone();
        move |_| fetch.certificate(CertificateFormat::from_key(&format.get_untracked()))
    };
    let options = CertificateFormat::ALL
        .map(|f| SelectOption {
            value: f.key().to_owned(),
            label: f.label().to_owned(),
        })
        .to_vec();
    view! {
        <section class="certificate-download" aria-labelledby=format!("download-{certificate_id}")>
            <h3 id=format!("download-{certificate_id}")>{heading}</h3>
            <SelectField id=format!("download-format-{certificate_id}") label="Format" value=format
                options=options error=Signal::stored(None::<String>) placeholder="Choose…" />
            <button type="button" class="secondary" disabled=move || busy.get() on:click=download>"Download certificate"</button>
            {recoverable.then(|| view! { <PfxDownload fetch=fetch.clone() password /> })}
            <p role="status" class="status-line">{move || status.get()}</p>
            {move || failure.get().map(|error| view! { <ApiErrorNotice error /> })}
        </section>
    }
}

/// The PFX, protected by the renewal's password or one typed here.
#[component]
fn PfxDownload(fetch: Fetcher, password: Option<RwSignal<Option<SecretString>>>) -> impl IntoView {
    let generated = password.filter(|p| p.with_untracked(Option::is_some));
    let typed = RwSignal::new(String::new());
    on_cleanup(move || drop(typed.try_update_untracked(std::mem::take)));
    let tried = RwSignal::new(false);
    let error = Signal::derive(move || {
        (tried.get() && generated.is_none())
            .then(|| typed.with(|raw| parse_pfx_password(raw).err()))
            .flatten()
    });
    let id = format!("pfx-password-{}", fetch.certificate_id);
    let download = move |_| {
        tried.set(true);
        let secret = match generated {
            Some(slot) => slot.get_untracked(),
            None => typed.with_untracked(|raw| parse_pfx_password(raw).ok()),
        };
        if let Some(secret) = secret {
            fetch.pfx(secret);
        }
    };
    view! {
        {generated.is_none().then(|| view! {
            <TextField id label="Password for the PFX file" value=typed error required=true
                input_type="password" autocomplete="new-password"
                hint="At least 12 characters. Not stored: it is sent once to protect the file." />
        })}
        <button type="button" class="secondary" on:click=download>
            {if generated.is_some() { "Download PFX (opens with the password above)" } else { "Download PFX" }}
        </button>
    }
}

/// Reads a file from Command and hands it to the browser, saying how it went.
#[derive(Clone)]
struct Fetcher {
    client: KeyfactorClient,
    tasks: ViewTasks,
    certificate_id: i32,
    name: String,
    status: RwSignal<String>,
    failure: RwSignal<Option<ApiError>>,
    busy: RwSignal<bool>,
}

impl Fetcher {
    fn start(&self, what: &str) -> bool {
        if self.busy.get_untracked() {
            return false;
        }
        self.busy.set(true);
        self.failure.set(None);
        self.status
            .set(format!("Reading the {what} from Keyfactor…"));
        true
    }

    fn finish(&self, result: Result<String, ApiError>) {
        self.busy.try_set(false);
        match result {
            Ok(file) => drop(
                self.status
                    .try_set(format!("{file} was handed to your browser's downloads.")),
            ),
            Err(ApiError::Cancelled) => {}
            Err(error) => {
                self.status.try_set(String::new());
                self.failure.try_set(Some(error));
            }
        }
    }

    fn certificate(&self, format: Option<CertificateFormat>) {
        let Some(format) = format else { return };
        if !self.start("certificate") {
            return;
        }
        let (client, fetch) = (expect_context::<KeyfactorClient>(), self.clone());
        use_view_tasks().spawn(async move {
            let file = file_name(&fetch.name, fetch.certificate_id, format.extension());
            let result = client
                .download_certificate(fetch.certificate_id, format)
                .await;
            fetch
                .finish(result.and_then(|bytes| {
                    save_file(&bytes, &file, format.media_type()).map(|()| file)
                }));
        });
    }

    fn pfx(&self, password: SecretString) {
        if !self.start("PFX") {
            return;
        }
        let fetch = self.clone();
        self.tasks.spawn(async move {
            let file = file_name(&fetch.name, fetch.certificate_id, "pfx");
            let result = fetch
                .client
                .recover_pfx(fetch.certificate_id, password)
                .await;
            fetch.finish(
                result
                    .and_then(|pfx| save_file(pfx.expose(), &file, PFX_MEDIA_TYPE).map(|()| file)),
            );
        });
    }
}
