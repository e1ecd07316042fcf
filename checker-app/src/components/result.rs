//! The result: the outcome first, then what to enclose, stamps, postage,
//! where to send and how long it takes, then the Japanese form filled in
//! from the answers (and from the details, if the reader added any), the
//! answers themselves with Change links, and Start again.

use madoguchi_rules as rules;
use yew::prelude::*;

use super::{back_button, h3, item, marked, para, para_opt};
use crate::data::Prepared;
use crate::form::request_form;
use crate::hooks::print;
use crate::state::{Action, Screen, State};

/// The label of the answer given to a step, in the reader's language.
fn answer_label(d: &Prepared, step: &rules::Step, value: &str) -> String {
    step.options
        .iter()
        .map(|o| o.get_ref())
        .find(|o| o.value.get_ref() == value)
        .map_or_else(|| value.to_string(), |o| d.text(o.label.get_ref()))
}

/// The answers on the path, each with a Change button.
fn your_answers(state: &UseReducerHandle<State>, path: &[String]) -> Html {
    let d = &state.data;
    html! {
        <div class="your-answers no-print">
            { h3(d, d.t("checker_your_answers")) }
            <dl class="summary-list">
                { for path.iter().filter_map(|id| d.procedure().step(id)).map(|step| {
                    let id = step.id.get_ref().clone();
                    let value = state.answers.get(&id).cloned().unwrap_or_default();
                    let s = state.clone();
                    let onclick = Callback::from(move |_: MouseEvent| s.dispatch(Action::Change(id.clone())));
                    let legend = d.text(step.legend.get_ref());
                    html! {
                        <div class="summary-row">
                            <dt>{ marked(d, legend.clone()) }</dt>
                            <dd>{ marked(d, answer_label(d, step, &value)) }</dd>
                            <dd class="summary-action">
                                <button type="button" class="link-button" {onclick}>
                                    { d.t("checker_change") }<span class="visually-hidden">{ marked(d, format!(" {legend}")) }</span>
                                </button>
                            </dd>
                        </div>
                    }
                }) }
            </dl>
        </div>
    }
}

fn stamps(d: &Prepared, e: &rules::Eligible) -> Html {
    match &e.stamps {
        Some(rules::Stamps::Computed {
            per_copy,
            copies,
            total,
            note,
            text,
            unverified,
        }) => html! {
            <>
                { h3(d, d.t("checker_stamps")) }
                <p class="stamp-total">{ format!("{} × {} = {}{}", d.money(*per_copy), copies, d.money(*total), d.mark(*unverified)) }</p>
                { para_opt(d, note.clone()) }
                { para_opt(d, text.clone()) }
            </>
        },
        Some(rules::Stamps::Unconfirmed { text }) => html! {
            <>{ h3(d, d.t("checker_stamps")) }{ para(d, text.clone()) }</>
        },
        None => html! {},
    }
}

fn postage(d: &Prepared, e: &rules::Eligible) -> Html {
    e.postage.as_ref().map_or(html! {}, |p| {
        let rates = match &p.stamps {
            rules::StampPostage::InForce(rates) => html! {
                <ul>{ for rates.iter().map(|r| item(d, format!("{}{}", d.money(r.yen), d.mark(r.unverified)))) }</ul>
            },
            rules::StampPostage::NoConfirmedFigure { .. } => html! {
                { para(d, d.t("checker_no_confirmed_postage")) }
            },
        };
        html! {
            <>
                { h3(d, d.t("checker_postage")) }
                { para_opt(d, p.band.as_ref().map(|b| b.label.clone())) }
                { rates }
                { para_opt(d, p.text.clone()) }
                { if p.letter_packs.is_empty() { html!{} } else { html! {
                    <ul>{ for p.letter_packs.iter().map(|l| item(d, format!("{}: {}{}", l.label, d.money(l.yen), d.mark(l.unverified)))) }</ul>
                } } }
            </>
        }
    })
}

/// The form part of the result: what is still blank, the way to add the
/// details, and the form itself.
fn form_part(state: &UseReducerHandle<State>) -> Html {
    let d = &state.data;
    let Some(form) = &state.derived.form else {
        return html! {};
    };
    let add = {
        let s = state.clone();
        Callback::from(move |_: MouseEvent| s.dispatch(Action::Show(Screen::Details)))
    };
    let missing: Vec<String> = state
        .derived
        .missing
        .iter()
        .filter_map(|id| d.procedure().detail(id))
        .map(|def| d.text(def.missing.as_ref().unwrap_or(&def.label).get_ref()))
        .collect();
    html! {
        <>
            <div class="form-intro no-print">
                { h3(d, d.t("checker_form_title")) }
                { para(d, d.t("checker_form_intro")) }
                if !missing.is_empty() {
                    { para(d, d.t("checker_form_needs")) }
                    <ul class="missing-details">{ for missing.into_iter().map(|m| item(d, m)) }</ul>
                }
                if state.has_details() {
                    <p><button type="button" class="button button-secondary" disabled={!state.live} onclick={add}>{ d.t("checker_add_details") }</button></p>
                }
            </div>
            { request_form(form, d.html_lang(), d.t("checker_form_help")) }
        </>
    }
}

/// The result screen (a plain function, not a component: it has no state
/// of its own, and a component is generic code of its own in the wasm).
pub fn result_view(state: &UseReducerHandle<State>) -> Html {
    let d = &state.data;
    let restart = {
        let s = state.clone();
        Callback::from(move |_: MouseEvent| s.dispatch(Action::Restart))
    };
    let print = Callback::from(|_: MouseEvent| print());
    let (body, path) = match state.evaluation() {
        Ok(rules::Evaluation::Finished { outcome, path }) => {
            let body = match outcome {
                rules::Outcome::Eligible(e) => html! {
                    <>
                        <div class="panel panel-ok">
                            <h2 class="question-heading" tabindex="-1" id="checker-heading">{ d.t("checker_result_eligible") }</h2>
                            { para_opt(d, e.message.clone()) }
                        </div>
                        <div class="checklist print-page">
                            { h3(d, d.t("checker_documents")) }
                            <ul class="checklist-items">
                                { for e.documents.iter().map(|doc| item(d, doc.text.clone())) }
                            </ul>
                            { stamps(d, e) }
                            { postage(d, e) }
                            { for e.info.iter().map(|i| html!{ <>{ h3(d, i.label.clone()) }{ para(d, i.text.clone()) }</> }) }
                        </div>
                        <p class="no-print"><button type="button" class="button" onclick={print}>{ d.t("checker_print") }</button></p>
                        { form_part(state) }
                    </>
                },
                rules::Outcome::NotEligible { reason, .. } => html! {
                    <div class="panel panel-stop">
                        <h2 class="question-heading" tabindex="-1" id="checker-heading">{ d.t("checker_result_not_eligible") }</h2>
                        { para(d, reason.clone()) }
                    </div>
                },
                // Straight to the other procedure's checker, not the top of its page.
                rules::Outcome::Redirect {
                    procedure, reason, ..
                } => html! {
                    <div class="panel">
                        <h2 class="question-heading" tabindex="-1" id="checker-heading">{ d.t("checker_result_redirect") }</h2>
                        { para(d, reason.clone()) }
                        <p><a href={format!("{}#{}", d.checker_url(procedure), crate::data::SECTION_ID)}>{ d.t("checker_go_other") }</a></p>
                    </div>
                },
            };
            (body, path.as_slice())
        }
        _ => (para(d, d.t("checker_error_broken")), &[][..]),
    };
    html! {
        <>
            { back_button(state) }
            { body }
            { your_answers(state, path) }
            <p class="no-print"><button type="button" class="link-button" disabled={!state.live} onclick={restart}>{ d.t("checker_restart") }</button></p>
        </>
    }
}
