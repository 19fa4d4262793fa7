//! Store reenrollment: pick a store (or open one by GUID / `?store=` deep link), fill the fields its store
//! type defines, submit once, then follow the orchestrator job on a timeline.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::enrollment_pickers::EnrollmentPickers;
use crate::components::error_summary::{ErrorSummary, FieldProblem};
use crate::components::field::{SelectField, SelectOption, TextField};
use crate::components::job_timeline::JobTimeline;
use crate::components::store_picker::StorePicker;
use crate::config::RuntimeConfig;
use crate::domain::action_log::ActionKind;
use crate::domain::command_version::CommandVersion;
use crate::domain::job_category::JobCategory;
use crate::domain::job_tracking::{JobPhase, JobTarget, TrackingLimits};
use crate::domain::models::{CertificateStore, CertificateStoreType, ReenrollmentRequest};
use crate::domain::reenrollment::{
    store_type_of, subject_prefills, type_name, FormProblem, ReenrollField, ReenrollmentForm,
    SubjectPrefill,
};
use crate::domain::{DistinguishedName, EntryParameterSpec, Guid, ParameterKind};
use crate::hooks::use_action_log::use_action_log;
use crate::hooks::use_job_polling::observe_job;

/// Which store the form is for.
#[derive(Clone, Debug, PartialEq)]
enum StoreChoice {
    None,
    Picked(CertificateStore),
    /// Typed, pasted or from `?store=`: loaded by id.
    ById(Guid),
}

#[component]
pub fn ReenrollPage() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    // Read once per visit; every store lookup, row and form below uses this one list.
    let store_types = LocalResource::new({
        let client = client.clone();
        move || {
            let client = client.clone();
            async move {
                let types = client.store_types().await?;
                // Known after the first request: this sends nothing more.
                let version = client.command_version().await?;
                Ok::<_, ApiError>((types, version))
            }
        }
    });

    let query = use_query_map();
    let deep_link = query.with_untracked(|q| q.get("store"));
    let deep_link_error = deep_link
        .as_deref()
        .and_then(|raw| Guid::parse(raw).err())
        .map(|error| format!("The store in the link is not valid: {error}"));
    let choice = RwSignal::new(
        deep_link
            .as_deref()
            .and_then(|raw| Guid::parse(raw).ok())
            .map_or(StoreChoice::None, StoreChoice::ById),
    );

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">"Reenroll a certificate store"</h1>
            <p class="lead">
                "Reenrollment asks the store's orchestrator to generate a new key on the device and enroll a "
                "certificate for it. The job runs when the orchestrator next checks in."
            </p>
            {deep_link_error.map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <Transition fallback=|| view! { <p role="status">"Loading store types…"</p> }>
                {move || Suspend::new(async move {
                    match store_types.await {
                        Err(error) => view! { <ApiErrorNotice error retry=Callback::new(move |()| store_types.refetch()) /> }.into_any(),
                        Ok((types, version)) => view! { <ReenrollFlow types version choice /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ReenrollFlow(
    types: Vec<CertificateStoreType>,
    version: CommandVersion,
    choice: RwSignal<StoreChoice>,
) -> impl IntoView {
    let types = StoredValue::new(types);
    let picker = move || {
        view! {
            <StorePicker
                store_types=types.get_value()
                on_pick=Callback::new(move |store| choice.set(StoreChoice::Picked(store)))
                on_pick_id=Callback::new(move |id| choice.set(StoreChoice::ById(id)))
            />
        }
    };
    move || match choice.get() {
        StoreChoice::None => picker().into_any(),
        StoreChoice::Picked(store) => {
            view! { <ChosenStore store types=types.get_value() version choice /> }.into_any()
        }
        StoreChoice::ById(id) => {
            view! { <StoreById id types=types.get_value() version choice /> }.into_any()
        }
    }
}

#[component]
fn StoreById(
    id: Guid,
    types: Vec<CertificateStoreType>,
    version: CommandVersion,
    choice: RwSignal<StoreChoice>,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let store = LocalResource::new(move || {
        let (client, id) = (client.clone(), id.clone());
        async move { client.store(&id).await }
    });
    let types = StoredValue::new(types);
    view! {
        <Transition fallback=|| view! { <p role="status">"Loading the store…"</p> }>
            {move || Suspend::new(async move {
                match store.await {
                    Ok(store) => view! { <ChosenStore store types=types.get_value() version choice /> }.into_any(),
                    Err(error) => view! {
                        <ApiErrorNotice error retry=Callback::new(move |()| store.refetch()) />
                        <button type="button" class="secondary" on:click=move |_| choice.set(StoreChoice::None)>"Choose another store"</button>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The chosen store's facts, and the form when the store can be reenrolled.
#[component]
fn ChosenStore(
    store: CertificateStore,
    types: Vec<CertificateStoreType>,
    version: CommandVersion,
    choice: RwSignal<StoreChoice>,
) -> impl IntoView {
    let eligibility = store_type_of(&store, &types).cloned();
    let kind = types
        .iter()
        .find(|t| t.store_type == Some(store.cert_store_type))
        .map_or_else(|| format!("type {}", store.cert_store_type), type_name);
    let facts = view! {
        <dl class="facts">
            <dt>"Client machine"</dt><dd>{store.client_machine.clone()}</dd>
            <dt>"Store path"</dt><dd>{store.store_path.clone()}</dd>
            <dt>"Store type"</dt><dd>{kind}</dd>
            <dt>"Container"</dt><dd>{store.container_name.clone().unwrap_or_else(|| "none".into())}</dd>
            <dt>"Store id"</dt><dd><code>{store.id.clone()}</code></dd>
        </dl>
    };
    view! {
        <section aria-labelledby="chosen-store-title">
            <h2 id="chosen-store-title">"Store"</h2>
            {facts}
            <button type="button" class="secondary" on:click=move |_| choice.set(StoreChoice::None)>"Choose another store"</button>
        </section>
        {match eligibility {
            Ok(store_type) => view! { <ReenrollForm store store_type version /> }.into_any(),
            Err(why) => view! { <p class="notice notice-error" role="alert">{why.to_string()}</p> }.into_any(),
        }}
    }
}

/// The id of a form control, for labels and the error summary's links.
fn field_id(field: ReenrollField) -> String {
    match field {
        ReenrollField::Store => "chosen-store-title".to_owned(),
        ReenrollField::SubjectName => "subject-name".to_owned(),
        ReenrollField::Alias => "alias".to_owned(),
        ReenrollField::Profile => "reenroll-profile".to_owned(),
        ReenrollField::CertificateAuthority => "reenroll-ca".to_owned(),
        ReenrollField::Parameter(index) => format!("param-{index}"),
    }
}

fn problem_for(problems: &[FormProblem], field: ReenrollField) -> Option<String> {
    problems
        .iter()
        .find(|p| p.field == field)
        .map(|p| p.message.clone())
}

/// A submitted reenrollment: the body, and the job it will create.
#[derive(Clone)]
struct Submission {
    request: ReenrollmentRequest,
    target: JobTarget,
    /// An earlier attempt that may have reached Keyfactor although its answer was lost: its job is
    /// looked for first, so the store is not reenrolled twice.
    unconfirmed: Option<JobTarget>,
}

/// The job a submit led to, and whether it is the earlier attempt's.
#[derive(Clone)]
struct Scheduled {
    target: JobTarget,
    earlier: bool,
}

/// Sends the reenrollment, unless the job of an unconfirmed earlier attempt shows it already arrived.
async fn schedule_once(
    client: &KeyfactorClient,
    limits: &TrackingLimits,
    submission: Submission,
) -> Result<Scheduled, ApiError> {
    if let Some(earlier) = submission.unconfirmed {
        let seen = observe_job(client, &earlier, None, &[], limits).await?;
        if seen.phase != JobPhase::Searching {
            return Ok(Scheduled {
                target: earlier,
                earlier: true,
            });
        }
    }
    client.schedule_reenrollment(&submission.request).await?;
    Ok(Scheduled {
        target: submission.target,
        earlier: false,
    })
}

/// The form for one eligible store (`store_type` from `store_type_of`), then its job's timeline.
#[component]
pub fn ReenrollForm(
    store: CertificateStore,
    store_type: CertificateStoreType,
    /// Decides template vs enrollment pattern.
    version: CommandVersion,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let specs: Vec<EntryParameterSpec> = store_type
        .entry_parameters
        .iter()
        .map(|p| p.reenrollment_spec())
        .collect();
    let values: Vec<RwSignal<String>> = specs
        .iter()
        .map(|spec| RwSignal::new(spec.default_value.clone().unwrap_or_default()))
        .collect();
    let subject = RwSignal::new(String::new());
    let alias = RwSignal::new(String::new());
    let profile = RwSignal::new(String::new());
    let certificate_authority = RwSignal::new(String::new());
    let attempt = RwSignal::new(0_u32);
    // Subject and alias show their messages once the user has left them, or after a submit attempt.
    let touched_subject = RwSignal::new(false);
    let touched_alias = RwSignal::new(false);

    // Secrets live only in these signals: wipe them when the form goes away (untracked: the fields showing
    // them are going away too and must not re-render).
    on_cleanup({
        let values = values.clone();
        move || {
            for value in values {
                value.try_update_untracked(std::mem::take);
            }
        }
    });

    let (store_id, agent_id) = (store.id.clone(), store.agent_id.clone().unwrap_or_default());
    let specs = StoredValue::new(specs);
    let values = StoredValue::new(values);
    let build = move || {
        specs.with_value(|specs| {
            values.with_value(|values| {
                let raw: Vec<String> = values.iter().map(|v| v.get()).collect();
                let parameters: Vec<(EntryParameterSpec, &str)> = specs
                    .iter()
                    .cloned()
                    .zip(raw.iter().map(String::as_str))
                    .collect();
                ReenrollmentForm {
                    store_id: &store_id,
                    agent_id: &agent_id,
                    subject_name: &subject.get(),
                    alias: &alias.get(),
                    parameters: &parameters,
                    profile: &profile.get(),
                    certificate_authority: &certificate_authority.get(),
                    version,
                }
                .to_request()
            })
        })
    };
    let problems = Memo::new({
        let build = build.clone();
        move |_| build().err().unwrap_or_default()
    });
    let shown = move |field: ReenrollField, touched: bool| {
        let visible = touched || attempt.get() > 0;
        if visible {
            problems.with(|p| problem_for(p, field))
        } else {
            None
        }
    };
    let summary = Signal::derive(move || {
        if attempt.get() == 0 {
            return Vec::new();
        }
        problems.with(|problems| {
            problems
                .iter()
                .map(|p| FieldProblem {
                    field_id: field_id(p.field),
                    message: p.message.clone(),
                })
                .collect()
        })
    });
    let parsed_subject = Memo::new(move |_| subject.with(|s| DistinguishedName::parse(s).ok()));

    let limits = expect_context::<RuntimeConfig>().tracking;
    let submit = Action::new_local(move |submission: &Submission| {
        let (client, submission) = (client.clone(), submission.clone());
        async move { schedule_once(&client, &limits, submission).await }
    });
    let pending = submit.pending();
    // The attempt whose answer was lost (kept until a later one is confirmed).
    let unconfirmed = StoredValue::new(None::<JobTarget>);
    let last_sent = StoredValue::new(None::<JobTarget>);
    let log = use_action_log();
    let logged_store = format!(
        "{} {}",
        store.client_machine.clone().unwrap_or_default(),
        store.store_path.clone().unwrap_or_default()
    );
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(Scheduled { earlier, .. })) => log.record(
            ActionKind::Reenrollment,
            logged_store.clone(),
            String::new(),
            if earlier {
                "scheduled (by the earlier request)"
            } else {
                "scheduled"
            }
            .to_owned(),
            false,
        ),
        Some(Err(ApiError::Cancelled)) | None => {}
        Some(Err(error)) => {
            log.record(
                ActionKind::Reenrollment,
                logged_store.clone(),
                String::new(),
                format!("not scheduled: {error}"),
                false,
            );
            if error.may_have_taken_effect() && unconfirmed.with_value(Option::is_none) {
                unconfirmed.set_value(last_sent.get_value());
            }
        }
    });
    let store_guid = Guid::parse(&store.id).ok();
    let agent_guid = store
        .agent_id
        .as_deref()
        .and_then(|id| Guid::parse(id).ok());
    let machine = store.client_machine.clone().unwrap_or_default();
    let path = store.store_path.clone().unwrap_or_default();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() || matches!(submit.value().get_untracked(), Some(Ok(_))) {
            return;
        }
        match build() {
            Err(_) => attempt.update(|n| *n += 1),
            Ok(request) => {
                let target = JobTarget {
                    category: JobCategory::Reenrollment,
                    client_machine: machine.clone(),
                    store_path: path.clone(),
                    agent_id: agent_guid.clone(),
                    submitted_at: chrono::Utc::now(),
                };
                last_sent.set_value(Some(target.clone()));
                submit.dispatch_local(Submission {
                    request,
                    target,
                    unconfirmed: unconfirmed.get_value(),
                });
            }
        }
    };

    let parameter_fields = specs.with_value(|specs| {
        values.with_value(|values| {
            specs
                .iter()
                .zip(values.iter().copied())
                .enumerate()
                .map(|(index, (spec, value))| {
                    parameter_field(index, spec, value, problems, attempt)
                })
                .collect_view()
        })
    });
    let has_parameters = specs.with_value(|s| !s.is_empty());
    let type_label = type_name(&store_type);

    let form = view! {
        <form class="reenroll-form" on:submit=on_submit novalidate aria-labelledby="reenroll-form-title">
            <h2 id="reenroll-form-title">"New certificate"</h2>
            <ErrorSummary problems=summary attempt />
            <TextField
                id="subject-name"
                label="Subject name"
                value=subject
                required=true
                hint="An X.500 distinguished name, e.g. CN=web01.example.com,O=Example Inc,C=US"
                error=Signal::derive(move || shown(ReenrollField::SubjectName, touched_subject.get()))
                on_blur=Callback::new(move |()| touched_subject.set(true))
            />
            {store_guid.clone().map(|store_id| view! { <SubjectFromStore store_id subject alias /> })}
            {move || parsed_subject.get().map(|dn| view! {
                <div class="dn-preview">
                    <p class="field-hint">"Read as:"</p>
                    <dl class="facts">
                        {dn.rdns().iter().flat_map(|rdn| rdn.attributes.clone()).map(|a| view! {
                            <dt>{a.attribute_type}</dt><dd>{a.value}</dd>
                        }).collect_view()}
                    </dl>
                </div>
            })}
            <TextField
                id="alias"
                label="Alias"
                value=alias
                required=true
                hint="The name of the certificate inside the store"
                error=Signal::derive(move || shown(ReenrollField::Alias, touched_alias.get()))
                on_blur=Callback::new(move |()| touched_alias.set(true))
            />
            <EnrollmentPickers
                version
                certificate_authority
                profile
                id_prefix="reenroll"
                optional=true
                profile_error=Signal::derive(move || shown(ReenrollField::Profile, true))
                ca_error=Signal::derive(move || shown(ReenrollField::CertificateAuthority, true))
            />
            {has_parameters.then(|| view! {
                <fieldset class="entry-parameters">
                    <legend>{format!("Settings for {type_label} stores")}</legend>
                    {parameter_fields}
                </fieldset>
            })}
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Scheduling…" } else { "Schedule reenrollment" }}
            </button>
        </form>
    };
    let succeeded = move || matches!(submit.value().get(), Some(Ok(_)));
    // The request has gone: the secrets typed for it are not needed any more.
    Effect::new(move |_| {
        if succeeded() {
            values.with_value(|values| values.iter().for_each(|value| value.set(String::new())));
        }
    });

    view! {
        {move || submit.value().get().and_then(Result::err).map(|error: ApiError| {
            let lost = error.may_have_taken_effect();
            view! {
                <ApiErrorNotice error />
                {lost.then(|| view! {
                    <p class="field-hint">"Keyfactor may have received the request before this happened. Scheduling again first looks for its job, so the store is not reenrolled twice."</p>
                })}
            }
        })}
        <div hidden=succeeded>{form}</div>
        {move || match submit.value().get() {
            Some(Ok(Scheduled { target, earlier })) => Some(view! {
                {earlier.then(|| view! {
                    <p class="notice" role="status">"Keyfactor had received your earlier request before its answer was lost, so nothing was sent again: this is that request's job."</p>
                })}
                <JobTimeline target heading="Reenrollment job" />
            }),
            _ => None,
        }}
    }
}

/// Offers the subject of a certificate already in the store, read from its inventory when asked (one
/// request): a single certificate fills the form at once, several are offered by alias.
#[component]
fn SubjectFromStore(
    store_id: Guid,
    subject: RwSignal<String>,
    alias: RwSignal<String>,
) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let load = Action::new_local(move |_: &()| {
        let (client, store_id) = (client.clone(), store_id.clone());
        async move {
            let inventory = client.store_inventory(&store_id).await?;
            Ok::<_, ApiError>(subject_prefills(&inventory))
        }
    });
    let status = RwSignal::new(String::new());
    let apply = move |prefill: SubjectPrefill| {
        subject.set(prefill.subject_name);
        if alias.with_untracked(String::is_empty) {
            alias.set(prefill.alias.clone());
        }
        status.set(format!(
            "Filled in from the certificate stored as \"{}\".",
            prefill.alias
        ));
    };
    Effect::new(move |_| match load.value().get() {
        Some(Ok(prefills)) => match prefills.as_slice() {
            [] => status.set(
                "The store's last inventory lists no certificate to take a subject from.".into(),
            ),
            [only] => apply(only.clone()),
            several => status.set(format!(
                "The store holds {} certificates: choose one below.",
                several.len()
            )),
        },
        _ => status.set(String::new()),
    });
    let choices = move || {
        match load.value().get() {
        Some(Err(error)) => Some(view! { <ApiErrorNotice error /> }.into_any()),
        Some(Ok(prefills)) if prefills.len() > 1 => Some(
            view! {
                <ul class="prefill-choices">
                    {prefills.into_iter().map(|prefill| {
                        let label = format!("Use {} (alias {})", prefill.subject_name, prefill.alias);
                        view! {
                            <li><button type="button" class="secondary" on:click=move |_| apply(prefill.clone())>{label}</button></li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        ),
        _ => None,
    }
    };
    view! {
        <div class="prefill">
            <button type="button" class="secondary" disabled=move || load.pending().get() on:click=move |_| { load.dispatch_local(()); }>
                {move || if load.pending().get() { "Reading the store…" } else { "Use the subject of the certificate in this store" }}
            </button>
            <p role="status" class="status-line">{move || status.get()}</p>
            {choices}
        </div>
    }
}

/// One entry parameter, rendered by its kind; errors show once it has a value or after a submit attempt.
fn parameter_field(
    index: usize,
    spec: &EntryParameterSpec,
    value: RwSignal<String>,
    problems: Memo<Vec<FormProblem>>,
    attempt: RwSignal<u32>,
) -> AnyView {
    let id = field_id(ReenrollField::Parameter(index));
    let label = spec.label().to_owned();
    let required = spec.required;
    let error = Signal::derive(move || {
        let visible = attempt.get() > 0 || value.with(|v| !v.is_empty());
        if visible {
            problems.with(|p| problem_for(p, ReenrollField::Parameter(index)))
        } else {
            None
        }
    });
    let choices = |options: Vec<(String, String)>| {
        Signal::stored(
            options
                .into_iter()
                .map(|(value, label)| SelectOption { value, label })
                .collect::<Vec<_>>(),
        )
    };
    let placeholder = if required {
        "Choose…"
    } else {
        "Keyfactor's default"
    };
    match &spec.kind {
        ParameterKind::String => view! { <TextField id label value error required /> }.into_any(),
        ParameterKind::Secret => view! {
            <TextField id label value error required input_type="password" autocomplete="new-password" hint="Not stored: it is sent once with this request." />
        }.into_any(),
        ParameterKind::Bool => view! {
            <SelectField id label value error required placeholder
                options=choices(vec![("true".into(), "Yes".into()), ("false".into(), "No".into())]) />
        }.into_any(),
        ParameterKind::MultipleChoice { options } => view! {
            <SelectField id label value error required placeholder
                options=choices(options.iter().map(|o| (o.clone(), o.clone())).collect()) />
        }.into_any(),
    }
}
