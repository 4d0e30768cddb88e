//! The two languages thidua speaks: English and Vietnamese.
//!
//! Rule and workflow files may be written with either keyword set (both parse to the same
//! AST), and diagnostics and explanations can be printed in either language. [`Lang`] names
//! the choice wherever one is made.

use serde::Serialize;

/// A language for keywords, diagnostics and explanations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English (the default for messages).
    #[default]
    En,
    /// Tiếng Việt.
    Vi,
}

impl Lang {
    /// The short code used on the command line: `en` or `vi`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Vi => "vi",
        }
    }

    /// Pick the text for this language.
    pub fn pick<'a>(self, en: &'a str, vi: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Vi => vi,
        }
    }
}
