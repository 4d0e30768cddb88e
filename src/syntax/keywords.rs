//! The keyword table: every keyword of the rules and workflow languages, in English and in
//! Vietnamese, with the grammar rule that matches it and where it is used.
//!
//! This table is the single source of truth for the two keyword sets. The grammar
//! (`grammar/rules.pest`, `grammar/workflow.pest`) spells the same words; a test parses every
//! entry in both languages as its rule, and checks that every keyword rule of the grammar is
//! here. [`crate::fmt`] prints keywords from it, and the TextMate grammar
//! (`editors/thidua.tmLanguage.json`) is generated from it by [`textmate_grammar`].
//!
//! Most entries are one keyword: one grammar rule, written as one or more words. A few are
//! *phrases* whose words the two languages order differently (`held X for 3 consecutive
//! cycles`, `đạt X trong 3 kỳ liên tiếp`): their spellings hold `{n}` and `{k}` where the
//! numbers go, and the formatter writes them whole.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization as _;

use super::Rule;
use crate::lang::Lang;

mod textmate;

pub use textmate::textmate_grammar;

/// What kind of word a keyword is, for editors' colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Starts a declaration or a statement: `title`, `stage`, `require`, `group`.
    Declaration,
    /// Any other keyword: `for`, `max`, `basis`, `within`, `held`.
    Keyword,
    /// Conditional words: `if`, `then`, `else`, `when`.
    Control,
    /// `and`, `or`, `not`.
    Logical,
    /// Values: `true`, `false`, weekdays.
    Constant,
    /// Aggregates over members: `share`, `count`, `all`, `any`, `none`, `sum`.
    Function,
}

/// One keyword (or phrase) in both languages.
#[derive(Clone, Copy, Debug)]
pub struct Keyword {
    /// The grammar rule that matches it.
    pub(crate) rule: Rule,
    /// The English spelling.
    pub en: &'static str,
    /// The Vietnamese spelling.
    pub vi: &'static str,
    /// Where it is used.
    pub context: &'static str,
    /// What kind of word it is.
    pub class: Class,
}

impl Keyword {
    /// The spelling in one language.
    pub fn spelling(&self, lang: Lang) -> &'static str {
        lang.pick(self.en, self.vi)
    }

    /// The grammar rule's name, e.g. `kw_for`.
    pub fn rule_name(&self) -> String {
        format!("{:?}", self.rule)
    }

    /// Whether this is a phrase written whole (a history window, `working days`).
    pub fn is_phrase(&self) -> bool {
        is_phrase_rule(self.rule)
    }
}

/// The rules printed whole from their table entry rather than word by word.
pub(crate) fn is_phrase_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::win_consecutive
            | Rule::win_of_last
            | Rule::win_last
            | Rule::wf_working_days
            | Rule::wf_exclude
    )
}

const fn kw(rule: Rule, en: &'static str, vi: &'static str, context: &'static str) -> Keyword {
    Keyword { rule, en, vi, context, class: Class::Keyword }
}

const fn decl(rule: Rule, en: &'static str, vi: &'static str, context: &'static str) -> Keyword {
    Keyword { rule, en, vi, context, class: Class::Declaration }
}

const fn class(
    class: Class,
    rule: Rule,
    en: &'static str,
    vi: &'static str,
    context: &'static str,
) -> Keyword {
    Keyword { rule, en, vi, context, class }
}

/// Every keyword of both languages: rules language first, then workflows.
pub static KEYWORDS: &[Keyword] = &[
    // Header.
    decl(Rule::kw_ruleset, "ruleset", "bộ quy tắc", "the header: `ruleset name \"label\"`"),
    kw(Rule::kw_cycle, "cycle", "kỳ", "header: `cycle 2025 [from D to D]`"),
    kw(Rule::kw_effective, "effective", "hiệu lực", "header: `effective from D [to D]`"),
    kw(Rule::kw_from, "from", "từ", "start of a date range; a grade band's lower bound"),
    kw(Rule::kw_to, "to", "đến", "end of a date range (header, parameter values, holidays)"),
    kw(Rule::kw_basis, "basis", "căn cứ", "the legal article a rule implements"),
    // Declarations.
    decl(Rule::kw_param, "param", "tham số", "a dated parameter"),
    decl(Rule::kw_enum, "enum", "danh mục", "an enumeration"),
    decl(Rule::kw_entity, "entity", "đối tượng", "an entity kind"),
    kw(Rule::kw_in, "in", "thuộc", "an entity kind's parent: `entity don_vi in cum`"),
    kw(Rule::kw_default, "default", "mặc định", "a field's default value"),
    decl(Rule::kw_scoring, "scoring", "bảng điểm", "a scoring table"),
    kw(
        Rule::kw_for,
        "for",
        "cho",
        "the entity kind of a scoring table, mark, extern, award or workflow",
    ),
    kw(Rule::kw_max, "max", "tối đa", "the maximum of a scoring table or criterion"),
    kw(Rule::kw_weight, "weight", "trọng số", "a criterion's weight"),
    decl(Rule::kw_group, "group", "nhóm", "a group of criteria"),
    decl(Rule::kw_ratio, "ratio", "định lượng", "a quantitative criterion: actual against target"),
    kw(Rule::kw_actual, "actual", "thực hiện", "what a ratio criterion achieved"),
    kw(Rule::kw_target, "target", "kế hoạch", "what a ratio criterion aimed at"),
    decl(Rule::kw_pass, "pass", "định tính", "a pass/fail criterion"),
    decl(Rule::kw_each, "each", "theo lần", "a criterion scored per event"),
    decl(Rule::kw_formula, "formula", "công thức", "a criterion scored by a formula"),
    class(
        Class::Control,
        Rule::kw_when,
        "when",
        "khi",
        "the condition of a pass criterion, bonus, penalty, mark or workflow transition",
    ),
    kw(Rule::kw_points, "points", "điểm", "points of an each criterion, bonus or penalty"),
    kw(Rule::kw_per, "per", "mỗi", "per event (each, bonus, penalty); per group (quota)"),
    decl(Rule::kw_bonus, "bonus", "cộng điểm", "a bonus item"),
    decl(Rule::kw_penalty, "penalty", "trừ điểm", "a penalty item"),
    kw(Rule::kw_cap, "cap", "tối đa", "the cap on a bonus or penalty item"),
    decl(Rule::kw_grade, "grade", "xếp loại", "a grade band"),
    kw(Rule::kw_otherwise, "otherwise", "còn lại", "the lowest grade band"),
    decl(Rule::kw_rank, "rank", "xếp hạng", "the ranking of a scoring table"),
    kw(Rule::kw_within, "within", "trong", "the group a ranking is within"),
    kw(Rule::kw_by, "by", "theo", "the ordering of a ranking or quota"),
    kw(Rule::kw_asc, "asc", "tăng dần", "ascending order"),
    kw(Rule::kw_desc, "desc", "giảm dần", "descending order"),
    decl(Rule::kw_mark, "mark", "ghi nhận", "a fact recorded per cycle"),
    decl(Rule::kw_extern, "extern", "bên ngoài", "an award conferred elsewhere"),
    decl(Rule::kw_title, "title", "danh hiệu", "a title (danh hiệu thi đua)"),
    decl(Rule::kw_commendation, "commendation", "khen thưởng", "a commendation form"),
    kw(Rule::kw_authority, "authority", "thẩm quyền", "who confers an award"),
    decl(Rule::kw_require, "require", "yêu cầu", "an award's requirement"),
    decl(Rule::kw_disqualify, "disqualify", "loại trừ", "an award's disqualifier"),
    decl(Rule::kw_quota, "quota", "hạn mức", "an award's quota"),
    kw(Rule::kw_of, "of", "trên", "the denominator of a quota, vote or vote threshold"),
    kw(Rule::kw_round, "round", "làm tròn", "rounding of a percentage quota"),
    kw(Rule::kw_up, "up", "lên", "`round up`"),
    kw(Rule::kw_down, "down", "xuống", "`round down`"),
    decl(Rule::kw_vote, "vote", "biểu quyết", "the vote an award needs; a workflow stage's vote"),
    kw(Rule::kw_all, "all", "tổng số", "a vote counted on all members: `80% of all`"),
    kw(Rule::kw_present, "present", "có mặt", "a vote counted on those present"),
    kw(Rule::kw_secret, "secret", "kín", "a secret ballot"),
    kw(Rule::kw_open, "open", "công khai", "an open vote"),
    decl(Rule::kw_reward, "reward", "mức thưởng", "an award's reward"),
    // Expressions.
    class(Class::Logical, Rule::kw_not, "not", "không", "negation"),
    class(Class::Logical, Rule::kw_and, "and", "và", "conjunction"),
    class(Class::Logical, Rule::kw_or, "or", "hoặc", "disjunction"),
    class(Class::Control, Rule::kw_if, "if", "nếu", "`if c then a else b`"),
    class(Class::Control, Rule::kw_then, "then", "thì", "`if c then a else b`"),
    class(
        Class::Control,
        Rule::kw_else,
        "else",
        "ngược lại",
        "`if c then a else b`; what follows a workflow vote's last round",
    ),
    kw(Rule::kw_held, "held", "đạt", "an award or mark held: `held X`"),
    kw(Rule::kw_ever, "ever", "từng", "`ever held X`: in this cycle or any earlier one"),
    kw(
        Rule::win_consecutive,
        "for {n} consecutive cycles",
        "trong {n} kỳ liên tiếp",
        "history window: `held X for 3 consecutive cycles`",
    ),
    kw(
        Rule::win_of_last,
        "in {k} of last {n} cycles",
        "{k} lần trong {n} kỳ gần nhất",
        "history window: `held X in 2 of last 5 cycles`",
    ),
    kw(Rule::win_last, "last cycle", "kỳ trước", "history window: `held X last cycle`"),
    kw(Rule::kw_members, "members", "thành viên", "the members an aggregate runs over"),
    class(Class::Function, Rule::kw_share, "share", "tỷ lệ", "aggregate: share of members"),
    class(Class::Function, Rule::kw_count, "count", "số lượng", "aggregate: number of members"),
    class(Class::Function, Rule::kw_every, "all", "tất cả", "aggregate: every member"),
    class(Class::Function, Rule::kw_any, "any", "có ai", "aggregate: some member"),
    class(Class::Function, Rule::kw_none, "none", "không ai", "aggregate: no member"),
    class(Class::Function, Rule::kw_sum, "sum", "tổng", "aggregate: sum over members"),
    class(Class::Constant, Rule::kw_true, "true", "đúng", "the boolean true"),
    class(Class::Constant, Rule::kw_false, "false", "sai", "the boolean false"),
    // Workflows.
    decl(Rule::wf_workflow, "workflow", "quy trình", "the header of a workflow"),
    decl(Rule::wf_kw_role, "role", "vai trò", "a role"),
    decl(Rule::wf_kw_body, "body", "tập thể", "a voting body"),
    kw(
        Rule::wf_kw_members,
        "members",
        "thành viên",
        "a body of entities: `members kind within kind`",
    ),
    kw(Rule::wf_kw_within, "within", "trong", "the group a body's members share"),
    kw(Rule::wf_kw_roster, "roster", "danh sách", "a body whose members the admin registers"),
    decl(Rule::wf_kw_calendar, "calendar", "lịch", "the calendar of non-working days"),
    decl(Rule::wf_kw_weekend, "weekend", "nghỉ cuối tuần", "weekend days"),
    class(Class::Constant, Rule::wf_day_mon, "mon", "t2", "Monday (thứ hai)"),
    class(Class::Constant, Rule::wf_day_tue, "tue", "t3", "Tuesday (thứ ba)"),
    class(Class::Constant, Rule::wf_day_wed, "wed", "t4", "Wednesday (thứ tư)"),
    class(Class::Constant, Rule::wf_day_thu, "thu", "t5", "Thursday (thứ năm)"),
    class(Class::Constant, Rule::wf_day_fri, "fri", "t6", "Friday (thứ sáu)"),
    class(Class::Constant, Rule::wf_day_sat, "sat", "t7", "Saturday (thứ bảy)"),
    class(Class::Constant, Rule::wf_day_sun, "sun", "cn", "Sunday (chủ nhật)"),
    decl(Rule::wf_kw_holiday, "holiday", "ngày lễ", "a holiday"),
    decl(Rule::wf_kw_nominate, "nominate", "đề nghị", "who may open a proposal"),
    kw(
        Rule::wf_kw_by,
        "by",
        "bởi",
        "an actor: `nominate by`, `decide by`, `run by`, a transition's `by`",
    ),
    decl(Rule::wf_kw_stage, "stage", "bước", "a stage"),
    kw(Rule::wf_kw_start, "start", "bắt đầu", "the stage a proposal starts in"),
    kw(Rule::wf_kw_terminal, "terminal", "kết thúc", "a stage a proposal ends in"),
    decl(Rule::wf_kw_deadline, "deadline", "thời hạn", "a stage's deadline"),
    kw(
        Rule::wf_working_days,
        "working days",
        "ngày làm việc",
        "a deadline's unit: `deadline 10 working days` (`working day` for 1)",
    ),
    kw(Rule::wf_kw_threshold, "threshold", "ngưỡng", "a vote's threshold"),
    kw(
        Rule::wf_kw_award,
        "award",
        "theo khen thưởng",
        "`threshold award`: the award's own vote rule",
    ),
    kw(Rule::wf_kw_quorum, "quorum", "túc số", "a vote's quorum"),
    kw(Rule::wf_kw_written, "written", "bằng văn bản", "absent members may vote in writing"),
    kw(Rule::wf_kw_rounds, "rounds", "số vòng", "the number of vote rounds"),
    kw(Rule::wf_kw_decide, "decide", "quyết định", "a role decides: `decide by bloc_leader`"),
    kw(Rule::wf_kw_fail, "fail", "không đạt", "the proposal fails after the last round"),
    kw(Rule::wf_kw_tie, "tie", "khi hòa", "on a tie: `tie decide by chair`"),
    kw(
        Rule::wf_exclude,
        "exclude own",
        "không bỏ phiếu cho mình",
        "a member does not vote on its own proposal",
    ),
    kw(Rule::wf_kw_run, "run", "chủ trì", "the role that runs a vote: `run by secretary`"),
    decl(Rule::wf_kw_transition, "transition", "chuyển", "a transition between stages"),
    kw(Rule::wf_kw_on, "on", "khi", "a transition taken on a vote's outcome: `on passed`"),
    kw(Rule::wf_kw_passed, "passed", "thông qua", "the vote passed"),
    kw(Rule::wf_kw_failed, "failed", "không thông qua", "the vote failed"),
    decl(Rule::wf_kw_hook, "hook", "móc", "a rhai hook"),
    kw(Rule::wf_kw_guard, "guard", "điều kiện", "a hook that guards a transition"),
    kw(Rule::wf_kw_on_enter, "on_enter", "khi vào", "a hook run on entering a stage"),
    kw(Rule::wf_kw_on_exit, "on_exit", "khi ra", "a hook run on leaving a stage"),
    kw(Rule::wf_kw_tally, "tally", "kiểm phiếu", "a hook that tallies a vote"),
];

/// Grammar rules that are words of a phrase entry rather than entries of their own: the
/// English and Vietnamese pieces of history windows, `working days` and `exclude own`.
#[cfg(test)]
pub(crate) const PHRASE_PARTS: &[Rule] = &[
    Rule::kw_cycles,
    Rule::kw_consecutive,
    Rule::kw_last,
    Rule::vi_within,
    Rule::vi_consecutive_cycles,
    Rule::vi_times,
    Rule::vi_last_cycles,
    Rule::vi_last_cycle,
    Rule::wf_kw_working,
    Rule::wf_kw_days,
    Rule::vi_working_days,
    Rule::wf_kw_exclude,
    Rule::wf_kw_own,
    Rule::vi_exclude_own,
];

static BY_RULE: LazyLock<BTreeMap<Rule, &'static Keyword>> =
    LazyLock::new(|| KEYWORDS.iter().map(|k| (k.rule, k)).collect());

/// The table entry of a grammar rule, if it is a keyword or phrase.
pub(crate) fn entry(rule: Rule) -> Option<&'static Keyword> {
    BY_RULE.get(&rule).copied()
}

/// The language a keyword token is written in, from its text; `None` for rules without an
/// entry.
pub(crate) fn language_of(rule: Rule, text: &str) -> Option<Lang> {
    let k = entry(rule)?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let en: Vec<&str> = k.en.split_whitespace().collect();
    Some(if words == en { Lang::En } else { Lang::Vi })
}

/// The name of a Vietnamese-only phrase part, for "expected …" messages.
pub(crate) fn vi_part_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::vi_within => "`trong`",
        Rule::vi_consecutive_cycles => "`kỳ liên tiếp`",
        Rule::vi_times => "`K lần`",
        Rule::vi_last_cycles => "`kỳ gần nhất`",
        Rule::vi_last_cycle => "`kỳ trước`",
        Rule::vi_working_days => "`ngày làm việc`",
        Rule::vi_exclude_own => "`không bỏ phiếu cho mình`",
        _ => return None,
    })
}

/// The keyword set a file is written in, told by its first words (`bộ quy tắc`, `quy trình`
/// or anything else): for messages about a file that does not parse.
pub fn sniff_lang(text: &str) -> Lang {
    // Composed, so that a file typed with combining accents is still told Vietnamese.
    let (a, b) = first_words(text);
    let nfc = |w: Option<&str>| w.map(|w| w.nfc().collect::<String>());
    match (nfc(a).as_deref(), nfc(b).as_deref()) {
        (Some("bộ"), Some("quy")) | (Some("quy"), Some("trình")) => Lang::Vi,
        _ => Lang::En,
    }
}

/// The first two words of a file after comments.
pub(crate) fn first_words(text: &str) -> (Option<&str>, Option<&str>) {
    let mut rest = text.trim_start_matches('\u{FEFF}');
    loop {
        rest = rest.trim_start();
        if rest.starts_with("//") || rest.starts_with('#') {
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let mut words = rest.split_whitespace();
    (words.next(), words.next())
}

#[cfg(test)]
mod tests;
