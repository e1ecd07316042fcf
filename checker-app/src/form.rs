//! The filled request form, laid out like the official Japanese
//! 保有個人情報開示請求書 on one A4 page. It is always in Japanese: the form
//! is Japanese-only. Values come from the rules core's form output (per
//! `content/procedures/<id>.toml`) and the person's details.

use std::collections::BTreeMap;

use madoguchi_rules as rules;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FormProps {
    pub form: rules::FormOutput,
    pub details: BTreeMap<String, String>,
    /// The request date; `None` prints blank date boxes (the blank form).
    pub today: Option<rules::Date>,
}

fn field<'a>(form: &'a rules::FormOutput, name: &str) -> Vec<&'a str> {
    form.fields
        .iter()
        .filter(|f| f.field == name)
        .map(|f| f.value.as_str())
        .collect()
}

fn one(form: &rules::FormOutput, name: &str) -> String {
    field(form, name).join("　")
}

/// A date as 令和8年11月25日（2026年11月25日）.
pub fn wareki_with_gregorian(d: rules::Date) -> String {
    let g = d.to_string();
    let mut parts = g.split('-').map(|p| p.trim_start_matches('0'));
    let (y, m, day) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    match rules::format_wareki(d) {
        Some(w) => format!("{w}（{y}年{m}月{day}日）"),
        None => format!("{y}年{m}月{day}日"),
    }
}

#[function_component(RequestForm)]
pub fn request_form(props: &FormProps) -> Html {
    let f = &props.form;
    let det = |k: &str| props.details.get(k).cloned().unwrap_or_default();
    let birth = rules::Date::parse(det("birth_date").trim())
        .map(wareki_with_gregorian)
        .unwrap_or_default();
    let requester_type = one(f, "4 ア");
    let tick = |label: &str| {
        if requester_type.contains(label) {
            format!("☑{label}")
        } else {
            format!("☐{label}")
        }
    };
    let is_self = det("representative_name").trim().is_empty();
    let (req_name, req_address) = if is_self {
        (det("name_latin"), det("address"))
    } else {
        (det("representative_name"), det("representative_address"))
    };
    html! {
        <div class="jp-form print-page" lang="ja">
            <h3 class="jp-form-title">{ "保有個人情報開示請求書" }<span class="jp-form-sub">{ "（外国人登録原票用）" }</span></h3>
            <p class="jp-form-date">{ props.today.map_or_else(|| "令和　　年　　月　　日".to_string(), wareki_with_gregorian) }</p>
            <p class="jp-form-to">{ "出入国在留管理庁長官　殿" }</p>
            <table class="jp-form-table">
                <tbody>
                    <tr><th scope="row">{ "氏名" }</th><td>{ req_name }</td></tr>
                    <tr><th scope="row">{ "フリガナ" }</th><td>{ if is_self { det("name_kana") } else { String::new() } }</td></tr>
                    <tr><th scope="row">{ "住所又は居所" }</th><td>{ format!("〒{}　{}", det("postcode"), req_address) }</td></tr>
                    <tr><th scope="row">{ "電話番号" }</th><td>{ det("phone") }</td></tr>
                </tbody>
            </table>
            <p class="jp-form-sentence">{ "個人情報の保護に関する法律第77条第1項の規定に基づき、下記のとおり保有個人情報の開示を請求します。" }</p>
            <p class="jp-form-center">{ "記" }</p>
            <table class="jp-form-table">
                <tbody>
                    <tr>
                        <th scope="row">{ "1 開示を請求する保有個人情報" }</th>
                        <td>
                            { "外国人登録原票" }<br />
                            { format!("氏名：{}　{}", det("name_latin"), det("name_kanji")) }<br />
                            { format!("フリガナ：{}", det("name_kana")) }<br />
                            { format!("生年月日：{birth}　国籍：{}　性別：{}", det("nationality"), det("sex")) }<br />
                            { format!("登録番号：{}", det("registration_number")) }<br />
                            { format!("期間：{}", one(f, "1 期間")) }
                        </td>
                    </tr>
                    <tr>
                        <th scope="row">{ "2 求める開示の実施方法等" }</th>
                        <td>{ format!("ア {}　イ {}", one(f, "2 ア"), one(f, "2 イ")) }</td>
                    </tr>
                    <tr>
                        <th scope="row">{ "3 手数料" }</th>
                        <td>
                            <div class="stamp-box">{ one(f, "3 手数料") }</div>
                            { for field(f, "3 部数").into_iter().map(|v| html!{ <p class="jp-copies">{ v }</p> }) }
                        </td>
                    </tr>
                    <tr>
                        <th scope="row">{ "4 本人確認等" }</th>
                        <td>
                            { format!("ア 請求者　{}　{}　{}", tick("本人"), tick("法定代理人"), tick("任意代理人")) }<br />
                            { format!("イ 本人確認書類　{}", one(f, "4 イ")) }
                            { for field(f, "4 イ 郵送").into_iter().map(|v| html!{ <><br />{ format!("　{v}") }</> }) }
                            { if field(f, "4 ウ").is_empty() { html!{} } else { html!{
                                <><br />{ format!("ウ 本人の状況等　{}　本人の氏名：{}　本人の住所：{}", one(f, "4 ウ"), det("name_latin"), det("address")) }</>
                            } } }
                            { if field(f, "4 エ").is_empty() { html!{} } else { html!{
                                <><br />{ format!("エ 法定代理人・任意代理人の資格を証明する書類　{}", one(f, "4 エ")) }</>
                            } } }
                        </td>
                    </tr>
                </tbody>
            </table>
        </div>
    }
}

/// The blank form, for printing and filling in by hand (works without JavaScript).
#[cfg(feature = "ssr")]
pub fn render_blank() -> String {
    let props = FormProps {
        form: rules::FormOutput {
            name: String::new(),
            fields: vec![
                rules::FormValue {
                    field: "2 ア".into(),
                    label: String::new(),
                    value: "☐閲覧　☐写しの交付".into(),
                },
                rules::FormValue {
                    field: "2 イ".into(),
                    label: String::new(),
                    value: "☐写しの送付を希望する".into(),
                },
                rules::FormValue {
                    field: "3 手数料".into(),
                    label: String::new(),
                    value: "収入印紙を貼る（消印しない）".into(),
                },
                rules::FormValue {
                    field: "4 イ".into(),
                    label: String::new(),
                    value: "☐運転免許証　☐健康保険被保険者証　☐個人番号カード　☐在留カード・特別永住者証明書　☐旅券　☐その他".into(),
                },
            ],
        },
        details: BTreeMap::new(),
        today: None,
    };
    futures::executor::block_on(yew::LocalServerRenderer::<RequestForm>::with_props(props).render())
}
