//! Names for grammar rules in syntax errors ("expected `for` or `{`"), in the file's keyword
//! set, and the help for keywords that fail only because of Unicode normalisation.

use pest::Parser as _;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{UnicodeNormalization as _, is_nfc};

use super::keywords::{entry, vi_part_name};
use super::{Rule, RulesParser};
use crate::lang::Lang;

/// A rule as its Vietnamese keyword (`kw_for` as `cho`, `held` as `đạt`), for errors in a
/// file written with Vietnamese keywords.
fn vietnamese_name(rule: Rule) -> Option<String> {
    let word =
        |r: Rule| entry(r).map(|k| format!("`{}`", k.vi.replace("{n}", "N").replace("{k}", "K")));
    let either = |a: Rule, b: Rule| Some(format!("{} or {}", word(a)?, word(b)?));
    match rule {
        Rule::kw_all | Rule::kw_present => either(Rule::kw_all, Rule::kw_present),
        Rule::kw_up | Rule::kw_down => either(Rule::kw_up, Rule::kw_down),
        Rule::direction => either(Rule::kw_asc, Rule::kw_desc),
        Rule::boolean => either(Rule::kw_true, Rule::kw_false),
        Rule::adjust => either(Rule::kw_bonus, Rule::kw_penalty),
        Rule::adjust_base => either(Rule::kw_when, Rule::kw_per),
        Rule::ever_held => Some(String::from("`từng đạt`")),
        _ => word(rule).or_else(|| vi_part_name(rule).map(String::from)).or_else(|| {
            let kw = keyword_of(rule)?;
            word(kw)
        }),
    }
}

/// The keyword a statement or clause starts with: `require` for `require`, `kw_cycle` for
/// `cycle_decl`, `wf_kw_stage` for `wf_stage`.
fn keyword_of(rule: Rule) -> Option<Rule> {
    Some(match rule {
        Rule::header => Rule::kw_ruleset,
        Rule::cycle_decl => Rule::kw_cycle,
        Rule::band => Rule::kw_grade,
        Rule::band_from => Rule::kw_from,
        Rule::rank_decl => Rule::kw_rank,
        Rule::quota_of => Rule::kw_of,
        Rule::quota_per => Rule::kw_per,
        Rule::quota_by => Rule::kw_by,
        Rule::quota_round => Rule::kw_round,
        Rule::if_expr => Rule::kw_if,
        Rule::op_not => Rule::kw_not,
        Rule::op_and => Rule::kw_and,
        Rule::op_or => Rule::kw_or,
        Rule::wf_header => return None,
        _ => {
            let name = format!("{rule:?}");
            let kw = match name.strip_prefix("wf_") {
                Some(rest) => format!("wf_kw_{rest}"),
                None => format!("kw_{name}"),
            };
            return Rule::all_rules().iter().find(|r| format!("{r:?}") == kw).copied();
        }
    })
}

/// Help for a syntax error at `at` that comes from decomposed Unicode (NFD): Vietnamese
/// letters typed as a base letter and combining accents, which some keyboards and editors
/// produce. The keywords are matched composed (NFC), so such a keyword is not recognised.
pub(super) fn nfd_help(text: &str, at: usize, root: Rule) -> Option<String> {
    if is_nfc(text) {
        return None;
    }
    // The words at the error, composed: a keyword they begin with failed only for the accents.
    let rest = text.get(at..).unwrap_or("");
    let end = rest
        .find(|c: char| !(c.is_alphabetic() || is_combining_mark(c) || c == ' ' || c == '\t'))
        .unwrap_or(rest.len());
    let composed: String = rest.get(..end).unwrap_or("").nfc().collect();
    let words: Vec<&str> = composed.split_whitespace().collect();
    let keyword = super::keywords::KEYWORDS
        .iter()
        .map(|k| k.vi)
        .filter(|vi| !vi.contains('{') && !vi.is_ascii())
        .filter(|vi| {
            let kw: Vec<&str> = vi.split(' ').collect();
            words.get(..kw.len()) == Some(kw.as_slice())
        })
        .max_by_key(|vi| vi.len());
    let whole: String = text.nfc().collect();
    let what = match keyword {
        Some(k) => format!(
            "`{k}` is typed here with combining accents (Unicode NFD), which the keyword does not \
             match"
        ),
        None if RulesParser::parse(root, &whole).is_ok() => {
            String::from("this file has letters typed with combining accents (Unicode NFD)")
        }
        None => return None,
    };
    Some(format!(
        "{what}; keywords are matched composed (NFC): save the file as NFC, e.g. with `uconv -x \
         any-nfc` or your editor's Unicode normalisation"
    ))
}

/// Human names for grammar rules in "expected …" messages, keywords in `lang`.
pub(super) fn rule_name(rule: Rule, lang: Lang) -> String {
    if lang == Lang::Vi
        && let Some(name) = vietnamese_name(rule)
    {
        return name;
    }
    named_rule(rule).map_or_else(|| keyword_or_more(rule), String::from)
}

/// A keyword rule (`kw_and`) as the word it matches; anything else as "more input".
fn keyword_or_more(rule: Rule) -> String {
    let debug = format!("{rule:?}");
    if debug == "wf_workflow" {
        return String::from("`workflow`");
    }
    if debug == "wf_item" || debug == "wf_header" {
        return String::from("a declaration");
    }
    // Workflow rules start with their keyword: `wf_kw_stage` and `wf_stage` both read `stage`.
    let word = debug
        .strip_prefix("wf_kw_")
        .or_else(|| debug.strip_prefix("wf_"))
        .or_else(|| debug.strip_prefix("kw_"));
    word.map_or_else(|| String::from("more input"), |w| format!("`{w}`"))
}

fn named_rule(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::header | Rule::kw_ruleset => "`ruleset`",
        Rule::ident | Rule::type_ref | Rule::name => "a name",
        Rule::string => "a string",
        Rule::integer => "a whole number",
        Rule::number | Rule::max_clause => "a number",
        Rule::percent => "a percentage",
        Rule::date => "a date",
        Rule::boolean => "`true` or `false`",
        Rule::expr | Rule::sort_key => "an expression",
        Rule::cycle_decl | Rule::kw_cycle => "`cycle`",
        Rule::effective | Rule::kw_effective => "`effective`",
        Rule::basis | Rule::kw_basis => "`basis`",
        Rule::param_decl
        | Rule::enum_decl
        | Rule::entity_decl
        | Rule::scoring_decl
        | Rule::mark_decl
        | Rule::extern_decl
        | Rule::award_decl
        | Rule::award_kind
        | Rule::kw_param
        | Rule::kw_enum
        | Rule::kw_entity
        | Rule::kw_scoring
        | Rule::kw_mark
        | Rule::kw_extern
        | Rule::kw_title
        | Rule::kw_commendation => "a declaration",
        Rule::param_value => "a dated value",
        Rule::variant => "a variant",
        Rule::ordered_tail => "`<`",
        Rule::plain_tail => "`,`",
        Rule::field => "a field",
        Rule::group | Rule::ratio | Rule::pass | Rule::each | Rule::formula => "a criterion",
        Rule::adjust => "`bonus` or `penalty`",
        Rule::adjust_base => "`when` or `per`",
        Rule::band => "`grade`",
        Rule::band_from => "`from`",
        Rule::rank_decl => "`rank`",
        Rule::weight => "`weight`",
        Rule::cap => "`cap`",
        Rule::direction => "`asc` or `desc`",
        Rule::authority => "`authority`",
        Rule::require => "`require`",
        Rule::disqualify => "`disqualify`",
        Rule::quota => "`quota`",
        Rule::quota_of => "`of`",
        Rule::quota_per => "`per`",
        Rule::quota_by => "`by`",
        Rule::quota_round => "`round`",
        Rule::vote => "`vote`",
        Rule::reward => "`reward`",
        Rule::op_not => "`not`",
        Rule::op_neg | Rule::op_sub => "`-`",
        Rule::op_or => "`or`",
        Rule::op_and => "`and`",
        Rule::op_eq => "`==`",
        Rule::op_ne => "`!=`",
        Rule::op_le => "`<=`",
        Rule::op_ge => "`>=`",
        Rule::op_lt => "`<`",
        Rule::op_gt => "`>`",
        Rule::op_add => "`+`",
        Rule::op_mul => "`*`",
        Rule::op_div => "`/`",
        Rule::if_expr => "`if`",
        Rule::held => "`held`",
        Rule::ever_held => "`ever held`",
        Rule::win_consecutive => "`for N consecutive cycles`",
        Rule::win_of_last => "`in K of last N cycles`",
        Rule::win_last => "`last cycle`",
        Rule::aggregate | Rule::agg_fn => "an aggregate such as `share(members, …)`",
        Rule::call => "a function call",
        Rule::kw_members => "`members`",
        Rule::wf_weekday
        | Rule::wf_day_mon
        | Rule::wf_day_tue
        | Rule::wf_day_wed
        | Rule::wf_day_thu
        | Rule::wf_day_fri
        | Rule::wf_day_sat
        | Rule::wf_day_sun => "a weekday",
        Rule::wf_working_days => "`working days`",
        other => return keyword_name(other),
    })
}

fn keyword_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::kw_from => "`from`",
        Rule::kw_to => "`to`",
        Rule::kw_for => "`for`",
        Rule::kw_in => "`in`",
        Rule::kw_when => "`when`",
        Rule::kw_per => "`per`",
        Rule::kw_points => "`points`",
        Rule::kw_actual => "`actual`",
        Rule::kw_target => "`target`",
        Rule::kw_max => "`max`",
        Rule::kw_of => "`of`",
        Rule::kw_all | Rule::kw_present => "`all` or `present`",
        Rule::kw_within => "`within`",
        Rule::kw_by => "`by`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_held => "`held`",
        Rule::kw_consecutive => "`consecutive`",
        Rule::kw_cycles => "`cycles`",
        Rule::kw_last => "`last`",
        Rule::kw_up | Rule::kw_down => "`up` or `down`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_default => "`default`",
        Rule::kw_every => "`all`",
        _ => return None,
    })
}
