//! The checker's screens (one component each) and the small pieces they
//! share: the error summary, Back, and the keep-my-answers choice.

mod details;
mod question;
mod result;

pub use details::details;
pub use question::question;
pub use result::result_view;

use madoguchi_rules as rules;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::data::Prepared;
use crate::state::{Action, FieldError, State};

// Small elements the screens use many times, built in one place: each
// `html!` element is a block of inlined code in the wasm.

/// A text in the page's language. On a page in a language not written
/// with Han characters, each Japanese run in it (a term such as 収入印紙,
/// 「2部請求」) is a `<span lang="ja">`, so a screen reader reads it with
/// a Japanese voice, as site-gen marks the page around the checker.
pub fn marked(d: &Prepared, text: String) -> Html {
    mark_japanese(d.marks_japanese(), text)
}

/// [`marked`] where the page's language is known only as `on`
/// ([`Prepared::marks_japanese`]). A reading written `{漢字|かんじ}` (Easy
/// Japanese) is a `<ruby>`, as site-gen renders it in pages.
pub fn mark_japanese(on: bool, text: String) -> Html {
    if text.contains('|') {
        let pieces = rules::ruby_pieces(&text);
        if pieces
            .iter()
            .any(|p| matches!(p, rules::RubyPiece::Ruby(..)))
        {
            return pieces
                .into_iter()
                .map(|p| match p {
                    rules::RubyPiece::Text(t) => mark_runs(on, t.to_string()),
                    rules::RubyPiece::Ruby(base, reading) => html! {
                        <ruby lang={on.then_some("ja")}>{ base.to_string() }<rt>{ reading.to_string() }</rt></ruby>
                    },
                })
                .collect();
        }
    }
    mark_runs(on, text)
}

/// Japanese runs as `<span lang="ja">` when `on`.
fn mark_runs(on: bool, text: String) -> Html {
    if !on || !text.chars().any(rules::is_japanese) {
        return text.into();
    }
    // The runs alternate, so no two text nodes are adjacent (hydration
    // finds each one as the server wrote it).
    rules::japanese_runs(&text)
        .into_iter()
        .map(|(ja, run)| {
            if ja {
                html! { <span lang="ja">{ run.to_string() }</span> }
            } else {
                run.to_string().into()
            }
        })
        .collect()
}

/// `<p>{ text }</p>`.
pub fn para(d: &Prepared, text: String) -> Html {
    html! { <p>{ marked(d, text) }</p> }
}

/// `<p>{ text }</p>`, or nothing.
pub fn para_opt(d: &Prepared, text: Option<String>) -> Html {
    text.map_or_else(Html::default, |t| para(d, t))
}

/// `<h3>{ text }</h3>`.
pub fn h3(d: &Prepared, text: String) -> Html {
    html! { <h3>{ marked(d, text) }</h3> }
}

/// `<li>{ text }</li>`.
pub fn item(d: &Prepared, text: String) -> Html {
    html! { <li>{ marked(d, text) }</li> }
}

/// A hint under a question or field, or nothing.
pub fn hint(d: &Prepared, id: String, text: Option<String>) -> Html {
    text.map_or_else(
        Html::default,
        |t| html! { <p class="hint" id={id}>{ marked(d, t) }</p> },
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
