//! The Japanese request form on one A4 page, laid out from the procedure's
//! `[form]` table: title, date and addressee, then each section's sentence,
//! heading and table of boxes. The form is always in Japanese (the office
//! accepts only Japanese); below it, on screen only, a list explains each
//! box in the reader's language. Filled or blank, the values come from the
//! rules core ([`rules::fill_form`], [`rules::blank_form`]).

use madoguchi_rules as rules;
use yew::prelude::*;

/// The form and, on screen, what each box is: `lang` is the reader's
/// language (of the explanations), `help_title` their heading in it. A
/// plain function, not a component: a component is generic code of its own
/// in the wasm.
pub fn request_form(f: &rules::FormOutput, lang: &str, help_title: String) -> Html {
    let helps: Vec<(&str, &str)> = f
        .sections
        .iter()
        .flat_map(|s| &s.boxes)
        .filter_map(|b| b.help.as_deref().map(|h| (b.label.as_str(), h)))
        .collect();
    let marks = !rules::writes_han(lang);
    html! {
        <>
            <div class="jp-form print-page" lang="ja">
                <h3 class="jp-form-title">
                    { &f.name }
                    { f.subtitle.as_ref().map_or(html!{}, |s| html!{ <span class="jp-form-sub">{ s }</span> }) }
                </h3>
                <p class="jp-form-date">{ &f.date }</p>
                { f.addressee.as_ref().map_or(html!{}, |a| html!{ <p class="jp-form-to">{ a }</p> }) }
                { for f.sections.iter().map(|s| html! {
                    <>
                        { s.intro.as_ref().map_or(html!{}, |t| html!{ <p class="jp-form-sentence">{ t }</p> }) }
                        { s.heading.as_ref().map_or(html!{}, |t| html!{ <p class="jp-form-center">{ t }</p> }) }
                        if !s.boxes.is_empty() {
                            <table class="jp-form-table">
                                <tbody>
                                    { for s.boxes.iter().map(form_box) }
                                </tbody>
                            </table>
                        }
                    </>
                }) }
            </div>
            if !helps.is_empty() {
                <div class="form-help no-print" lang={lang.to_string()}>
                    <h3>{ help_title }</h3>
                    <dl>
                        { for helps.into_iter().map(|(label, help)| html! {
                            <><dt lang="ja">{ label }</dt><dd>{ crate::components::mark_japanese(marks, help.to_string()) }</dd></>
                        }) }
                    </dl>
                </div>
            }
        </>
    }
}

fn form_box(b: &rules::FormBox) -> Html {
    let lines = |ls: &[String]| {
        html! {
            { for ls.iter().enumerate().map(|(i, l)| html! {
                <>{ if i > 0 { html!{ <br /> } } else { html!{} } }{ l }</>
            }) }
        }
    };
    // The stamp box holds its first line; the rest (e.g. 「2部請求」) goes
    // in the blank space beside it.
    let cell = match b.lines.split_first() {
        Some((first, rest)) if b.stamp => html! {
            <>
                <div class="stamp-box">{ first }</div>
                { for rest.iter().map(|l| html!{ <p class="jp-copies">{ l }</p> }) }
            </>
        },
        _ => lines(&b.lines),
    };
    html! {
        <tr>
            <th scope="row">{ &b.label }</th>
            <td>{ cell }</td>
        </tr>
    }
}

/// The form alone as a component, for rendering it on the server (the
/// blank form of a page, tests).
#[cfg(feature = "ssr")]
#[derive(Properties, PartialEq)]
pub struct FormProps {
    pub form: rules::FormOutput,
    /// The reader's language (of the box explanations).
    pub lang: AttrValue,
    /// The heading of the explanations, in the reader's language.
    pub help_title: AttrValue,
}

#[cfg(feature = "ssr")]
#[function_component(RequestForm)]
pub fn request_form_component(props: &FormProps) -> Html {
    request_form(&props.form, &props.lang, props.help_title.to_string())
}

/// The blank form of the page's procedure, for printing and filling in by
/// hand (works without JavaScript), its boxes explained in the page's
/// language; empty when the procedure has no form.
#[cfg(feature = "ssr")]
pub fn render_blank(data: &crate::Prepared) -> Result<String, rules::EvalError> {
    let Some(form) = rules::blank_form(data.procedure(), data.facts(), data.lang())? else {
        return Ok(String::new());
    };
    let props = FormProps {
        form,
        lang: AttrValue::from(data.html_lang().to_string()),
        help_title: AttrValue::from(data.t("checker_form_help")),
    };
    Ok(futures::executor::block_on(
        yew::LocalServerRenderer::<RequestForm>::with_props(props).render(),
    ))
}
