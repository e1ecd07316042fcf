//! The person's details for the form, all on one screen and all optional:
//! a field left empty prints as a blank to fill in by hand. Fields the form
//! needs say so; none of them stands between the reader and the result.

use std::collections::BTreeMap;

use madoguchi_rules as rules;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{back_button, describedby, error_summary, field_error, hint as hint_para, marked};
use crate::data::Prepared;
use crate::state::{Action, State};

/// What the field shows for a kept value: an option in the reader's
/// language, anything else as it was typed.
fn shown(d: &Prepared, detail: &rules::DetailDef, value: &str) -> String {
    match (*detail.kind.get_ref(), detail.option_for(value)) {
        (rules::DetailKind::Text, Some(o)) => rules::strip_ruby(&d.text(o.label.get_ref())),
        _ => value.to_string(),
    }
}

fn detail_input(
    state: &UseReducerHandle<State>,
    values: &BTreeMap<String, String>,
    detail: &rules::DetailDef,
) -> Html {
    let d = &state.data;
    let field = detail.id.get_ref().clone();
    let id = format!("d-{field}");
    let error = state.errors.iter().find(|e| e.field == id);
    let value = values.get(&field).cloned().unwrap_or_default();
    let set = {
        let s = state.clone();
        let field = field.clone();
        move |value: String| {
            s.dispatch(Action::DraftDetail {
                field: field.clone(),
                value,
            });
        }
    };
    let hint = detail.hint.as_ref().map(|h| d.text(h.get_ref()));
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let described = describedby(&[
        hint.as_ref().map(|_| hint_id.clone()),
        error.map(|_| err_id.clone()),
    ]);
    let marker = if detail.optional {
        d.t("checker_optional")
    } else {
        d.t("checker_needed")
    };
    let label_text = html! {
        <>{ marked(d, d.text(detail.label.get_ref())) }<span class="optional">{ format!(" {marker}") }</span></>
    };
    let hint_html = hint_para(d, hint_id, hint);
    let group = classes!("form-group", error.is_some().then_some("form-group-error"));
    let kind = *detail.kind.get_ref();
    if kind == rules::DetailKind::Choice {
        return html! {
            <div class={group}>
                <fieldset aria-describedby={described}>
                    <legend class="label">{ label_text }</legend>
                    { hint_html }
                    { field_error(d, &err_id, error) }
                    <div class="radios radios-inline">
                        { for detail.options.iter().enumerate().map(|(i, o)| {
                            let o = o.get_ref();
                            let option = o.value.get_ref().clone();
                            let rid = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                            let checked = value == option;
                            let set = set.clone();
                            let onchange = Callback::from(move |_: Event| set(option.clone()));
                            html! {
                                <div class="radio">
                                    <input type="radio" id={rid.clone()} name={id.clone()} value={o.value.get_ref().clone()} {checked} {onchange} />
                                    <label for={rid}>{ marked(d, d.text(o.label.get_ref())) }</label>
                                </div>
                            }
                        }) }
                    </div>
                </fieldset>
            </div>
        };
    }
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        set(input.value());
    });
    let (inputmode, class) = match kind {
        rules::DetailKind::Postcode | rules::DetailKind::Phone => (Some("tel"), "input-medium"),
        rules::DetailKind::Date => (None, "input-medium"),
        _ => (None, "input-long"),
    };
    let autocomplete = detail.autocomplete.clone().unwrap_or_else(|| "off".into());
    // Suggestions (e.g. nationalities): the reader's language, the
    // Japanese printed name beside it; any other text is kept as typed.
    let list_id = format!("{id}-list");
    let list = (!detail.options.is_empty()).then(|| {
        html! {
            <datalist id={list_id.clone()}>
                { for detail.options.iter().map(|o| {
                    let o = o.get_ref();
                    // A suggestion's label is the value typed: no readings.
                    let label = rules::strip_ruby(&d.text(o.label.get_ref()));
                    let printed = o.form.clone().unwrap_or_else(|| o.label.get_ref().get("ja").cloned().unwrap_or_default());
                    // The Japanese name as printed, beside the reader's.
                    let printed = (printed != label).then_some(printed);
                    html! { <option value={label.clone()} lang={printed.as_ref().map(|_| "ja")}>{ printed.unwrap_or_default() }</option> }
                }) }
            </datalist>
        }
    });
    html! {
        <div class={group}>
            <label for={id.clone()} class="label">{ label_text }</label>
            { hint_html }
            { field_error(d, &err_id, error) }
            <input type="text" id={id.clone()} name={id} class={classes!(class, error.is_some().then_some("input-error"))}
                value={shown(d, detail, &value)} {oninput} {autocomplete} {inputmode}
                list={list.is_some().then_some(list_id)}
                aria-describedby={described}
                aria-invalid={error.is_some().then_some("true")} />
            { list.unwrap_or_default() }
        </div>
    }
}

/// The details screen (a plain function, not a component: the values
/// typed before submitting are the state's draft).
pub fn details(state: &UseReducerHandle<State>) -> Html {
    let d = &state.data;
    let values = state.details_draft();
    let onsubmit = {
        let s = state.clone();
        let values = values.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            s.dispatch(Action::Details(values.clone()));
        })
    };
    html! {
        <>
            { back_button(state) }
            { error_summary(d, &state.errors) }
            <form class="details" method="dialog" novalidate=true {onsubmit}>
                <h2 class="question-heading" tabindex="-1" id="checker-heading">{ d.t("checker_details_title") }</h2>
                <p class="hint">{ marked(d, d.t("checker_details_hint")) }</p>
                { for state.details_asked().into_iter().map(|detail| detail_input(state, &values, detail)) }
                <button type="submit" class="button" disabled={!state.live}>{ d.t("checker_details_done") }</button>
            </form>
        </>
    }
}
