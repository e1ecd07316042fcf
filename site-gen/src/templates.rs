//! Tera templates: defaults embedded in the binary, overridden file by file by
//! a site's own `templates/` folder; autoescaping on for `.html` and `.xml`.
//! Template functions: `trans(key, lang)` for interface strings,
//! `asset(path)` for fingerprinted static files, `fact(key, lang)` for data.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tera::{Context, Tera, Value};

use crate::config::I18n;
use crate::data::Facts;
use crate::diag::{Diagnostic, FileId, Sources};
use crate::translate::glossary::{self, Glossary};

/// The default templates, compiled into the binary.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("section.html", include_str!("../templates/section.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("chooser.html", include_str!("../templates/chooser.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("sources.html", include_str!("../templates/sources.html")),
    (
        "translation_notice.html",
        include_str!("../templates/translation_notice.html"),
    ),
    ("staff.html", include_str!("../templates/staff.html")),
    ("facts.html", include_str!("../templates/facts.html")),
    (
        "translations.html",
        include_str!("../templates/translations.html"),
    ),
];

pub struct Templates {
    tera: Tera,
    /// Site templates that replaced or added to the defaults, by name.
    overrides: BTreeMap<String, FileId>,
}

/// Shared data the template functions read.
pub struct FnData {
    pub i18n: BTreeMap<String, I18n>,
    pub assets: BTreeMap<String, String>,
    pub base_path: String,
    pub facts: Arc<Facts>,
    /// For the `mark_japanese` filter: the glossary's terms, each
    /// language's `html_lang` by code, and the default language's.
    pub glossary: Arc<Glossary>,
    pub html_langs: BTreeMap<String, String>,
    pub source_html_lang: String,
}

impl Templates {
    /// `site_templates`: (name relative to `templates/`, file) pairs.
    pub fn load(
        sources: &Sources,
        site_templates: &[(String, FileId)],
        data: Arc<FnData>,
    ) -> Result<Templates, Vec<Diagnostic>> {
        let mut all: BTreeMap<String, String> = DEFAULTS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut overrides = BTreeMap::new();
        for (name, file) in site_templates {
            all.insert(name.clone(), sources.text(*file).to_string());
            overrides.insert(name.clone(), *file);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        register_functions(&mut tera, &data);
        let mut errors = Vec::new();
        if let Err(all_err) =
            tera.add_raw_templates(all.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            // Parse one by one, so that every broken template is reported.
            for (name, text) in &all {
                let mut probe = Tera::default();
                if let Err(e) = probe.add_raw_template(name, text)
                    && !matches!(kind_of(&e), tera::ErrorKind::MissingParent { .. })
                {
                    errors.push(template_error(&overrides, name, &e, Phase::Compile));
                }
            }
            if errors.is_empty() {
                errors.push(
                    Diagnostic::error(format!("templates: {}", chain(&all_err)))
                        .help("check `{% extends %}`, `{% import %}` and `{% include %}` names"),
                );
            }
        }
        if errors.is_empty()
            && let Some(cycle) = find_recursion(&tera)
        {
            errors.push(recursion_error(sources, &overrides, &cycle));
        }
        if errors.is_empty() {
            Ok(Templates { tera, overrides })
        } else {
            Err(errors)
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| template_error(&self.overrides, name, &e, Phase::Render))
    }
}

/// Escapes the five characters that matter in HTML text and attributes
/// (Tera's default also escapes `/`, which only bloats URLs).
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The full message of a Tera error and its causes.
fn chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// When Tera met the error: compiling the templates (syntax, a missing
/// parent) or rendering a page (a variable, a function's arguments).
#[derive(Clone, Copy)]
enum Phase {
    Compile,
    Render,
}

/// The most specific kind in a Tera error's chain: Tera wraps the cause
/// (`CallFunction`, `TemplateNotFound`, …) in generic messages.
fn kind_of(e: &tera::Error) -> &tera::ErrorKind {
    let mut found = &e.kind;
    let mut src: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = src {
        if let Some(t) = s.downcast_ref::<tera::Error>()
            && !matches!(t.kind, tera::ErrorKind::Msg(_))
        {
            found = &t.kind;
        }
        src = s.source();
    }
    found
}

/// A Tera error as a diagnostic on the site's template file, if the
/// template is the site's own. Tera's message is shown whole: it names the
/// variable or function, and for a syntax error the line and column with
/// the line drawn. Tera keeps no positions in its syntax tree, so the
/// diagnostic names the file, not a span, rather than guess one by
/// searching the text; the help follows the error's kind.
fn template_error(
    overrides: &BTreeMap<String, FileId>,
    name: &str,
    e: &tera::Error,
    phase: Phase,
) -> Diagnostic {
    use tera::ErrorKind as K;
    let help = match (kind_of(e), phase) {
        (K::CallFunction(f), _) => format!(
            "the call to `{f}(…)` was refused for the reason above: change its arguments \
             (README \"Template API\" lists site-gen's functions)"
        ),
        (K::CallFilter(f), _) => format!(
            "the filter `{f}` was refused for the reason above: change the value or its \
             arguments"
        ),
        (K::CallTest(t), _) => format!("the test `{t}` was refused for the reason above"),
        (K::FunctionNotFound(f) | K::FilterNotFound(f) | K::TestNotFound(f), _) => format!(
            "`{f}` is neither one of Tera's built-ins nor one of site-gen's (README \
             \"Template API\"): check its spelling"
        ),
        (K::TemplateNotFound(t), _) | (K::MissingParent { parent: t, .. }, _) => format!(
            "there is no template `{t}` in `templates/` nor among the defaults: check the \
             name in `{{% extends %}}`, `{{% include %}}` or `{{% import %}}`"
        ),
        (K::CircularExtend { .. }, _) => {
            "templates extend each other in a loop: one of them must not extend".to_string()
        }
        (_, Phase::Compile) => "the template's syntax: the message shows the line and column; \
             see the Tera documentation"
            .to_string(),
        (_, Phase::Render) => "a variable this page does not have, or a value of another type: \
             check the spelling against README \"Template API\", or guard it with \
             `{% if page.extra.x is defined %}` or the `default` filter"
            .to_string(),
    };
    let d = Diagnostic::error(format!("template `{name}`: {}", chain(e))).help(help);
    match overrides.get(name) {
        Some(&file) => d
            .in_file(file)
            .label("in this template: Tera's message above says where"),
        None => d,
    }
}

fn str_arg<'a>(args: &'a HashMap<String, Value>, name: &str, func: &str) -> tera::Result<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg(format!("`{func}` needs a string argument `{name}`")))
}

/// The most items `range` gives: a template loop is for lists on a page,
/// and an unbounded one once grew a build to 23.7 GB.
pub const MAX_RANGE: u64 = 10_000;

/// Tera's `range(start, end, step_by)`, refusing more than [`MAX_RANGE`] items.
fn bounded_range(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let arg = |name: &str, default: Option<u64>| -> tera::Result<u64> {
        match args.get(name) {
            None => default.ok_or_else(|| tera::Error::msg(format!("`range` needs `{name}`"))),
            Some(v) => v.as_u64().ok_or_else(|| {
                tera::Error::msg(format!(
                    "`range`: `{name}` must be a whole number ≥ 0, not {v}"
                ))
            }),
        }
    };
    let (start, end, step) = (
        arg("start", Some(0))?,
        arg("end", None)?,
        arg("step_by", Some(1))?,
    );
    if step == 0 {
        return Err(tera::Error::msg("`range`: `step_by` must be at least 1"));
    }
    let count = end.saturating_sub(start).div_ceil(step);
    if count > MAX_RANGE {
        return Err(tera::Error::msg(format!(
            "`range` would give {count} items; at most {MAX_RANGE} are allowed"
        )));
    }
    Ok(Value::Array(
        (start..end)
            .step_by(usize::try_from(step).unwrap_or(usize::MAX))
            .map(Value::from)
            .collect(),
    ))
}

fn register_functions(tera: &mut Tera, data: &Arc<FnData>) {
    tera.register_function("range", bounded_range);
    // Tera's own `get_env` would publish the build machine's environment.
    tera.register_function("get_env", |_: &HashMap<String, Value>| {
        Err(tera::Error::msg(
            "`get_env` is disabled: templates may not read the environment",
        ))
    });
    let d = Arc::clone(data);
    tera.register_function("trans", move |args: &HashMap<String, Value>| {
        let key = str_arg(args, "key", "trans")?;
        let lang = str_arg(args, "lang", "trans")?;
        let strings = d
            .i18n
            .get(lang)
            .ok_or_else(|| tera::Error::msg(format!("trans: unknown language `{lang}`")))?;
        strings
            .strings
            .get(key)
            .map(|s| Value::String(s.clone()))
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "trans: no string `{key}` in content/i18n/{lang}.toml [strings]"
                ))
            })
    });
    let d = Arc::clone(data);
    tera.register_function("asset", move |args: &HashMap<String, Value>| {
        let path = str_arg(args, "path", "asset")?;
        d.assets
            .get(path.trim_start_matches('/'))
            .map(|out| Value::String(format!("{}{}", d.base_path, out)))
            .ok_or_else(|| tera::Error::msg(format!("asset: no file `static/{path}`")))
    });
    let d = Arc::clone(data);
    tera.register_function("fact", move |args: &HashMap<String, Value>| {
        let key = str_arg(args, "key", "fact")?;
        let lang = str_arg(args, "lang", "fact")?;
        let fact = d
            .facts
            .facts
            .get(key)
            .ok_or_else(|| tera::Error::msg(format!("fact: unknown fact `{key}`")))?;
        let i18n = d
            .i18n
            .get(lang)
            .ok_or_else(|| tera::Error::msg(format!("fact: unknown language `{lang}`")))?;
        crate::data::render(&fact.fact, lang, i18n, None)
            .map(Value::String)
            .map_err(tera::Error::msg)
    });
    tera.register_filter("plain", Plain);
    tera.register_filter(
        "mark_japanese",
        MarkJapanese {
            data: Arc::clone(data),
        },
    );
}

/// `{{ page.title | mark_japanese(lang=lang) }}`: the text escaped, with its
/// Japanese runs in `<span lang="ja">` on a page in another language (in
/// Chinese only the glossary's terms), as Markdown bodies get them. Its
/// output is HTML (a safe filter).
struct MarkJapanese {
    data: Arc<FnData>,
}

impl tera::Filter for MarkJapanese {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("mark_japanese: the value must be a string"))?;
        let lang = str_arg(args, "lang", "mark_japanese")?;
        let d = &self.data;
        let html_lang = d.html_langs.get(lang).map_or(lang, String::as_str);
        Ok(Value::String(if html_lang == d.source_html_lang {
            crate::markdown::ruby_text_html(text, None)
        } else {
            glossary::mark_text(
                &madoguchi_rules::strip_ruby(text),
                &d.glossary,
                glossary::writes_han(lang),
                &d.source_html_lang,
                escape_html,
            )
        }))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `{{ page.title | plain }}`: the text with each reading (`{漢字|かんじ}`)
/// left out, for places that cannot show one (`<title>`, attributes);
/// escaped by the template as any text.
struct Plain;

impl tera::Filter for Plain {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("plain: the value must be a string"))?;
        Ok(Value::String(madoguchi_rules::strip_ruby(text)))
    }
}

/// A template or a macro, as a node of the call graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Callee {
    Template(String),
    Macro { file: String, name: String },
}

impl std::fmt::Display for Callee {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Callee::Template(t) => write!(f, "{t}"),
            Callee::Macro { file, name } => write!(f, "{file}::{name}()"),
        }
    }
}

/// What a template (its body, blocks and parent) or a macro includes and calls.
fn callees(tera: &Tera, node: &Callee) -> Vec<Callee> {
    use tera::ast::Node;
    let (file, body): (&str, Vec<&Node>) = match node {
        Callee::Template(name) => {
            let Ok(t) = tera.get_template(name) else {
                return Vec::new();
            };
            (name, t.ast.iter().collect())
        }
        Callee::Macro { file, name } => {
            let Some(def) = tera
                .get_template(file)
                .ok()
                .and_then(|t| t.macros.get(name))
            else {
                return Vec::new();
            };
            (file, def.body.iter().collect())
        }
    };
    let Ok(tpl) = tera.get_template(file) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let (Callee::Template(_), Some(parent)) = (node, &tpl.parent) {
        out.push(Callee::Template(parent.clone()));
    }
    let mut walker = Walker {
        tera,
        tpl,
        file,
        out: &mut out,
    };
    for n in body {
        walker.node(n);
    }
    out.sort();
    out.dedup();
    out
}

struct Walker<'a> {
    tera: &'a Tera,
    tpl: &'a tera::Template,
    file: &'a str,
    out: &'a mut Vec<Callee>,
}

impl Walker<'_> {
    fn node(&mut self, n: &tera::ast::Node) {
        use tera::ast::Node;
        match n {
            Node::Include(_, names, _) => {
                for name in names {
                    if self.tera.get_template(name).is_ok() {
                        self.out.push(Callee::Template(name.clone()));
                        // Only the first existing name is rendered.
                        break;
                    }
                }
            }
            Node::VariableBlock(_, e) => self.expr(e),
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, f, _) => {
                f.filter.args.values().for_each(|e| self.expr(e));
                f.body.iter().for_each(|n| self.node(n));
            }
            Node::Block(_, b, _) => b.body.iter().for_each(|n| self.node(n)),
            Node::Forloop(_, f, _) => {
                self.expr(&f.container);
                f.body.iter().for_each(|n| self.node(n));
                f.empty_body.iter().flatten().for_each(|n| self.node(n));
            }
            Node::If(i, _) => {
                for (_, e, body) in &i.conditions {
                    self.expr(e);
                    body.iter().for_each(|n| self.node(n));
                }
                i.otherwise
                    .iter()
                    .flat_map(|(_, b)| b)
                    .for_each(|n| self.node(n));
            }
            // Macro bodies are their own nodes of the graph.
            _ => {}
        }
    }

    fn expr(&mut self, e: &tera::ast::Expr) {
        use tera::ast::ExprVal;
        for f in &e.filters {
            f.args.values().for_each(|a| self.expr(a));
        }
        match &e.val {
            ExprVal::MacroCall(call) => {
                let file = if call.namespace == "self" {
                    Some(self.file.to_string())
                } else {
                    self.tpl
                        .imported_macro_files
                        .iter()
                        .find(|(_, ns)| *ns == call.namespace)
                        .map(|(f, _)| f.clone())
                };
                if let Some(file) = file {
                    self.out.push(Callee::Macro {
                        file,
                        name: call.name.clone(),
                    });
                }
                call.args.values().for_each(|a| self.expr(a));
            }
            ExprVal::FunctionCall(f) => f.args.values().for_each(|a| self.expr(a)),
            ExprVal::Math(m) => {
                self.expr(&m.lhs);
                self.expr(&m.rhs);
            }
            ExprVal::Logic(l) => {
                self.expr(&l.lhs);
                self.expr(&l.rhs);
            }
            ExprVal::In(i) => {
                self.expr(&i.lhs);
                self.expr(&i.rhs);
            }
            ExprVal::Test(t) => t.args.iter().for_each(|a| self.expr(a)),
            ExprVal::Array(items) => items.iter().for_each(|a| self.expr(a)),
            _ => {}
        }
    }
}

/// A cycle of includes, parents or macro calls, if any: Tera has no depth
/// limit, so such a template would recurse until the stack overflows. Any
/// cycle is refused, even one a condition would stop: the check is static.
fn find_recursion(tera: &Tera) -> Option<Vec<Callee>> {
    fn visit(
        tera: &Tera,
        node: Callee,
        path: &mut Vec<Callee>,
        done: &mut std::collections::BTreeSet<Callee>,
    ) -> Option<Vec<Callee>> {
        if let Some(start) = path.iter().position(|n| *n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node);
            return Some(cycle);
        }
        if done.contains(&node) {
            return None;
        }
        path.push(node.clone());
        for next in callees(tera, &node) {
            if let Some(c) = visit(tera, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node);
        None
    }
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    let mut done = std::collections::BTreeSet::new();
    names.into_iter().find_map(|n| {
        visit(
            tera,
            Callee::Template(n.to_string()),
            &mut Vec::new(),
            &mut done,
        )
    })
}

/// The recursion error, pointed at the include or call in a site template.
fn recursion_error(
    sources: &Sources,
    overrides: &BTreeMap<String, FileId>,
    cycle: &[Callee],
) -> Diagnostic {
    let chain = cycle
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" → ");
    let first = &cycle[0];
    let what = match first {
        Callee::Template(t) if cycle.len() == 2 => format!("template `{t}` includes itself"),
        Callee::Macro { file, name } if cycle.len() == 2 => {
            format!("macro `{name}` in `{file}` calls itself")
        }
        _ => "templates include or call each other in a loop".to_string(),
    };
    let d = Diagnostic::error(format!("{what}: {chain}")).help(
        "templates cannot recurse (it would never end): remove the include or call that \
         leads back, or unroll the recursion",
    );
    // Point at the step that leads back, in the first site template of the loop.
    for pair in cycle.windows(2) {
        let file_name = match &pair[0] {
            Callee::Template(t) => t,
            Callee::Macro { file, .. } => file,
        };
        let Some(&file) = overrides.get(file_name) else {
            continue;
        };
        let text = sources.text(file);
        let needle = match &pair[1] {
            Callee::Template(t) => format!("\"{t}\""),
            Callee::Macro { name, .. } => format!("{name}("),
        };
        let from = match &pair[0] {
            Callee::Macro { name, .. } => text.find(&format!("macro {name}")).unwrap_or(0),
            Callee::Template(_) => 0,
        };
        let from = text[from..].find("%}").map_or(from, |i| {
            if matches!(pair[0], Callee::Macro { .. }) {
                from + i
            } else {
                from
            }
        });
        return match text[from..].find(&needle) {
            Some(i) => d
                .at(file, from + i..from + i + needle.len())
                .label("leads back here"),
            None => d.in_file(file),
        };
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_is_bounded() {
        let call = |pairs: &[(&str, u64)]| {
            let args: HashMap<String, Value> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Value::from(*v)))
                .collect();
            bounded_range(&args)
        };
        assert_eq!(call(&[("end", 3)]).ok(), Some(Value::from(vec![0, 1, 2])));
        assert_eq!(
            call(&[("start", 2), ("end", 9), ("step_by", 3)]).ok(),
            Some(Value::from(vec![2, 5, 8]))
        );
        assert!(call(&[("end", MAX_RANGE)]).is_ok());
        let err = call(&[("end", 1_000_000_000)]).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("`range` would give 1000000000 items; at most 10000 are allowed")
        );
        assert!(call(&[("end", 5), ("step_by", 0)]).is_err());
    }
}
