//! "Did you mean" suggestions.

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
///
/// Closeness is the normalised Damerau–Levenshtein similarity on the names with Vietnamese
/// diacritics compared as written; ties go to the first candidate in the order given, so
/// suggestions are deterministic.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(&'a str, f64)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let score = strsim::normalized_damerau_levenshtein(&name.to_lowercase(), &c.to_lowercase());
        if score >= 0.6 && best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_a_close_name() {
        assert_eq!(closest("xep_loia", ["ho_ten", "xep_loai"]), Some("xep_loai"));
    }

    #[test]
    fn suggests_nothing_for_a_distant_name() {
        assert_eq!(closest("luong", ["ho_ten", "xep_loai"]), None);
    }
}
