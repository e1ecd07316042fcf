//! Shared test helpers: the real procedures and a facts table mirroring
//! content/data/*.toml.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use madoguchi_rules::{
    Answers, Date, Evaluation, FactValue, Facts, Outcome, Procedure, Rate, evaluate,
    parse_procedure,
};

pub const DISCLOSURE: &str = include_str!("../../../../content/procedures/disclosure.toml");
pub const DECEASED: &str = include_str!("../../../../content/procedures/deceased.toml");
pub const LANGS: &[&str] = &["ja", "en"];
pub const KNOWN: &[&str] = &["disclosure", "deceased"];

pub fn d(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|| panic!("bad date {s}"))
}

fn text(ja: &str, en: &str) -> FactValue {
    FactValue::Text(
        [
            ("ja".to_string(), ja.to_string()),
            ("en".to_string(), en.to_string()),
        ]
        .into(),
    )
}

fn rates(r: &[(&str, i64)]) -> FactValue {
    FactValue::Rates(
        r.iter()
            .map(|&(from, yen)| Rate::new(d(from), yen))
            .collect(),
    )
}

/// The facts of content/data/*.toml, as the generator would pass them.
pub fn facts() -> Facts {
    let mut f = Facts::new();
    f.insert("disclosure.abolition_date", FactValue::Date(d("2012-07-09")))
        .insert("disclosure.handling_fee", FactValue::Yen(300))
        .insert("disclosure.decision_days", FactValue::Number(30))
        .insert("disclosure.residence_certificate_days", FactValue::Number(30))
        .insert("disclosure.authority_document_days", FactValue::Number(30))
        .insert("disclosure.power_of_attorney_days", FactValue::Number(30))
        .insert("office.name", text("出入国在留管理庁 総務課 出入国情報開示係", "Immigration Information Disclosure Section"))
        .insert("office.address", text("〒160-0004 東京都新宿区四谷1-6-1 四谷タワー13階", "Yotsuya Tower 13F, 1-6-1 Yotsuya, Shinjuku-ku, Tokyo 160-0004"))
        .insert("office.envelope", text("〒160-0004 東京都新宿区四谷1-6-1 四谷タワー13階 出入国在留管理庁 総務課 出入国情報開示係", "〒160-0004 東京都新宿区四谷1-6-1 四谷タワー13階 出入国在留管理庁 総務課 出入国情報開示係"))
        .insert("office.phone", text("03-5363-3005", "03-5363-3005 (from outside Japan: +81-3-5363-3005)"))
        .insert("office.hours", text("窓口・電話とも9時から17時まで", "Counter and telephone: 9:00 to 17:00"))
        .insert("postage.rate_change", FactValue::Date(d("2024-10-01")))
        .insert("postage.reply_standard", rates(&[("2019-10-01", 94), ("2024-10-01", 110)]))
        .insert("postage.period_boundary", FactValue::Date(d("1960-01-01")))
        .insert("postage.letter_pack_plus", rates(&[("2019-10-01", 520), ("2024-10-01", 600)]))
        .insert("postage.letter_pack_light", rates(&[("2019-10-01", 370), ("2024-10-01", 430)]));
    // The agency's former figures, then Japan Post's rates from 2024-10-01,
    // which are marked `unverified = true` (per rate) in content/data.
    let older = |before: i64, after: i64| {
        let mut r = vec![
            Rate::new(d("2019-10-01"), before),
            Rate::new(d("2024-10-01"), after),
        ];
        r[1].unverified = true;
        FactValue::Rates(r)
    };
    f.insert("postage.reply_older_low", older(140, 180))
        .insert("postage.reply_older_high", older(210, 270));
    // Marked `unverified = true` in content/data/*.toml.
    f.insert_unverified(
        "disclosure.voluntary_agent_from",
        FactValue::Date(d("2022-04-01")),
    )
    .insert_unverified(
        "deceased.handling_fee",
        text(
            "資料に記載なし（同封するものの一覧に収入印紙はありません）",
            "not stated in the sources (no revenue stamp is listed among the enclosures)",
        ),
    );
    f
}

pub fn disclosure() -> Procedure {
    with_english(parse_procedure(DISCLOSURE).expect("disclosure.toml parses"))
}

pub fn deceased() -> Procedure {
    with_english(parse_procedure(DECEASED).expect("deceased.toml parses"))
}

/// The procedure as site-gen hands an English page: each text in Japanese
/// and with its translation from content/i18n/en.po.
pub fn with_english(mut p: Procedure) -> Procedure {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content/i18n/en.po");
    let po = rspolib::pofile(path).expect("en.po parses");
    let en: std::collections::HashMap<(String, String), String> = po
        .entries
        .iter()
        .filter(|e| !e.obsolete && !e.fuzzy())
        .filter_map(|e| {
            let t = e.msgstr.clone().filter(|t| !t.is_empty())?;
            Some(((e.msgctxt.clone()?, e.msgid.clone()), t))
        })
        .collect();
    let id = p.id.get_ref().clone();
    madoguchi_rules::texts_mut(&mut p, |path, t| {
        let text = t.get_mut();
        if let Some(ja) = text.get("ja").cloned()
            && let Some(e) = en.get(&(format!("procedure:{id}:{path}"), ja))
        {
            text.insert("en".to_string(), e.clone());
        }
    });
    p
}

pub fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Evaluates to a finished outcome or panics.
pub fn finish(p: &Procedure, a: &[(&str, &str)], today: &str, lang: &str) -> Outcome {
    match evaluate(p, &facts(), &answers(a), d(today), lang).expect("evaluates") {
        Evaluation::Finished { outcome, .. } => outcome,
        Evaluation::NeedsAnswer { step, .. } => panic!("still needs `{step}` for {a:?}"),
    }
}

/// Details a reader of the disclosure procedure might type (every field of
/// both real procedures that is required somewhere).
pub fn sample_details() -> madoguchi_rules::Details {
    [
        ("name_latin", "TANAKA Maria"),
        ("name_kana", "タナカ マリア"),
        ("nationality", "Brazil"),
        ("birth_date", "1970-05-01"),
        ("sex", "女"),
        ("postcode", "160-0004"),
        ("address", "東京都新宿区四谷1-1-1"),
        ("phone", "03-1234-5678"),
        ("representative_name", "SATO Ken"),
        ("representative_kana", "サトウ ケン"),
        ("representative_postcode", "1500001"),
        ("representative_address", "東京都渋谷区神宮前1-1-1"),
        ("principal_name", "TANAKA Ana"),
        ("principal_address", "大阪府大阪市北区1-1"),
        ("deceased_name_latin", "TANAKA Jose"),
        ("deceased_nationality", "Brazil"),
        ("deceased_birth_date", "1940-01-02"),
        ("deceased_death_date", "2020-03-04"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}
