//! The checker's screens (one component each) and the small pieces they
//! share: the error summary, Back, and the keep-my-answers choice.

mod details;
mod question;
mod result;

pub use details::details;
pub use question::question;
pub use result::result_view;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::data::Prepared;
use crate::state::{Action, FieldError, State};

// Small elements the screens use many times, built in one place: each
// `html!` element is a block of inlined code in the wasm.

/// `<p>{ text }</p>`.
pub fn para(text: String) -> Html {
    html! { <p>{ text }</p> }
}

/// `<p>{ text }</p>`, or nothing.
pub fn para_opt(text: Option<String>) -> Html {
    text.map_or_else(Html::default, para)
}

/// `<h3>{ text }</h3>`.
pub fn h3(text: String) -> Html {
    html! { <h3>{ text }</h3> }
}

/// `<li>{ text }</li>`.
pub fn item(text: String) -> Html {
    html! { <li>{ text }</li> }
}

/// A hint under a question or field, or nothing.
pub fn hint(id: String, text: Option<String>) -> Html {
    text.map_or_else(
        Html::default,
        |t| html! { <p class="hint" id={id}>{ t }</p> },
    )
}

/// The list of problems of the last attempt, each linked to its field.
pub fn error_summary(d: &Prepared, errors: &[FieldError]) -> Html {
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

/// The message under a field in error.
pub fn field_error(d: &Prepared, id: &str, error: Option<&FieldError>) -> Html {
    error.map_or(html! {}, |e| {
        html! {
            <p class="field-error" id={id.to_string()}>
                <span class="visually-hidden">{ d.t("checker_error_prefix") }</span>{ &e.message }
            </p>
        }
    })
}

/// Ids joined for `aria-describedby`, or nothing.
pub fn describedby(ids: &[Option<String>]) -> Option<String> {
    let joined = ids.iter().flatten().cloned().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

pub fn back_button(state: &UseReducerHandle<State>) -> Html {
    if state.trail.is_empty() {
        return html! {};
    }
    let s = state.clone();
    let onclick = Callback::from(move |_: MouseEvent| s.dispatch(Action::Back));
    html! {
        <button type="button" class="back-link" disabled={!state.live} {onclick}>{ state.data.t("checker_back") }</button>
    }
}

/// Shown when answers kept on this device were loaded: say so, and offer
/// to delete them.
pub fn restored_notice(state: &UseReducerHandle<State>) -> Html {
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

/// The reader's choice to keep their answers on this device, offered on
/// every screen (nothing is stored until they tick it; unticking deletes
/// what was kept).
pub fn keep_control(state: &UseReducerHandle<State>) -> Html {
    let d = &state.data;
    let s = state.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        s.dispatch(Action::Keep(input.checked()));
    });
    html! {
        <div class="keep no-print">
            <div class="checkbox">
                <input type="checkbox" id="checker-keep" checked={state.keep} disabled={!state.live} {onchange} aria-describedby="checker-keep-hint" />
                <label for="checker-keep">{ d.t("checker_keep_label") }</label>
            </div>
            <p class="hint" id="checker-keep-hint">{ d.t("checker_keep_hint") }</p>
        </div>
    }
}
