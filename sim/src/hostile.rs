//! `POST /__sim/seed/hostile`: every string the portal shows from Keyfactor becomes a script or markup
//! payload (names, DNs, SANs, store paths, machines, aliases, template and store type names, and through
//! them the disposition and job messages), so an e2e test can prove the app renders them as text. Each
//! payload sets `window.__xss` if it ever runs; `/__sim/reset` restores the normal seed.

use crate::model::World;

/// A payload naming the field it was put in.
fn payload(field: &str) -> String {
    match field.len() % 3 {
        0 => format!("<img src=x onerror=\"window.__xss='{field}'\">"),
        1 => format!("\"><svg onload=\"window.__xss='{field}'\">"),
        _ => format!("javascript:window.__xss='{field}'//<script>window.__xss='{field}'</script>"),
    }
}

/// Seeded names are `&'static str`; a hostile world is made a few times per test run, so leaking its
/// handful of strings is the simple way to keep the seed's types.
fn leaked(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

pub fn make_hostile(world: &mut World) {
    for certificate in &mut world.certificates {
        certificate.common_name = format!("{}{}", certificate.common_name, payload("cn"));
        certificate.subject_dn = format!("CN={},O=Key Example Inc", certificate.common_name);
        certificate.dns_names.push(payload("san"));
        for location in &mut certificate.locations {
            location.alias = format!("{}{}", location.alias, payload("alias"));
        }
    }
    for authority in &mut world.authorities {
        authority.issuer_dn = leaked(format!(
            "CN={}{}",
            authority.logical_name,
            payload("issuer")
        ));
    }
    for template in &mut world.templates {
        template.display_name = leaked(format!("{}{}", template.display_name, payload("template")));
    }
    for store_type in &mut world.store_types {
        store_type.name = leaked(format!("{}{}", store_type.name, payload("store type")));
    }
    for store in &mut world.stores {
        store.client_machine = format!("{}{}", store.client_machine, payload("machine"));
        // Paths keep their words (`readonly`, `legacy`), so job results and messages still vary.
        store.path = format!("{}/{}", store.path, payload("store path"));
    }
    for agent in &mut world.agents {
        agent.client_machine = format!("{}{}", agent.client_machine, payload("agent"));
    }
}
