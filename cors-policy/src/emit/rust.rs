//! The Rust backend: a compiled policy as a constant Rust expression.
//!
//! The tables are emitted as byte-string literals — one token each, whatever
//! the number of origins — so expanding a 100,000-origin policy stays cheap
//! for rustc, and nothing is computed when the program starts.

use cors_runtime::__private::OwnedTable;
use cors_runtime::OwnedPolicy;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

fn table(t: &OwnedTable) -> TokenStream {
    let (seed, buckets, slots, lengths) = (t.seed, t.buckets, t.slots, t.lengths);
    let displacements = Literal::byte_string(&t.displacements);
    let entries = Literal::byte_string(&t.entries);
    let text = Literal::byte_string(&t.text);
    quote! {
        ::cors_runtime::__private::RawTable {
            seed: #seed,
            buckets: #buckets,
            slots: #slots,
            displacements: #displacements,
            entries: #entries,
            text: #text,
            lengths: #lengths,
        }
    }
}

/// A constant expression of type `cors_runtime::Policy<'static>` with the
/// same tables as `policy`.
pub fn policy_expr(policy: &OwnedPolicy) -> TokenStream {
    let o = &policy.origins;
    let (any, null) = (o.any, o.null);
    let (exact, exact_any_port, wildcard, wildcard_any_port) = (
        table(&o.exact),
        table(&o.exact_any_port),
        table(&o.wildcard),
        table(&o.wildcard_any_port),
    );
    let OwnedPolicy {
        name,
        credentials,
        any_method,
        methods,
        any_header,
        allow_headers,
        server_origins,
        allow_methods_value,
        allow_headers_value,
        expose_headers_value,
        max_age_value,
        preflight_status,
        forbid,
        report_only,
        log_rejections,
        fingerprint_header,
        fingerprint,
        ..
    } = policy;
    let log_rejections = proc_macro2::Ident::new(
        &format!("{log_rejections:?}"),
        proc_macro2::Span::call_site(),
    );
    let (methods, allow_headers) = (table(methods), table(allow_headers));
    quote! {
        ::cors_runtime::Policy::__from_raw(::cors_runtime::__private::RawPolicy {
            name: #name,
            origins: ::cors_runtime::__private::RawOrigins {
                any: #any,
                null: #null,
                exact: #exact,
                exact_any_port: #exact_any_port,
                wildcard: #wildcard,
                wildcard_any_port: #wildcard_any_port,
            },
            credentials: #credentials,
            any_method: #any_method,
            methods: #methods,
            any_header: #any_header,
            allow_headers: #allow_headers,
            server_origins: #server_origins,
            allow_methods_value: #allow_methods_value,
            allow_headers_value: #allow_headers_value,
            expose_headers_value: #expose_headers_value,
            max_age_value: #max_age_value,
            preflight_status: #preflight_status,
            forbid: #forbid,
            report_only: #report_only,
            log_rejections: ::cors_runtime::LogLevel::#log_rejections,
            fingerprint_header: #fingerprint_header,
            fingerprint: #fingerprint,
        })
    }
}
