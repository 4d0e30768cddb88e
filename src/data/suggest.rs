//! "Did you mean" suggestions for misspelt names: the closest candidate by edit distance.

/// The candidate closest to `word`, if one is close enough to be a plausible misspelling.
///
/// Distance is the optimal-string-alignment distance on lowercased characters (so a swap of
/// two neighbours counts once). A candidate qualifies within `1 + len / 3` edits; ties go to
/// the earliest candidate, so the answer is deterministic.
pub(super) fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    let limit = 1 + word.len() / 3;
    let mut best: Option<(usize, &'c str)> = None;
    for cand in candidates {
        let chars: Vec<char> = cand.to_lowercase().chars().collect();
        if chars.len().abs_diff(word.len()) > limit {
            continue;
        }
        let d = distance(&word, &chars);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal string alignment distance between two character sequences.
fn distance(a: &[char], b: &[char]) -> usize {
    // Three rolling rows: two rows back (for transpositions), the previous and the current.
    let width = b.len() + 1;
    let mut prev2: Vec<usize> = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur: Vec<usize> = vec![0; width];
    for (i, &ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let del = prev.get(j + 1).map_or(usize::MAX, |v| v + 1);
            let ins = cur.get(j).map_or(usize::MAX, |v| v + 1);
            let sub = prev.get(j).map_or(usize::MAX, |v| v + cost);
            let mut v = del.min(ins).min(sub);
            let swapped = i > 0
                && j > 0
                && a.get(i - 1) == Some(&cb)
                && b.get(j - 1) == Some(&ca);
            if swapped {
                v = v.min(prev2.get(j - 1).map_or(usize::MAX, |t| t + 1));
            }
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = v;
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.get(b.len()).copied().unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_swaps() {
        let d = |a: &str, b: &str| {
            distance(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>())
        };
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("HTSX", "HTXS"), 1);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("đơn_vị", "don_vi"), 2);
    }

    #[test]
    fn closest_prefers_the_nearest_then_the_first() {
        let c = ["KHT", "HT", "HTT", "HTXS"];
        assert_eq!(closest("htxs", c), Some("HTXS"));
        assert_eq!(closest("HTSX", c), Some("HTXS"));
        assert_eq!(closest("HTTT", c), Some("HTT"));
        assert_eq!(closest("zzzzzz", c), None);
    }
}
