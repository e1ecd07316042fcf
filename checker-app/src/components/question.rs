//! One question per screen, its legend the page heading (GOV.UK pattern).

use madoguchi_rules as rules;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{back_button, describedby, error_summary, field_error, hint as hint_para, marked};
use crate::state::{Action, State};

/// The question `step_id` (a plain function, not a component: what the
/// reader chooses or types before submitting is the state's draft).
pub fn question(state: &UseReducerHandle<State>, step_id: &str) -> Html {
    let d = &state.data;
    let Some(step) = d.procedure().step(step_id) else {
        return html! {};
    };
    let draft = state.answer_draft(step_id);
    let field_id = format!("q-{step_id}");
    let error = state.errors.iter().find(|e| e.field == field_id).cloned();
    let onsubmit = {
        let s = state.clone();
        let step = step_id.to_string();
        let value = draft.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            s.dispatch(Action::Answer {
                step: step.clone(),
                value: value.clone(),
            });
        })
    };
    let legend = marked(d, d.text(step.legend.get_ref()));
    let hint = step.hint.as_ref().map(|h| d.text(h.get_ref()));
    let hint_id = format!("{field_id}-hint");
    let err_id = format!("{field_id}-error");
    let described = describedby(&[
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| err_id.clone()),
    ]);
    let error_html = field_error(d, &err_id, error.as_ref());
    let kind = *step.kind.get_ref();
    let control = if kind.has_options() {
        html! {
            <div class="radios">
                { for step.options.iter().enumerate().map(|(i, o)| {
                    let o = o.get_ref();
                    let value = o.value.get_ref().clone();
                    let id = if i == 0 { field_id.clone() } else { format!("{field_id}-{i}") };
                    let checked = draft == value;
                    let onchange = {
                        let s = state.clone();
                        let value = value.clone();
                        Callback::from(move |_: Event| s.dispatch(Action::DraftAnswer(value.clone())))
                    };
                    let option_hint = o.hint.as_ref().map(|h| d.text(h.get_ref()));
                    let option_hint_id = format!("{id}-hint");
                    html! {
                        <div class="radio">
                            <input type="radio" id={id.clone()} name={field_id.clone()} value={value.clone()} {checked} {onchange}
                                aria-describedby={option_hint.as_ref().map(|_| option_hint_id.clone())} />
                            <label for={id}>{ marked(d, d.text(o.label.get_ref())) }</label>
                            { hint_para(d, option_hint_id, option_hint) }
                        </div>
                    }
                }) }
            </div>
        }
    } else {
        let oninput = {
            let s = state.clone();
            Callback::from(move |e: InputEvent| {
                let input: HtmlInputElement = e.target_unchecked_into();
                s.dispatch(Action::DraftAnswer(input.value()));
            })
        };
        let (inputmode, class) = match kind {
            rules::StepKind::Number | rules::StepKind::Year => (Some("numeric"), "input-short"),
            rules::StepKind::Date => (None, "input-medium"),
            _ => (None, "input-long"),
        };
        let range = match (&step.min, &step.max) {
            (Some(min), Some(max)) if kind.is_numeric() => Some(rules::fill(
                &d.t("checker_range_hint"),
                &[
                    ("min", &min.get_ref().to_string()),
                    ("max", &max.get_ref().to_string()),
                ],
            )),
            _ => None,
        };
        let range_id = format!("{field_id}-range");
        let input_described =
            describedby(&[range.as_ref().map(|_| range_id.clone()), described.clone()]);
        html! {
            <>
                { hint_para(d, range_id.clone(), range.clone()) }
                <input type="text" id={field_id.clone()} name={field_id.clone()} class={classes!(class, error.is_some().then_some("input-error"))}
                    value={draft.clone()} {oninput} {inputmode} autocomplete="off"
                    aria-describedby={input_described} aria-invalid={error.is_some().then_some("true")} />
            </>
        }
    };
    let group_class = classes!("form-group", error.is_some().then_some("form-group-error"));
    // `method="dialog"`: before the app runs, this form cannot send
    // anything anywhere (and its button is disabled until then).
    html! {
        <>
            { back_button(state) }
            { error_summary(d, &state.errors) }
            // Keyed by the step: each question gets a form of its own, as
            // it did when it was a component.
            <form key={step_id.to_string()} class="question" method="dialog" novalidate=true {onsubmit}>
                <div class={group_class}>
                    if kind.has_options() {
                        <fieldset aria-describedby={described.clone()}>
                            <legend class="question-legend">
                                <h2 class="question-heading" tabindex="-1" id="checker-heading">{ legend }</h2>
                            </legend>
                            { hint_para(d, hint_id.clone(), hint.clone()) }
                            { error_html }
                            { control }
                        </fieldset>
                    } else {
                        // One field: the question is its label (GOV.UK pattern).
                        <h2 class="question-heading" tabindex="-1" id="checker-heading">
                            <label for={field_id.clone()}>{ legend }</label>
                        </h2>
                        { hint_para(d, hint_id.clone(), hint.clone()) }
                        { error_html }
                        { control }
                    }
                </div>
                <button type="submit" class="button" disabled={!state.live}>{ d.t("checker_continue") }</button>
            </form>
        </>
    }
}
