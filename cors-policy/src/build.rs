//! Stage 4, **build**: the run-time tables and header values of a
//! [`PolicySpec`].

use cors_runtime::__private::{
    BuildError, OwnedOrigins, OwnedTable, exact_hash, list_value, wildcard_entry_hash,
    wildcard_lengths,
};
use cors_runtime::OwnedPolicy;

use cors_runtime::OnReject;

use crate::lower::PolicySpec;
use crate::pattern::{HostPattern, OriginPattern, PortPattern};

/// Builds the tables and header values of a policy. Deterministic: the same
/// spec always gives the same bytes.
///
/// # Errors
/// [`BuildError`] when a table cannot be laid out (more than 2^32 bytes of
/// keys, or keys whose hashes collide on every seed); the search for a
/// layout is bounded, so this returns in time linear in the keys.
pub(crate) fn policy(spec: &PolicySpec) -> Result<OwnedPolicy, BuildError> {
    let list = |any: bool, names: &[String]| list_value(any, names.iter().map(String::as_str));
    Ok(OwnedPolicy {
        name: spec.name.clone(),
        origins: origins(spec.any_origin, &spec.origins)?,
        credentials: spec.credentials,
        any_method: spec.any_method,
        methods: OwnedTable::build(&byte_keys(&spec.methods))?,
        any_header: spec.any_header,
        allow_headers: OwnedTable::build(&byte_keys(&spec.allow_headers))?,
        server_origins: spec
            .server_origins
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
        // `*` replaces the list of methods; the methods listed beside it
        // would add nothing.
        allow_methods_value: if spec.any_method {
            "*".into()
        } else {
            list(false, &spec.methods)
        },
        allow_headers_value: list(spec.any_header, &spec.allow_headers),
        expose_headers_value: list(spec.any_expose, &spec.expose_headers),
        max_age_value: spec.max_age.map(|m| m.to_string()).unwrap_or_default(),
        preflight_status: spec.preflight_status,
        forbid: spec.on_reject == OnReject::Forbid,
        report_only: spec.report_only,
        log_rejections: spec.log_rejections,
        fingerprint_header: spec.fingerprint_header,
        fingerprint: spec.fingerprint(),
    })
}

/// The origin tables of a set of canonical patterns (`any`: `origins = "*"`).
///
/// # Errors
/// As [`policy`].
pub(crate) fn origins<'a>(
    any: bool,
    patterns: impl IntoIterator<Item = &'a OriginPattern>,
) -> Result<OwnedOrigins, BuildError> {
    let mut exact = Vec::new();
    let mut exact_any_port = Vec::new();
    let mut wildcard = Vec::new();
    let mut wildcard_any_port = Vec::new();
    let mut null = false;
    for pattern in patterns {
        let OriginPattern::Tuple { scheme, host, port } = pattern else {
            null = true;
            continue;
        };
        let port_suffix = match port {
            PortPattern::Port(p) => format!(":{p}"),
            PortPattern::Default | PortPattern::Any => String::new(),
        };
        match (host, port) {
            (HostPattern::Exact(h), PortPattern::Any) => {
                exact_any_port.push(format!("{scheme}://{h}"))
            }
            (HostPattern::Exact(h), _) => exact.push(format!("{scheme}://{h}{port_suffix}")),
            (HostPattern::Subdomains(base), PortPattern::Any) => {
                wildcard_any_port.push(format!("{scheme}://{base}"))
            }
            (HostPattern::Subdomains(base), _) => {
                wildcard.push(format!("{scheme}://{base}{port_suffix}"))
            }
        }
    }
    // Keys come from sets of distinct canonical values (each table holds
    // one form), so they are distinct.
    let table = |keys: &[String], hash: &dyn Fn(u64, &[u8]) -> u64| {
        OwnedTable::build_with(&byte_keys(keys), hash)
    };
    let wildcard_lengths_of = |keys: &[String]| wildcard_lengths(keys.iter().map(|k| k.as_bytes()));
    Ok(OwnedOrigins {
        any,
        null,
        exact: table(&exact, &exact_hash)?,
        exact_any_port: table(&exact_any_port, &exact_hash)?,
        wildcard: OwnedTable {
            lengths: wildcard_lengths_of(&wildcard),
            ..table(&wildcard, &wildcard_entry_hash)?
        },
        wildcard_any_port: OwnedTable {
            lengths: wildcard_lengths_of(&wildcard_any_port),
            ..table(&wildcard_any_port, &wildcard_entry_hash)?
        },
    })
}

fn byte_keys(names: &[String]) -> Vec<&[u8]> {
    names.iter().map(|n| n.as_bytes()).collect()
}
