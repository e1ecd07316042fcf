//! Checker procedures (`content/procedures/<id>.toml`): parsed and validated
//! by the rules core (`madoguchi-rules`), with its problems turned into
//! diagnostics that point into the file.

use std::collections::BTreeMap;

use madoguchi_rules as rules;

use crate::config::SiteConfig;
use crate::data::Facts;
use crate::diag::{Diagnostic, FileId, Sources};

/// A procedure that parsed and validated.
pub struct Loaded {
    pub file: FileId,
    pub procedure: rules::Procedure,
}

fn to_diag(file: FileId, p: rules::Problem) -> Diagnostic {
    let mut d = Diagnostic::error(p.message).help(p.help);
    if let Some(key) = p.unknown_fact {
        d = d.kind(crate::diag::Kind::UnknownFact(key));
    }
    match p.span {
        Some(span) => d.at(file, span).label(p.label),
        None => d.in_file(file),
    }
}

/// Parses and validates every procedure; returns those that are sound.
pub fn load(
    sources: &Sources,
    files: &[(String, FileId)],
    site: &SiteConfig,
    facts: &Facts,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Loaded> {
    let core = facts.core();
    let ids: Vec<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
    let languages: Vec<&str> = site.codes().collect();
    let mut out = BTreeMap::new();
    for (id, file) in files {
        let procedure = match rules::parse_procedure(sources.text(*file)) {
            Ok(p) => p,
            Err(problems) => {
                diags.extend(problems.into_iter().map(|p| to_diag(*file, p)));
                continue;
            }
        };
        if procedure.id.get_ref() != id {
            let span = procedure.id.span();
            diags.push(
                Diagnostic::error(format!(
                    "procedure id `{}` differs from its file name `{id}.toml`",
                    procedure.id.get_ref()
                ))
                .at(*file, span)
                .label("id")
                .help("name the file after the id, or change the id"),
            );
            continue;
        }
        let problems = rules::validate(&procedure, &core, &languages, &site.default_language, &ids);
        if problems.is_empty() {
            out.insert(
                id.clone(),
                Loaded {
                    file: *file,
                    procedure,
                },
            );
        } else {
            diags.extend(problems.into_iter().map(|p| to_diag(*file, p)));
        }
    }
    out
}
