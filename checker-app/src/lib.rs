//! Madoguchi's checker: Yew components over the rules core
//! (`madoguchi-rules`). `site-gen` renders the first screen on the server
//! (feature `ssr`); the wasm binary (`src/main.rs`, feature `hydrate`)
//! hydrates it in the browser. One wasm serves every language: strings and
//! procedure come from the page's embedded data (see [`data`]).
//!
//! Screens follow the GOV.UK question pattern: one question per screen with
//! the legend as the page heading and an error summary linked to the
//! fields; then the result (what to send, stamps, postage, where) with the
//! Japanese request form filled from the answers, printable as it is; then,
//! only if the reader wants, their details to fill in more of the form.
//!
//! Layout (like Yew's function_todomvc): [`state`] (the reducer),
//! [`components`] (the screens), [`hooks`] (browser-only behaviour:
//! history, focus, kept answers), [`form`] (the A4 form), [`data`] (what
//! the page hands the app).

pub mod components;
pub mod data;
pub mod form;
pub mod hooks;
pub mod state;

use std::collections::BTreeMap;
use std::rc::Rc;

use madoguchi_rules as rules;
use yew::prelude::*;

pub use data::{CheckerData, DATA_ELEMENT_ID, Prepared, ROOT_ELEMENT_ID, SECTION_ID};
use state::{Screen, State};

/// Every interface string the app shows (`Prepared::t`): site-gen refuses a
/// default language that lacks one (the other languages fall back to it).
/// `tests/strings.rs` keeps the list equal to what the code asks for.
pub const STRING_KEYS: &[&str] = &[
    "checker_add_details",
    "checker_back",
    "checker_change",
    "checker_continue",
    "checker_details_done",
    "checker_details_hint",
    "checker_details_title",
    "checker_documents",
    "checker_error_broken",
    "checker_error_choose",
    "checker_error_date",
    "checker_error_era",
    "checker_error_katakana",
    "checker_error_number",
    "checker_error_phone",
    "checker_error_postcode",
    "checker_error_prefix",
    "checker_error_range",
    "checker_error_year",
    "checker_form_help",
    "checker_form_intro",
    "checker_form_needs",
    "checker_form_title",
    "checker_go_other",
    "checker_keep_hint",
    "checker_keep_label",
    "checker_kept_forget",
    "checker_kept_loaded",
    "checker_loading",
    "checker_needed",
    "checker_no_confirmed_postage",
    "checker_optional",
    "checker_postage",
    "checker_print",
    "checker_problem",
    "checker_range_hint",
    "checker_restart",
    "checker_result_eligible",
    "checker_result_not_eligible",
    "checker_result_redirect",
    "checker_stamps",
    "checker_your_answers",
];

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub data: Rc<Prepared>,
    /// Today's date in the reader's browser; `None` on the server, which
    /// renders only the first question (the same whatever the date).
    #[prop_or_default]
    pub today: Option<rules::Date>,
    /// Answers already given (the server renders none).
    #[prop_or_default]
    pub answers: rules::Answers,
    #[prop_or_default]
    pub details: BTreeMap<String, String>,
    /// The option chosen (or text typed) on the server-rendered first
    /// screen before the app started: hydration keeps it.
    #[prop_or_default]
    pub early: Option<String>,
    /// The screen to show, if the answers reach it (a test's).
    #[prop_or_default]
    pub screen: Option<String>,
}

/// Stands in for today on the server; only the first question is rendered
/// there, and it does not depend on the date.
fn fallback_today() -> rules::Date {
    rules::Date::new(2000, 1, 1).unwrap_or_default()
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let today = props.today.unwrap_or_else(fallback_today);
    let data = props.data.clone();
    let (answers, details) = (props.answers.clone(), props.details.clone());
    let early = props.early.clone();
    let screen = props.screen.as_deref().and_then(Screen::from_key);
    let state = use_reducer(move || {
        let mut s = State::resume(data, today, answers, details, screen);
        s.early = early;
        s
    });
    hooks::use_live(&state);
    hooks::use_history(&state);
    hooks::use_kept_answers(&state);
    hooks::use_focus(&state);
    let d = &state.data;
    let title = rules::strip_ruby(&d.text(d.procedure().title.get_ref()));
    let body = match &state.screen {
        // Step ids are validated at build time; a missing one is a safety net.
        Screen::Step(id) if d.procedure().step(id).is_some() => components::question(&state, id),
        Screen::Step(_) => html! { <p>{ d.t("checker_error_broken") }</p> },
        Screen::Details => components::details(&state),
        Screen::Result => components::result_view(&state),
    };
    html! {
        <section class="checker" aria-label={title}>
            if !state.live {
                <p class="checker-loading no-print" role="status">{ d.t("checker_loading") }</p>
            }
            { components::restored_notice(&state) }
            { body }
            { components::keep_control(&state) }
        </section>
    }
}

/// Renders the first screen to HTML for the page (server side).
#[cfg(feature = "ssr")]
pub fn render_first_screen(data: Rc<Prepared>) -> String {
    render(AppProps {
        data,
        today: None,
        answers: Default::default(),
        details: Default::default(),
        early: None,
        screen: None,
    })
}

/// Renders the app with the given props to HTML (server side).
#[cfg(feature = "ssr")]
pub fn render(props: AppProps) -> String {
    futures::executor::block_on(yew::LocalServerRenderer::<App>::with_props(props).render())
}
