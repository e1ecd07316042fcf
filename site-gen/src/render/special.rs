//! The pages that are not the site's content: the language chooser at the
//! root, the 404 page and the staff pages (the facts register, the
//! translations' status), each in the default language.

use super::Renderer;
use crate::config;
use crate::context::{ChooserCtx, FactsCtx, Home, NotFoundCtx, NotFoundHome};
use crate::diag::Diagnostic;
use crate::register::Register;

impl<'a> Renderer<'a> {
    /// The staff page of the facts register, in the default language.
    pub(crate) fn facts_page(&self, register: &'a Register) -> Result<String, Diagnostic> {
        let ctx = FactsCtx {
            common: self.common(&self.site().default_language),
            register,
        };
        self.render("facts.html", &ctx)
    }

    /// The staff page of the translations' status, in the default language.
    pub(crate) fn translations_page(
        &self,
        status: &'a [crate::translate::LanguageStatus],
    ) -> Result<String, Diagnostic> {
        let ctx = crate::context::TranslationsCtx {
            common: self.common(&self.site().default_language),
            languages: status,
        };
        self.render("translations.html", &ctx)
    }

    fn homes(&self) -> impl Iterator<Item = (&'a config::Language, usize)> + use<'a, '_> {
        let lib = self.lib;
        self.site()
            .languages
            .iter()
            .filter_map(move |l| Some((l, lib.index.get("_index.md", &l.code)?)))
    }

    pub(crate) fn chooser(&self) -> Result<String, Diagnostic> {
        let site = self.site();
        let ctx = ChooserCtx {
            common: self.common(&site.default_language),
            homes: self
                .homes()
                .map(|(l, i)| Home {
                    code: &l.code,
                    html_lang: l.html_lang(),
                    hreflang: site.hreflang(&l.code),
                    name: &l.name,
                    dir: l.dir,
                    title: &l.title,
                    url: &self.lib.urls[i],
                    permalink: &self.lib.permalinks[i],
                })
                .collect(),
            site_title: &site.title,
            permalink: &site.base_url,
        };
        self.render("chooser.html", &ctx)
    }

    pub(crate) fn not_found(&self) -> Result<String, Diagnostic> {
        let ctx = NotFoundCtx {
            common: self.common(&self.site().default_language),
            homes: self
                .homes()
                .map(|(l, i)| NotFoundHome {
                    code: &l.code,
                    html_lang: l.html_lang(),
                    name: &l.name,
                    dir: l.dir,
                    url: &self.lib.urls[i],
                })
                .collect(),
        };
        self.render("404.html", &ctx)
    }
}
