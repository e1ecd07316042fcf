//! The compact binary form in which the generator hands a procedure (and the
//! checker's other data) to the browser.
//!
//! Why not a serialization crate: this form exists only to keep the wasm
//! small. With nanoserde's derived decoders, decoding was about 9 KB of the
//! wasm's 114.1 KB brotli, most of it error paths (a `Result` per field and,
//! on each failure, the drop of every field decoded so far). Here reading
//! cannot fail halfway: past the end of the input or on a bad tag it yields
//! empty values and remembers that the input was bad, and [`decode`] then
//! refuses the whole input. So each type's reader is one straight line of
//! field reads: the checker went from 117.3 to 111.8 KiB brotli (wasm + JS).
//!
//! The layout: integers little-endian (lengths and tags as `u32`, amounts
//! `i64`), `bool` and `Option` as one byte, strings as length and UTF-8,
//! dates as year (`i64`), month and day (a byte each),
//! sequences and maps as length and items (maps in key order), enums as a
//! tag and the variant's fields, a struct as its fields in declaration
//! order. Spans are not written (`Spanned<T>` is written as `T`). Every type
//! lists its fields once, in [`binary_struct!`] or [`binary_enum!`]: a
//! field missing there does not compile.

use std::collections::BTreeMap;

use crate::date::Date;
use crate::facts::{Fact, FactValue, Facts, Rate};
use crate::model::{
    Band, Bound, Choice, Condition, DetailDef, DetailKind, DetailOption, Document, Fee, FormDef,
    FormRow, FormSection, Info, OutcomeDef, OutcomeKind, PostageDef, PricedFact, Procedure, Route,
    Step, StepKind,
};
use crate::spanned::Spanned;

/// A type with a binary form.
pub trait Binary: Sized {
    fn write(&self, out: &mut Vec<u8>);
    /// Reads a value; on bad input, some value, with `r` marked bad.
    fn read(r: &mut Reader<'_>) -> Self;
}

/// The input being read, and whether it has been found bad.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    bad: bool,
}

impl Reader<'_> {
    /// Marks the input bad (e.g. an unknown enum tag).
    pub fn bad(&mut self) {
        self.bad = true;
    }

    fn take<const N: usize>(&mut self) -> [u8; N] {
        match self.bytes.split_first_chunk::<N>() {
            Some((head, rest)) => {
                self.bytes = rest;
                *head
            }
            None => {
                self.bad = true;
                self.bytes = &[];
                [0; N]
            }
        }
    }

    pub fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    /// A length or a tag.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    /// A length, checked against what is left (each item takes a byte at
    /// least), so bad input never makes a huge allocation or a long loop.
    fn len(&mut self) -> usize {
        let len = self.u32() as usize;
        if len > self.bytes.len() {
            self.bad();
            return 0;
        }
        len
    }
}

/// The binary form of `value`.
pub fn encode<T: Binary>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.write(&mut out);
    out
}

/// The value whose binary form is `bytes`; `None` if `bytes` is not one
/// (cut short, bad tag or UTF-8, bytes left over).
pub fn decode<T: Binary>(bytes: &[u8]) -> Option<T> {
    let mut r = Reader { bytes, bad: false };
    let value = T::read(&mut r);
    (!r.bad && r.bytes.is_empty()).then_some(value)
}

/// Writes a length or a tag.
pub fn write_u32(n: usize, out: &mut Vec<u8>) {
    // Lengths come from the generator's own data: far below 4 GiB.
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

impl Binary for bool {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn read(r: &mut Reader<'_>) -> Self {
        r.u8() != 0
    }
}

impl Binary for i64 {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn read(r: &mut Reader<'_>) -> Self {
        i64::from_le_bytes(r.take())
    }
}

impl Binary for String {
    fn write(&self, out: &mut Vec<u8>) {
        write_u32(self.len(), out);
        out.extend_from_slice(self.as_bytes());
    }
    fn read(r: &mut Reader<'_>) -> Self {
        let len = r.len();
        let (text, rest) = r.bytes.split_at_checked(len).unwrap_or_default();
        r.bytes = rest;
        match std::str::from_utf8(text) {
            Ok(s) => s.to_string(),
            Err(_) => {
                r.bad();
                String::new()
            }
        }
    }
}

impl<T: Binary> Binary for Vec<T> {
    fn write(&self, out: &mut Vec<u8>) {
        write_u32(self.len(), out);
        for item in self {
            item.write(out);
        }
    }
    fn read(r: &mut Reader<'_>) -> Self {
        let len = r.len();
        let mut out = Vec::with_capacity(len);
        for _ in 0..len {
            out.push(T::read(r));
        }
        out
    }
}

impl<T: Binary> Binary for Option<T> {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Some(v) => {
                out.push(1);
                v.write(out);
            }
            None => out.push(0),
        }
    }
    fn read(r: &mut Reader<'_>) -> Self {
        (r.u8() != 0).then(|| T::read(r))
    }
}

impl<T: Binary> Binary for Box<T> {
    fn write(&self, out: &mut Vec<u8>) {
        (**self).write(out);
    }
    fn read(r: &mut Reader<'_>) -> Self {
        Box::new(T::read(r))
    }
}

impl<V: Binary> Binary for BTreeMap<String, V> {
    fn write(&self, out: &mut Vec<u8>) {
        write_u32(self.len(), out);
        for (k, v) in self {
            k.write(out);
            v.write(out);
        }
    }
    fn read(r: &mut Reader<'_>) -> Self {
        let len = r.len();
        // Inserted one by one: collecting into a map would sort (more code).
        let mut out = BTreeMap::new();
        for _ in 0..len {
            let k = String::read(r);
            out.insert(k, V::read(r));
        }
        out
    }
}

/// A date as its year (`i64`), month and day (a byte each); one that is
/// not a day of the calendar marks the input bad.
impl Binary for Date {
    fn write(&self, out: &mut Vec<u8>) {
        i64::from(self.year()).write(out);
        // Months and days fit a byte.
        out.push(u8::try_from(self.month()).unwrap_or(0));
        out.push(u8::try_from(self.day()).unwrap_or(0));
    }
    fn read(r: &mut Reader<'_>) -> Self {
        let y = i64::read(r);
        let m = r.u8();
        let d = r.u8();
        match i32::try_from(y)
            .ok()
            .and_then(|y| Date::new(y, m.into(), d.into()))
        {
            Some(date) => date,
            None => {
                r.bad();
                Date::default()
            }
        }
    }
}

impl<A: Binary, B: Binary, C: Binary> Binary for (A, B, C) {
    fn write(&self, out: &mut Vec<u8>) {
        self.0.write(out);
        self.1.write(out);
        self.2.write(out);
    }
    fn read(r: &mut Reader<'_>) -> Self {
        let a = A::read(r);
        let b = B::read(r);
        (a, b, C::read(r))
    }
}

/// The value alone: spans stay in the generator.
impl<T: Binary> Binary for Spanned<T> {
    fn write(&self, out: &mut Vec<u8>) {
        self.get_ref().write(out);
    }
    fn read(r: &mut Reader<'_>) -> Self {
        Spanned::new(0..0, T::read(r))
    }
}

/// [`Binary`] for structs: `binary_struct!(Name { field, other });` lists
/// every field (a missing one does not compile), written in that order.
#[macro_export]
macro_rules! binary_struct {
    ($($name:ident { $($field:ident),* $(,)? })*) => {$(
        impl $crate::binary::Binary for $name {
            fn write(&self, out: &mut Vec<u8>) {
                let $name { $($field),* } = self;
                $($crate::binary::Binary::write($field, out);)*
            }
            fn read(r: &mut $crate::binary::Reader<'_>) -> Self {
                $name { $($field: $crate::binary::Binary::read(r)),* }
            }
        }
    )*};
}

/// [`Binary`] for enums without fields: `binary_enum!(Name { A, B });`, the
/// tag being the position in that list (an unknown tag reads as the first
/// and marks the input bad).
#[macro_export]
macro_rules! binary_enum {
    ($($name:ident { $first:ident $(, $variant:ident)* $(,)? })*) => {$(
        impl $crate::binary::Binary for $name {
            fn write(&self, out: &mut Vec<u8>) {
                let all = [$name::$first $(, $name::$variant)*];
                let tag = all.iter().position(|v| v == self).unwrap_or(0);
                $crate::binary::write_u32(tag, out);
            }
            fn read(r: &mut $crate::binary::Reader<'_>) -> Self {
                let all = [$name::$first $(, $name::$variant)*];
                match all.get(r.u32() as usize) {
                    Some(v) => *v,
                    None => {
                        r.bad();
                        $name::$first
                    }
                }
            }
        }
    )*};
}

binary_enum! {
    StepKind { Choice, YesNo, Number, Year, Date, Text }
    OutcomeKind { Eligible, NotEligible, Redirect }
    DetailKind { Text, Katakana, Date, Postcode, Phone, Choice }
}

binary_struct! {
    Procedure { id, title, languages, start, summary, steps, outcomes, documents, fee, postage, info, details, form }
    Step { id, kind, legend, hint, min, max, optional, options, routes, next, outcome }
    Choice { value, label, hint, form, routes, next, outcome }
    Route { when, next, outcome }
    Condition { answer, is, one_of, at_least, at_most, today_from, today_before, all, any, not }
    OutcomeDef { id, kind, text, procedure }
    Document { id, text, when, unverified }
    Fee { fee_fact, copies_step, multi_copy_note, text }
    PostageDef { when, text, bands, letter_packs }
    Band { id, label, when, rates, confirmed_before }
    PricedFact { id, label, fact }
    Info { id, label, text, fact, when, unverified }
    DetailOption { value, label, form }
    DetailDef { id, kind, label, hint, missing, optional, when, autocomplete, options }
    FormDef { name, subtitle, addressee, sections }
    FormSection { intro, heading, rows }
    FormRow { label, value, when, stamp, help }
    Facts { facts, date_formats, unverified_marks }
    Fact { value, unverified }
    Rate { from, yen, unverified }
}

impl Binary for FactValue {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            FactValue::Yen(y) => {
                out.push(0);
                y.write(out);
            }
            FactValue::Number(n) => {
                out.push(1);
                n.write(out);
            }
            FactValue::Date(d) => {
                out.push(2);
                d.write(out);
            }
            FactValue::Text(t) => {
                out.push(3);
                t.write(out);
            }
            FactValue::Rates(r) => {
                out.push(4);
                r.write(out);
            }
        }
    }
    fn read(r: &mut Reader<'_>) -> Self {
        match r.u8() {
            0 => FactValue::Yen(Binary::read(r)),
            1 => FactValue::Number(Binary::read(r)),
            2 => FactValue::Date(Binary::read(r)),
            3 => FactValue::Text(Binary::read(r)),
            4 => FactValue::Rates(Binary::read(r)),
            _ => {
                r.bad();
                FactValue::Yen(0)
            }
        }
    }
}

impl Binary for Bound {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Bound::Value(v) => {
                out.push(0);
                v.write(out);
            }
            Bound::Fact(f) => {
                out.push(1);
                f.write(out);
            }
        }
    }
    fn read(r: &mut Reader<'_>) -> Self {
        match r.u8() {
            0 => Bound::Value(i64::read(r)),
            1 => Bound::Fact(String::read(r)),
            _ => {
                r.bad();
                Bound::Value(0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_written() {
        let mut text = BTreeMap::new();
        text.insert("ja".to_string(), "日本語".to_string());
        text.insert("en".to_string(), String::new());
        let value = (
            vec![Some(text.clone()), None],
            (-3_i64, "x".to_string(), true),
            vec![Bound::Value(i64::MIN), Bound::Fact("a.b".into())],
        );
        let bytes = encode(&value);
        assert_eq!(decode(&bytes), Some(value));
    }

    #[test]
    fn facts_read_back_as_written() {
        let day = |s: &str| Date::parse(s).unwrap_or_default();
        let mut text = BTreeMap::new();
        text.insert("ja".to_string(), "東京都".to_string());
        let mut facts = Facts::new();
        facts
            .insert("a.fee", FactValue::Yen(300))
            .insert("a.days", FactValue::Number(30))
            .insert_unverified("a.from", FactValue::Date(day("2012-07-09")))
            .insert("a.where", FactValue::Text(text))
            .insert(
                "a.rates",
                FactValue::Rates(vec![
                    Rate::new(day("1999-12-31"), 84),
                    Rate {
                        from: day("2024-10-01"),
                        yen: 110,
                        unverified: true,
                    },
                ]),
            )
            .set_date_format("en", "{day} {month_name} {year}", vec!["January".into()])
            .set_unverified_mark("en", " (unconfirmed)");
        assert_eq!(decode(&encode(&facts)), Some(facts));
    }

    #[test]
    fn a_date_that_is_not_a_day_is_refused() {
        let Some(day) = Date::new(2024, 2, 29) else {
            panic!("a leap day");
        };
        let mut bytes = encode(&day);
        assert_eq!(decode(&bytes), Some(day));
        // 2023-02-29, 2024-13-29, 2024-02-00 and the year 2^32 + 2024.
        for (at, value) in [(0, 0xe7), (8, 13), (9, 0), (4, 1)] {
            let mut bad = bytes.clone();
            bad[at] = value;
            assert_eq!(decode::<Date>(&bad), None, "byte {at} = {value}");
        }
        bytes.pop();
        assert_eq!(decode::<Date>(&bytes), None);
    }

    #[test]
    fn bad_input_is_refused_whole() {
        let bytes = encode(&vec!["abc".to_string(), "def".to_string()]);
        // Cut short, at every length.
        for n in 0..bytes.len() {
            assert_eq!(decode::<Vec<String>>(&bytes[..n]), None, "cut at {n}");
        }
        // Bytes left over.
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode::<Vec<String>>(&longer), None);
        // A length far beyond the input: no allocation, refused.
        assert_eq!(decode::<Vec<String>>(&[255, 255, 255, 255]), None);
        // Not UTF-8.
        assert_eq!(decode::<String>(&[1, 0, 0, 0, 0xff]), None);
        // An unknown tag.
        assert_eq!(decode::<StepKind>(&[9, 0, 0, 0]), None);
        assert_eq!(decode::<Bound>(&[2]), None);
        assert_eq!(decode::<FactValue>(&[5]), None);
    }
}
