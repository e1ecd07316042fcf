//! # madoguchi-rules: the rules core of the procedure checker
//!
//! A procedure (who may apply, which documents, how many yen of revenue
//! stamps, what postage, what to write on the Japanese form) is **data**: a
//! TOML file in `content/procedures/<id>.toml`. This crate reads such a file
//! ([`parse_procedure`]), checks it ([`validate`]) and walks it with a
//! person's answers ([`next_step`], [`evaluate`]). It does no I/O and reads
//! no clock: the caller passes the facts and today's date. A new procedure
//! needs a new file, never a Rust change.
//!
//! ## The file, field by field
//!
//! **Texts.** Every text shown to a reader is a table with one entry per
//! language: `{ ja = "...", en = "..." }`. `ja` (the default language) is
//! always required, and so is every language the file lists in `languages`.
//! A missing translation of a language *not* listed falls back to `ja`.
//! Texts may contain placeholders: `{fact:<key>}` (a fact's value, e.g.
//! `{fact:disclosure.residence_certificate_days}`), `{answer:<step>}` (the
//! reader's answer), `{today}`, `{copies}`, `{fee_per_copy}`, `{fee_total}`.
//!
//! **Facts.** Figures are never written in a procedure file. They live in
//! `content/data/<file>.toml` and are named `<file>.<table>`, e.g.
//! `disclosure.handling_fee` (yen), `postage.reply_standard` (dated
//! rates), `disclosure.voluntary_agent_from` (a date). This crate parses
//! those files too ([`parse_data_file`], from text the caller read): the
//! one model of a fact ([`Fact`], [`DataFact`]) and of a date ([`Date`]).
//!
//! **Ids** (procedure, steps, options, outcomes, documents, ...) use
//! lowercase ASCII letters, digits, `_` and `-`.
//!
//! Top level:
//! - `id`: the procedure id (redirects from other procedures use it).
//! - `title`, optional `summary`: texts.
//! - `languages`: the languages the file is fully written in, default first:
//!   `["ja", "en"]`.
//! - optional `start`: the first step id (default: the first `[[steps]]`).
//!
//! `[[steps]]`, one per question:
//! - `id`, `kind`: `choice`, `yes_no`, `number`, `year`, `date` or `text`.
//! - `legend` (the question), optional `hint`: texts.
//! - `number`/`year`: `min` and `max` (inclusive), both required. Answers
//!   are read forgivingly ([`parse_number`], [`parse_year`]): digits of
//!   either width, a counter after a number (`2部`), a year with `年`, in
//!   the era calendar (`昭和50年`, `昭和50`, `S50`, `平成元年`; an era year
//!   must be one its era had). Keep the range wide and explain unusual
//!   answers with `[[info]]` items (`when = { answer = .., at_most = .. }`)
//!   rather than refusing them.
//! - `text`: `optional = true` accepts an empty answer.
//! - `choice`/`yes_no`: `[[steps.options]]`, each with `value` (the answer),
//!   `label`, optional `hint`, optional `form` (what the option writes on
//!   the Japanese form; default: its `ja` label). A `yes_no` step has exactly
//!   the values `yes` and `no`.
//! - Routing: `next = "<step>"` or `outcome = "<outcome>"`, on an option or
//!   on the step (the step's applies to options without their own), plus
//!   optional `[[...routes]]` with `when` (a condition) and `next`/`outcome`,
//!   tried first, in order. Order: the chosen option's routes, the option's
//!   target, the step's routes, the step's target.
//!
//! Conditions (`when`): an inline table; every key given must hold.
//! - `answer = "<step>"` with `is = "<value>"`, `one_of = [..]`,
//!   `at_least = N` / `at_most = N` (N a number, or the key of a `number`,
//!   `yen` or `date` fact; a date counts as its year). An unanswered step, or
//!   one not on the reader's path, fails every test.
//! - `today_from = "<date fact>"` / `today_before = "<date fact>"`: dated
//!   rules, e.g. voluntary agents accepted from 2022-04-01.
//! - `all = [..]`, `any = [..]`, `not = { .. }`.
//!
//! `[[outcomes]]`: `id`, `kind` = `eligible`, `not_eligible` (with `text`:
//! the reason) or `redirect` (with `procedure = "<other id>"` and `text`).
//!
//! `[[documents]]`: the checklist; `id`, `text`, optional `when`, optional
//! `unverified = true` (the sources do not confirm the item: the reader sees
//! the language's "(unconfirmed)" mark after it). A `{fact:..}` of a fact
//! marked `unverified = true` (or of a dated rate marked so) carries that
//! mark wherever it is shown to a reader, never on the Japanese form.
//!
//! `[fee]`: `fee_fact` (a `yen` fact: the fee per copy; or a `text` fact
//! marked `unverified = true`: then no amount is computed and that text is
//! shown), optional `copies_step` (a `number` step; its `min`/`max` is the
//! allowed range, 1 to [`MAX_COPIES`]; without it one copy), optional
//! `multi_copy_note` (shown from two copies, e.g. 「{copies}部請求」) and
//! `text` (how to pay). Total = fee × copies.
//!
//! `[postage]`: optional `when`, `text`; `[[postage.bands]]` with `id`,
//! `label`, optional `when`, `rates` (keys of `rates` facts) and optional
//! `confirmed_before` (a date fact: from that day there is no confirmed
//! figure, and the checker says so instead of inventing one); the first band
//! whose `when` holds applies. `[[postage.letter_packs]]`: `id`, `label`,
//! `fact` (a `rates` fact). Rates in force on today's date are used.
//!
//! `[[info]]`: where to send, how long it takes...: `id`, `label`, and
//! either `text` or `fact` (the key of a fact), optional `when`, optional
//! `unverified = true` (as for documents; on a `text` item).
//!
//! `[[details]]`: the person's details written on the form, asked after the
//! result (one screen, all fields, every one optional: a detail left empty
//! prints as a blank to fill in by hand): `id`, `label`, optional `hint`,
//! `kind` (`text` (default), `katakana`, `date`, `postcode`, `phone`,
//! `choice`: how what is typed is read), `missing` (for a detail the form
//! needs: what the reader still has to write, shown while it is empty;
//! required unless `optional = true`), optional `when` (asked only on paths
//! where it holds) and `autocomplete` (the HTML token). Input is forgiving:
//! full-width digits and letters are folded, dates may be `1950/3/4` or
//! `昭和25年3月4日`, a katakana reading may be typed in hiragana, postcodes
//! and phone numbers with or without hyphens. `[[details.options]]`
//! (`value`, `label`, optional `form`: what is printed, default the `ja`
//! label) are the choices of a `choice` detail (e.g. sex), or suggestions
//! for a `text` detail (e.g. nationality: the reader picks their language's
//! name, the Japanese one is printed; other text is printed as typed).
//!
//! `[form]`: the Japanese request form, all Japanese. `name` (the title),
//! optional `subtitle` and `addressee`; the date line is the request date in
//! the era calendar with the Gregorian date. `[[form.sections]]`, each with
//! optional `intro` (a sentence) and `heading` (centred, e.g. 記), and
//! `[[form.sections.rows]]`: `label` (the box), `value` (what is written;
//! placeholders allowed, plus `{detail:<id>}`: the detail typed, dates in
//! the era calendar; `{detail:<a>|<b>}`: the first of those details asked on
//! this path; `{box:<step>=<value>}`: ☑ when that answer was given, else
//! ☐; `|` separates several values; `{doc:<document id>}`: ☑ when that
//! document is on the reader's checklist, else ☐: boxes that say what is
//! enclosed use it, so the form and the checklist cannot disagree),
//! optional `when`, `stamp = true` (the
//! revenue-stamp box) and `help` (what the box is, in the reader's
//! language). Consecutive rows with the same label share one box, a line
//! each. The blank form (printed without JavaScript) has every box ☐, no
//! details, no date, and leaves out rows with a `when`.
//!
//! ## Example
//!
//! ```toml
//! id = "example"
//! languages = ["ja", "en"]
//! title = { ja = "例", en = "Example" }
//!
//! [[steps]]
//! id = "requester"
//! kind = "choice"
//! legend = { ja = "請求するのはどなたですか。", en = "Who is making the request?" }
//!
//! [[steps.options]]
//! value = "self"
//! label = { ja = "本人", en = "The person themself" }
//! form = "本人"
//! next = "copies"
//!
//! [[steps.options]]
//! value = "agent"
//! label = { ja = "任意代理人", en = "A voluntary agent" }
//! form = "任意代理人"
//! next = "copies"
//!
//!   [[steps.options.routes]]
//!   when = { today_before = "disclosure.voluntary_agent_from" }
//!   outcome = "refused"
//!
//! [[steps]]
//! id = "copies"
//! kind = "number"
//! min = 1
//! max = 5
//! legend = { ja = "部数", en = "How many copies?" }
//! outcome = "eligible"
//!
//! [[outcomes]]
//! id = "eligible"
//! kind = "eligible"
//!
//! [[outcomes]]
//! id = "refused"
//! kind = "not_eligible"
//! text = { ja = "まだ受け付けていません。", en = "Not accepted yet." }
//!
//! [[documents]]
//! id = "power_of_attorney"
//! text = { ja = "委任状", en = "A power of attorney" }
//! when = { answer = "requester", is = "agent" }
//!
//! [fee]
//! fee_fact = "disclosure.handling_fee"
//! copies_step = "copies"
//! multi_copy_note = { ja = "「{copies}部請求」と書く", en = "Write 「{copies}部請求」" }
//!
//! [[details]]
//! id = "name"
//! label = { ja = "氏名", en = "Your name" }
//! missing = { ja = "氏名を入力してください", en = "Enter your name" }
//!
//! [form]
//! name = "保有個人情報開示請求書"
//! addressee = "出入国在留管理庁長官　殿"
//!
//! [[form.sections]]
//!
//! [[form.sections.rows]]
//! label = "氏名"
//! value = "{detail:name}"
//!
//! [[form.sections.rows]]
//! label = "4 本人確認等"
//! value = "ア 請求者　{box:requester=self}本人　{box:requester=agent}任意代理人"
//! ```
//!
//! ## Use from Rust
//!
//! ```
//! use madoguchi_rules::*;
//! # let text = r#"
//! # id = "x"
//! # languages = ["ja"]
//! # title = { ja = "例" }
//! # [[steps]]
//! # id = "q"
//! # kind = "yes_no"
//! # legend = { ja = "質問" }
//! # outcome = "ok"
//! # [[steps.options]]
//! # value = "yes"
//! # label = { ja = "はい" }
//! # [[steps.options]]
//! # value = "no"
//! # label = { ja = "いいえ" }
//! # [[outcomes]]
//! # id = "ok"
//! # kind = "eligible"
//! # "#;
//! let proc = parse_procedure(text).map_err(|p| p[0].message.clone())?;
//! let facts = Facts::new();
//! assert!(validate(&proc, &facts, &["ja", "en"], "ja", &[]).is_empty());
//! let today = Date::new(2026, 11, 25).ok_or("date")?;
//! let mut answers = Answers::new();
//! assert_eq!(next_step(&proc, &facts, &answers, today)?, Some("q".to_string()));
//! answers.insert("q".into(), "yes".into());
//! let Evaluation::Finished { outcome: Outcome::Eligible(_), .. } =
//!     evaluate(&proc, &facts, &answers, today, "en")?
//! else {
//!     return Err("not eligible".into());
//! };
//! assert_eq!(format_wareki(today).as_deref(), Some("令和8年11月25日"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod binary;
mod date;
mod eval;
mod facts;
mod model;
mod normalize;
mod script;
mod spanned;
mod template;
mod validate;

pub use binary::Binary;
pub use date::{
    Date, days_in_month, format_date, format_wareki, format_wareki_gregorian, format_wareki_with,
    is_leap_year, japanese_era,
};
pub use eval::{
    AnswerError, AnswerErrorKind, Answers, DetailError, DetailErrorKind, Details, DocumentItem,
    Eligible, EvalError, Evaluation, FormBox, FormOutput, FormSectionOutput, InfoItem, Outcome,
    Postage, PostageBand, PostageRate, PricedItem, StampPostage, Stamps, blank_form,
    canonical_answer, check_details, details_asked, evaluate, fill_form, fill_text,
    missing_details, next_step, normalize_detail, normalize_details,
};
pub use facts::{
    DATA_FILE_HELP, DataChecks, DataFact, Fact, FactValue, Facts, MAX_YEN, Rate, SourceLink, Text,
    format_money, parse_data_file, rate_on,
};
pub use model::{
    Band, Bound, Choice, Condition, DetailDef, DetailKind, DetailOption, Document, Fee, FormDef,
    FormRow, FormSection, Info, OutcomeDef, OutcomeKind, PostageDef, PricedFact, Problem,
    Procedure, Route, Step, StepKind, parse_procedure, texts_mut,
};
pub use normalize::{
    YearProblem, fold_width, normalize_katakana, normalize_phone, normalize_postcode,
    normalize_text, parse_date, parse_number, parse_year,
};
pub use script::{
    RubyPiece, is_japanese, japanese_run_len, japanese_runs, ruby_pieces, ruby_problem, strip_ruby,
    writes_han,
};
pub use template::fill;
pub use validate::{MAX_COPIES, fact_references, validate};
