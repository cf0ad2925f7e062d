//! `--from box`: a comma-separated origin list, as API consoles take it
//! (`https://company.com,https://*.internal.company.com,http://localhost:3000`).

use super::{Conversion, Imported, List, split_list};

pub(in crate::commands) fn convert(text: &str) -> Conversion {
    let entries = split_list(text.trim());
    let origins = if entries.iter().any(|e| e == "*") {
        List::Any
    } else {
        List::Items(entries)
    };
    let mut not_carried = Vec::new();
    if origins == List::Any {
        not_carried.push(
            "`*` allows every origin: the other entries of the list are redundant and were dropped"
                .to_string(),
        );
    }
    Conversion {
        policies: vec![Imported {
            origins: Some(origins),
            ..Imported::default()
        }],
        not_carried,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_entries_verbatim_for_the_linter() {
        let c = convert(
            " https://company.com, https://*.internal.company.com ,http://localhost:3000,\n",
        );
        assert_eq!(
            c.policies[0].origins,
            Some(List::Items(vec![
                "https://company.com".into(),
                "https://*.internal.company.com".into(),
                "http://localhost:3000".into()
            ]))
        );
        assert!(c.not_carried.is_empty());
        assert_eq!(
            convert("https://a.example,*").policies[0].origins,
            Some(List::Any)
        );
    }
}
