use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::fix::{Fix, remove_array_element};

pub(crate) struct DuplicateEntry;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS308",
    name: "duplicate-entry",
    severity: Severity::Warning,
    configurable: true,
    summary: "A method or header is listed twice",
    doc: r#"## What it does
Reports repeated entries in `methods` (compared exactly: methods are
case-sensitive) and in `allow_headers` / `expose_headers` (compared without
case: header names are case-insensitive).

## Why is this bad
Harmless to browsers, but a reviewer removing one copy leaves the other, and
duplicates often hide a typo in the neighbouring entry.

## How to fix
Remove the repeated entry.

## Example
```toml
origins = ["https://app.example.com"]
allow_headers = ["Content-Type", "content-type"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
allow_headers = ["content-type"]
```"#,
};

impl Rule for DuplicateEntry {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let lists = [
            ("methods", &p.methods, false),
            ("allow_headers", &p.allow_headers, true),
            ("expose_headers", &p.expose_headers, true),
        ];
        for (key, list, ignore_case) in lists {
            // The first entry of each spelling (lowercased where case does
            // not count): one lookup per entry.
            let mut first_of = std::collections::HashMap::new();
            for item in &list.items {
                let spelling = if ignore_case {
                    item.value.to_ascii_lowercase()
                } else {
                    item.value.clone()
                };
                let first: &crate::ast::Spanned<String> = first_of.entry(spelling).or_insert(*item);
                if !std::ptr::eq(first, *item) {
                    cx.report(
                        META,
                        Finding::new(
                            item.span.clone(),
                            format!("`{}` is listed twice in `{key}`", item.value),
                            "duplicate",
                        )
                        .secondary(first.span.clone(), "first listed here")
                        .help("remove this entry")
                        .fix(Fix::safe(
                            format!("remove the repeated `{}` from `{key}`", item.value),
                            remove_array_element(cx.text(), item.span.clone()),
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn duplicates_in_lists() {
        assert_rule(
            "CORS308",
            "origins = [\"https://a.example\"]\nallow_headers = [\"X-A\", \"x-a\"]\n",
            "origins = [\"https://a.example\"]\nmethods = [\"PATCH\", \"patch\"]\n",
        );
    }
}
