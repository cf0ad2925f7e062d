#![doc = include_str!("../README.md")]
// Feature-gated items are marked as such on docs.rs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::path::PathBuf;

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};

/// Compiles a CORS policy into a constant `cors_runtime::Policy<'static>`.
/// See the [crate docs](crate).
#[proc_macro]
pub fn cors_policy(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as Args);
    match expand(args) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

struct Arg {
    name: Ident,
    value: LitStr,
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let value: LitStr = input.parse()?;
        Ok(Arg { name, value })
    }
}

struct Args {
    source: Option<(bool, LitStr)>,
    policy: Option<LitStr>,
    profile: Option<LitStr>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let list = Punctuated::<Arg, Token![,]>::parse_terminated(input)?;
        let mut args = Args {
            source: None,
            policy: None,
            profile: None,
        };
        for arg in list {
            let slot = match arg.name.to_string().as_str() {
                "file" | "toml" => {
                    if args.source.is_some() {
                        return Err(syn::Error::new(
                            arg.name.span(),
                            "give either `file` or `toml`, once",
                        ));
                    }
                    args.source = Some((arg.name == "file", arg.value));
                    continue;
                }
                "policy" => &mut args.policy,
                "profile" => &mut args.profile,
                other => {
                    return Err(syn::Error::new(
                        arg.name.span(),
                        format!(
                            "unknown argument `{other}`: expected `file`, `toml`, `policy` or `profile`"
                        ),
                    ));
                }
            };
            if slot.replace(arg.value).is_some() {
                return Err(syn::Error::new(
                    arg.name.span(),
                    format!("`{}` is given twice", arg.name),
                ));
            }
        }
        if args.source.is_none() {
            return Err(syn::Error::new(
                Span::call_site(),
                "missing policy: write `cors_policy!(file = \"cors.toml\")` or `cors_policy!(toml = \"…\")`",
            ));
        }
        Ok(args)
    }
}

fn expand(args: Args) -> syn::Result<proc_macro2::TokenStream> {
    let Some((is_file, lit)) = args.source else {
        unreachable!("checked while parsing")
    };
    let selection = cors_policy::Selection {
        policy: args.policy.as_ref().map(LitStr::value),
        profile: args.profile.as_ref().map(LitStr::value),
    };
    let (source, tracked) = if is_file {
        let relative = lit.value();
        let base = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        let path = base.join(&relative);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            syn::Error::new(
                lit.span(),
                format!("cannot read policy file `{}`: {e}", path.display()),
            )
        })?;
        let tracked = path.to_string_lossy().into_owned();
        (cors_policy::Source::new(relative, text), Some(tracked))
    } else {
        (
            cors_policy::Source::new("<inline policy>", lit.value()),
            None,
        )
    };
    let compiled = cors_policy::compile(&source, &selection).map_err(|report| {
        let errors = report.count(cors_policy::Severity::Error);
        let plural = if errors == 1 { "" } else { "s" };
        syn::Error::new(
            lit.span(),
            format!("invalid CORS policy ({errors} error{plural}):\n\n{report}"),
        )
    })?;
    let expr = cors_policy::emit::rust::policy_expr(compiled.owned_policy());
    // `include_bytes!` makes cargo rebuild the crate when the file changes.
    let track = tracked.map(|path| quote! { const _: &[u8] = include_bytes!(#path); });
    let warnings = warnings(compiled.warnings(), &lit);
    Ok(quote! {{
        #track
        #warnings
        #expr
    }})
}

/// The policy's warnings as compiler warnings, on stable Rust: a proc
/// macro cannot emit a warning itself, so each becomes the use of a
/// `#[deprecated]` item whose note is the rendered diagnostic, spanned at
/// the macro's policy argument. `#[allow(deprecated)]` on the item holding
/// the policy silences them; `cors lint` shows them too.
fn warnings(report: &cors_policy::Report, lit: &LitStr) -> proc_macro2::TokenStream {
    report
        .diagnostics()
        .iter()
        .filter(|d| d.severity == cors_policy::Severity::Warning)
        .map(|d| {
            let note = d.render(report.source()).trim_end().to_string();
            let name = quote::format_ident!("{}_{}", d.code, d.rule.replace('-', "_"));
            quote::quote_spanned! {lit.span()=>
                const _: () = {
                    #[deprecated(note = #note)]
                    #[allow(non_camel_case_types)]
                    struct #name;
                    let _ = #name;
                };
            }
        })
        .collect()
}
