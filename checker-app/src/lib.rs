//! Madoguchi's checker: Yew components over the rules core
//! (`madoguchi-rules`). `site-gen` renders the first screen on the server
//! (feature `ssr`); the wasm binary (`src/main.rs`, feature `hydrate`)
//! hydrates it in the browser. One wasm serves every language: strings and
//! procedure come from the page's embedded data (see [`data`]).
//!
//! Screens follow the GOV.UK question pattern: one question per screen with
//! the legend as the page heading, an error summary linked to the fields,
//! check your answers with Change links, then the result with a checklist
//! and the filled Japanese request form, both printable.

pub mod data;
pub mod form;
pub mod state;

use std::collections::BTreeMap;
use std::rc::Rc;

use madoguchi_rules as rules;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub use data::{CheckerData, DATA_ELEMENT_ID, FactDto, Prepared, ROOT_ELEMENT_ID, UNVERIFIED_MARK};
use state::{Action, FieldError, Screen, State};

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
}

fn screen_key(s: &Screen) -> String {
    match s {
        Screen::Step(id) => format!("q-{id}"),
        Screen::Details => "details".into(),
        Screen::Check => "check".into(),
        Screen::Result => "result".into(),
    }
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
    let state = use_reducer(move || State::resume(data, today, answers, details));
    browser::use_browser_integration(&state);
    let d = &state.data;
    let title = d.text(d.procedure().title.get_ref());
    let body = match &state.screen {
        // Step ids are validated at build time; a missing one is a safety net.
        Screen::Step(id) if d.procedure().step(id).is_some() => {
            html! { <Question state={state.clone()} step_id={id.clone()} key={id.clone()} /> }
        }
        Screen::Step(_) => html! { <p>{ d.t("checker_error_broken") }</p> },
        Screen::Details => html! { <Details state={state.clone()} /> },
        Screen::Check => html! { <CheckAnswers state={state.clone()} /> },
        Screen::Result => html! { <ResultView state={state.clone()} /> },
    };
    html! {
        <section class="checker" aria-label={title}>
            { restored_notice(&state) }
            { body }
        </section>
    }
}

/// Shown when answers kept on this device were loaded: say so, and offer
/// to delete them.
fn restored_notice(state: &UseReducerHandle<State>) -> Html {
    if !state.restored {
        return html! {};
    }
    let d = &state.data;
    let s = state.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        s.dispatch(Action::Keep(false));
        s.dispatch(Action::Restart);
    });
    html! {
        <div class="panel no-print kept-notice">
            <p>{ d.t("checker_kept_loaded") }</p>
            <p><button type="button" class="link-button" {onclick}>{ d.t("checker_kept_forget") }</button></p>
        </div>
    }
}

/// The reader's choice to keep their answers on this device (nothing is
/// stored until they tick it; unticking deletes what was kept).
fn keep_control(state: &UseReducerHandle<State>) -> Html {
    let d = &state.data;
    let s = state.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        s.dispatch(Action::Keep(input.checked()));
    });
    html! {
        <div class="keep no-print">
            <div class="checkbox">
                <input type="checkbox" id="checker-keep" checked={state.keep} {onchange} aria-describedby="checker-keep-hint" />
                <label for="checker-keep">{ d.t("checker_keep_label") }</label>
            </div>
            <p class="hint" id="checker-keep-hint">{ d.t("checker_keep_hint") }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct StateProps {
    state: UseReducerHandle<State>,
}

#[derive(Properties, PartialEq)]
struct QuestionProps {
    state: UseReducerHandle<State>,
    step_id: String,
}

fn error_summary(d: &Prepared, errors: &[FieldError]) -> Html {
    if errors.is_empty() {
        return html! {};
    }
    html! {
        <div class="error-summary" role="alert" tabindex="-1" id="checker-error-summary" aria-labelledby="checker-error-title">
            <h2 id="checker-error-title">{ d.t("checker_problem") }</h2>
            <ul>
                { for errors.iter().map(|e| html! {
                    <li><a href={format!("#{}", e.field)}>{ &e.message }</a></li>
                }) }
            </ul>
        </div>
    }
}

fn back_button(state: &UseReducerHandle<State>) -> Html {
    if state.trail.is_empty() {
        return html! {};
    }
    let s = state.clone();
    let onclick = Callback::from(move |_: MouseEvent| s.dispatch(Action::Back));
    html! { <button type="button" class="back-link" {onclick}>{ state.data.t("checker_back") }</button> }
}

#[function_component(Question)]
fn question(props: &QuestionProps) -> Html {
    let state = &props.state;
    let d = &state.data;
    let Some(step) = d.procedure().step(&props.step_id) else {
        return html! {};
    };
    let initial = state
        .answers
        .get(&props.step_id)
        .cloned()
        .unwrap_or_default();
    let draft = use_state(move || initial);
    let field_id = format!("q-{}", props.step_id);
    let error = state.errors.iter().find(|e| e.field == field_id).cloned();
    let onsubmit = {
        let s = state.clone();
        let draft = draft.clone();
        let step = props.step_id.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            s.dispatch(Action::Answer {
                step: step.clone(),
                value: (*draft).clone(),
            });
        })
    };
    let legend = d.text(step.legend.get_ref());
    let hint = step.hint.as_ref().map(|h| d.text(h.get_ref()));
    let hint_id = format!("{field_id}-hint");
    let err_id = format!("{field_id}-error");
    let describedby = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| err_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let describedby = (!describedby.is_empty()).then_some(describedby);
    let error_html = error.as_ref().map_or(html! {}, |e| {
        html! { <p class="field-error" id={err_id.clone()}><span class="visually-hidden">{ d.t("checker_error_prefix") }</span>{ &e.message }</p> }
    });
    let kind = *step.kind.get_ref();
    let control = if kind.has_options() {
        html! {
            <div class="radios">
                { for step.options.iter().enumerate().map(|(i, o)| {
                    let o = o.get_ref();
                    let value = o.value.get_ref().clone();
                    let id = if i == 0 { field_id.clone() } else { format!("{field_id}-{i}") };
                    let checked = *draft == value;
                    let onchange = {
                        let draft = draft.clone();
                        let value = value.clone();
                        Callback::from(move |_: Event| draft.set(value.clone()))
                    };
                    let option_hint = o.hint.as_ref().map(|h| d.text(h.get_ref()));
                    let option_hint_id = format!("{id}-hint");
                    html! {
                        <div class="radio">
                            <input type="radio" {id} name={field_id.clone()} value={value.clone()} {checked} {onchange}
                                aria-describedby={option_hint.as_ref().map(|_| option_hint_id.clone())} />
                            <label for={if i == 0 { field_id.clone() } else { format!("{field_id}-{i}") }}>{ d.text(o.label.get_ref()) }</label>
                            { option_hint.map_or(html!{}, |h| html!{ <p class="hint" id={option_hint_id}>{ h }</p> }) }
                        </div>
                    }
                }) }
            </div>
        }
    } else {
        let oninput = {
            let draft = draft.clone();
            Callback::from(move |e: InputEvent| {
                let input: HtmlInputElement = e.target_unchecked_into();
                draft.set(input.value());
            })
        };
        let (inputmode, autocomplete, class) = match kind {
            rules::StepKind::Number | rules::StepKind::Year => {
                (Some("numeric"), "off", "input-short")
            }
            rules::StepKind::Date => (None, "off", "input-medium"),
            _ => (None, "off", "input-long"),
        };
        let range = match (&step.min, &step.max) {
            (Some(min), Some(max)) if kind.is_numeric() => Some(
                d.t("checker_range_hint")
                    .replace("{min}", &min.get_ref().to_string())
                    .replace("{max}", &max.get_ref().to_string()),
            ),
            _ => None,
        };
        let range_id = format!("{field_id}-range");
        let input_describedby = [
            range.as_ref().map(|_| range_id.clone()),
            describedby.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let input_describedby = (!input_describedby.is_empty()).then_some(input_describedby);
        html! {
            <>
                { range.as_ref().map_or(html!{}, |r| html!{ <p class="hint" id={range_id.clone()}>{ r }</p> }) }
                <input type="text" id={field_id.clone()} name={field_id.clone()} class={classes!(class, error.is_some().then_some("input-error"))}
                    value={(*draft).clone()} {oninput} {inputmode} {autocomplete}
                    aria-describedby={input_describedby} aria-invalid={error.is_some().then_some("true")} />
            </>
        }
    };
    let group_class = classes!("form-group", error.is_some().then_some("form-group-error"));
    html! {
        <>
            { back_button(state) }
            { error_summary(d, &state.errors) }
            <form class="question" novalidate=true {onsubmit}>
                <div class={group_class}>
                    if kind.has_options() {
                        <fieldset aria-describedby={describedby.clone()}>
                            <legend class="question-legend">
                                <h2 class="question-heading" tabindex="-1" id="checker-heading">{ legend }</h2>
                            </legend>
                            { hint.map_or(html!{}, |h| html!{ <p class="hint" id={hint_id.clone()}>{ h }</p> }) }
                            { error_html }
                            { control }
                        </fieldset>
                    } else {
                        // One field: the question is its label (GOV.UK pattern).
                        <h2 class="question-heading" tabindex="-1" id="checker-heading">
                            <label for={field_id.clone()}>{ legend }</label>
                        </h2>
                        { hint.map_or(html!{}, |h| html!{ <p class="hint" id={hint_id.clone()}>{ h }</p> }) }
                        { error_html }
                        { control }
                    }
                </div>
                <button type="submit" class="button">{ d.t("checker_continue") }</button>
            </form>
        </>
    }
}

fn detail_input(
    d: &Prepared,
    values: &UseStateHandle<BTreeMap<String, String>>,
    errors: &[FieldError],
    detail: &rules::DetailDef,
) -> Html {
    let field = detail.id.get_ref().clone();
    let id = format!("d-{field}");
    let error = errors.iter().find(|e| e.field == id);
    let value = values.get(&field).cloned().unwrap_or_default();
    let oninput = {
        let values = values.clone();
        let field = field.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*values).clone();
            next.insert(field.clone(), input.value());
            values.set(next);
        })
    };
    let hint = detail.hint.as_ref().map(|h| d.text(h.get_ref()));
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let describedby = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.map(|_| err_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let (inputmode, class) = match detail.kind.get_ref() {
        rules::DetailKind::Postcode | rules::DetailKind::Phone => (Some("tel"), "input-medium"),
        rules::DetailKind::Date => (None, "input-medium"),
        _ => (None, "input-long"),
    };
    let autocomplete = detail.autocomplete.clone().unwrap_or_else(|| "off".into());
    html! {
        <div class={classes!("form-group", error.is_some().then_some("form-group-error"))}>
            <label for={id.clone()} class="label">
                { d.text(detail.label.get_ref()) }
                { if detail.optional { html!{ <span class="optional">{ format!(" {}", d.t("checker_optional")) }</span> } } else { html!{} } }
            </label>
            { hint.map_or(html!{}, |h| html!{ <p class="hint" id={hint_id}>{ h }</p> }) }
            { error.map_or(html!{}, |e| html!{ <p class="field-error" id={err_id}><span class="visually-hidden">{ d.t("checker_error_prefix") }</span>{ &e.message }</p> }) }
            <input type="text" id={id.clone()} name={id} class={classes!(class, error.is_some().then_some("input-error"))}
                {value} {oninput} {autocomplete} {inputmode}
                aria-describedby={(!describedby.is_empty()).then_some(describedby)}
                aria-invalid={error.is_some().then_some("true")} />
        </div>
    }
}

#[function_component(Details)]
fn details(props: &StateProps) -> Html {
    let state = &props.state;
    let d = &state.data;
    let initial = state.details.clone();
    let values = use_state(move || initial);
    let onsubmit = {
        let s = state.clone();
        let values = values.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            s.dispatch(Action::Details((*values).clone()));
        })
    };
    html! {
        <>
            { back_button(state) }
            { error_summary(d, &state.errors) }
            <form class="details" novalidate=true {onsubmit}>
                <h2 class="question-heading" tabindex="-1" id="checker-heading">{ d.t("checker_details_title") }</h2>
                <p class="hint">{ d.t("checker_details_hint") }</p>
                { for state.details_asked().into_iter().map(|detail| detail_input(d, &values, &state.errors, detail)) }
                <button type="submit" class="button">{ d.t("checker_continue") }</button>
            </form>
        </>
    }
}

/// The label of the answer given to a step, in the reader's language.
fn answer_label(d: &Prepared, step: &rules::Step, value: &str) -> String {
    step.options
        .iter()
        .map(|o| o.get_ref())
        .find(|o| o.value.get_ref() == value)
        .map_or_else(|| value.to_string(), |o| d.text(o.label.get_ref()))
}

#[function_component(CheckAnswers)]
fn check_answers(props: &StateProps) -> Html {
    let state = &props.state;
    let d = &state.data;
    let path = match state.evaluation() {
        Ok(rules::Evaluation::Finished { path, .. })
        | Ok(rules::Evaluation::NeedsAnswer { path, .. }) => path,
        Err(_) => Vec::new(),
    };
    let confirm = {
        let s = state.clone();
        Callback::from(move |_: MouseEvent| s.dispatch(Action::Confirm))
    };
    let change_details = {
        let s = state.clone();
        Callback::from(move |_: MouseEvent| s.dispatch(Action::Show(Screen::Details)))
    };
    html! {
        <>
            { back_button(state) }
            <h2 class="question-heading" tabindex="-1" id="checker-heading">{ d.t("checker_check_title") }</h2>
            <dl class="summary-list">
                { for path.iter().filter_map(|id| d.procedure().step(id)).map(|step| {
                    let id = step.id.get_ref().clone();
                    let value = state.answers.get(&id).cloned().unwrap_or_default();
                    let s = state.clone();
                    let step_id = id.clone();
                    let onclick = Callback::from(move |_: MouseEvent| s.dispatch(Action::Change(step_id.clone())));
                    let legend = d.text(step.legend.get_ref());
                    html! {
                        <div class="summary-row">
                            <dt>{ legend.clone() }</dt>
                            <dd>{ answer_label(d, step, &value) }</dd>
                            <dd class="summary-action">
                                <button type="button" class="link-button" {onclick}>
                                    { d.t("checker_change") }<span class="visually-hidden">{ format!(" {legend}") }</span>
                                </button>
                            </dd>
                        </div>
                    }
                }) }
                { for state.details_asked().into_iter().filter_map(|detail| {
                    let v = state.details.get(detail.id.get_ref()).filter(|v| !v.trim().is_empty())?.clone();
                    let label = d.text(detail.label.get_ref());
                    let onclick = change_details.clone();
                    Some(html! {
                        <div class="summary-row">
                            <dt>{ label.clone() }</dt>
                            <dd>{ v }</dd>
                            <dd class="summary-action">
                                <button type="button" class="link-button" {onclick}>
                                    { d.t("checker_change") }<span class="visually-hidden">{ format!(" {label}") }</span>
                                </button>
                            </dd>
                        </div>
                    })
                }) }
            </dl>
            { keep_control(state) }
            <button type="button" class="button" onclick={confirm}>{ d.t("checker_confirm") }</button>
        </>
    }
}

#[function_component(ResultView)]
fn result_view(props: &StateProps) -> Html {
    let state = &props.state;
    let d = &state.data;
    let restart = {
        let s = state.clone();
        Callback::from(move |_: MouseEvent| s.dispatch(Action::Restart))
    };
    let print = Callback::from(|_: MouseEvent| browser::print());
    let body = match state.evaluation() {
        Ok(rules::Evaluation::Finished { outcome, .. }) => match outcome {
            rules::Outcome::Eligible(e) => {
                let stamps = match &e.stamps {
                    Some(rules::Stamps::Computed {
                        per_copy,
                        copies,
                        total,
                        note,
                        text,
                        unverified,
                    }) => html! {
                        <>
                            <h3>{ d.t("checker_stamps") }</h3>
                            <p class="stamp-total">{ format!("{} × {} = {}{}", d.money(*per_copy), copies, d.money(*total), d.mark(*unverified)) }</p>
                            { note.clone().map_or(html!{}, |n| html!{ <p>{ n }</p> }) }
                            { text.clone().map_or(html!{}, |t| html!{ <p>{ t }</p> }) }
                        </>
                    },
                    Some(rules::Stamps::Unconfirmed { text }) => html! {
                        <><h3>{ d.t("checker_stamps") }</h3><p>{ text.clone() }</p></>
                    },
                    None => html! {},
                };
                let postage = e.postage.as_ref().map_or(html! {}, |p| {
                    let rates = match &p.stamps {
                        rules::StampPostage::InForce(rates) => html! {
                            <ul>{ for rates.iter().map(|r| html!{ <li>{ format!("{}{}", d.money(r.yen), d.mark(r.unverified)) }</li> }) }</ul>
                        },
                        rules::StampPostage::NoConfirmedFigure { .. } => html! {
                            <p>{ d.t("checker_no_confirmed_postage") }</p>
                        },
                    };
                    html! {
                        <>
                            <h3>{ d.t("checker_postage") }</h3>
                            { p.band.as_ref().map_or(html!{}, |b| html!{ <p>{ b.label.clone() }</p> }) }
                            { rates }
                            { p.text.clone().map_or(html!{}, |t| html!{ <p>{ t }</p> }) }
                            { if p.letter_packs.is_empty() { html!{} } else { html! {
                                <ul>{ for p.letter_packs.iter().map(|l| html!{ <li>{ format!("{}: {}{}", l.label, d.money(l.yen), d.mark(l.unverified)) }</li> }) }</ul>
                            } } }
                        </>
                    }
                });
                let form = state.filled_form().map_or(html! {}, |f| {
                    html! { <form::RequestForm form={f} lang={d.lang().to_string()} help_title={d.t("checker_form_help")} /> }
                });
                html! {
                    <>
                        <div class="panel panel-ok">
                            <h2 class="question-heading" tabindex="-1" id="checker-heading">{ d.t("checker_result_eligible") }</h2>
                            { e.message.clone().map_or(html!{}, |m| html!{ <p>{ m }</p> }) }
                        </div>
                        <div class="checklist print-page">
                            <h3>{ d.t("checker_documents") }</h3>
                            <ul class="checklist-items">
                                { for e.documents.iter().map(|doc| html!{ <li>{ doc.text.clone() }</li> }) }
                            </ul>
                            { stamps }
                            { postage }
                            { for e.info.iter().map(|i| html!{ <><h3>{ i.label.clone() }</h3><p>{ i.text.clone() }</p></> }) }
                        </div>
                        <p class="no-print"><button type="button" class="button" onclick={print}>{ d.t("checker_print") }</button></p>
                        { form }
                    </>
                }
            }
            rules::Outcome::NotEligible { reason, .. } => html! {
                <div class="panel panel-stop">
                    <h2 class="question-heading" tabindex="-1" id="checker-heading">{ d.t("checker_result_not_eligible") }</h2>
                    <p>{ reason }</p>
                </div>
            },
            rules::Outcome::Redirect {
                procedure, reason, ..
            } => html! {
                <div class="panel">
                    <h2 class="question-heading" tabindex="-1" id="checker-heading">{ d.t("checker_result_redirect") }</h2>
                    <p>{ reason }</p>
                    <p><a href={format!("../{procedure}/")}>{ d.t("checker_go_other") }</a></p>
                </div>
            },
        },
        Ok(rules::Evaluation::NeedsAnswer { .. }) | Err(_) => html! {
            <p>{ d.t("checker_error_broken") }</p>
        },
    };
    html! {
        <>
            { back_button(state) }
            { body }
            { keep_control(state) }
            <p class="no-print"><button type="button" class="link-button" onclick={restart}>{ d.t("checker_restart") }</button></p>
        </>
    }
}

/// Browser-only behaviour: history entries per screen, focus on the new
/// heading, printing. On the server these do nothing.
mod browser {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    pub fn print() {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn print() {}

    #[cfg(target_arch = "wasm32")]
    #[hook]
    pub fn use_browser_integration(state: &UseReducerHandle<State>) {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let key = screen_key(&state.screen);
        let first = use_mut_ref(|| true);
        // Push a history entry per screen and move focus to its heading.
        use_effect_with(key.clone(), move |key| {
            if let Some(w) = web_sys::window() {
                let is_first = *first.borrow();
                *first.borrow_mut() = false;
                if let Ok(h) = w.history() {
                    let current = h.state().ok().and_then(|s| s.as_string());
                    if current.as_deref() != Some(key.as_str()) {
                        let js = wasm_bindgen::JsValue::from_str(key);
                        let _ = if is_first {
                            h.replace_state(&js, "")
                        } else {
                            h.push_state(&js, "")
                        };
                    }
                }
                if !is_first && let Some(doc) = w.document() {
                    let target = doc
                        .get_element_by_id("checker-error-summary")
                        .or_else(|| doc.get_element_by_id("checker-heading"));
                    if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = el.focus();
                    }
                }
            }
        });
        // Each failed submission: the error summary takes focus.
        use_effect_with(state.attempts, move |_| {
            if let Some(doc) = web_sys::window().and_then(|w| w.document())
                && let Some(el) = doc
                    .get_element_by_id("checker-error-summary")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
        // Answers kept on this device: read once after hydration (the
        // server rendered none), written while the reader keeps them,
        // deleted when they stop.
        let key = data::kept_key(state.data.procedure().id.get_ref());
        let storage = || web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        {
            let s = state.clone();
            let key = key.clone();
            use_effect_with((), move |_| {
                if let Some(text) = storage().and_then(|st| st.get_item(&key).ok().flatten())
                    && let Some((answers, details)) = data::decode_kept(&text)
                {
                    s.dispatch(Action::Restore { answers, details });
                }
            });
        }
        // Removal only when the reader stops keeping them (not on opening
        // the page, before the kept answers are read).
        let was_keeping = use_mut_ref(|| false);
        use_effect_with(
            (state.keep, state.answers.clone(), state.details.clone()),
            move |(keep, answers, details)| {
                if let Some(st) = storage() {
                    if *keep {
                        if let Some(text) = data::encode_kept(answers, details) {
                            let _ = st.set_item(&key, &text);
                        }
                    } else if *was_keeping.borrow() {
                        let _ = st.remove_item(&key);
                    }
                }
                *was_keeping.borrow_mut() = *keep;
            },
        );
        // Browser back/forward: show the screen the entry names.
        let s = state.clone();
        use_effect_with((), move |_| {
            let listener =
                Closure::<dyn Fn(web_sys::PopStateEvent)>::new(move |e: web_sys::PopStateEvent| {
                    if let Some(key) = e.state().as_string() {
                        let screen = match key.as_str() {
                            "details" => Screen::Details,
                            "check" => Screen::Check,
                            "result" => Screen::Result,
                            k => match k.strip_prefix("q-") {
                                Some(id) => Screen::Step(id.to_string()),
                                None => return,
                            },
                        };
                        s.dispatch(Action::Show(screen));
                    }
                });
            let w = web_sys::window();
            if let Some(w) = &w {
                let _ = w.add_event_listener_with_callback(
                    "popstate",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = w {
                    let _ = w.remove_event_listener_with_callback(
                        "popstate",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[hook]
    pub fn use_browser_integration(state: &UseReducerHandle<State>) {
        let _ = screen_key(&state.screen);
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
    })
}

/// Renders the app with the given props to HTML (server side).
#[cfg(feature = "ssr")]
pub fn render(props: AppProps) -> String {
    futures::executor::block_on(yew::LocalServerRenderer::<App>::with_props(props).render())
}
