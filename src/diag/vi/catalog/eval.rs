//! Evaluation (src/eval*).

/// Entries of this area, tried in order.
pub(super) const TEXTS: &[(&str, &str, &str)] = &[
    ("eval::no_cycle", "no cycle to evaluate", "không có chu kỳ để đánh giá"),
    (
        "eval::no_cycle",
        "name one with `{}`, or add `{}` to the rule set's header",
        "hãy chỉ định bằng `{0}`, hoặc thêm `{1}` vào phần đầu bộ quy tắc",
    ),
    (
        "eval::not_in_force",
        "this rule set is not in force on {}, the end of cycle {}",
        "bộ quy tắc này không có hiệu lực vào ngày {0}, ngày kết thúc chu kỳ {1}",
    ),
    (
        "eval::not_in_force",
        "a cycle is judged under the rules in force at its end; use the rule set for that period",
        "mỗi chu kỳ được xét theo quy tắc có hiệu lực vào cuối chu kỳ; hãy dùng bộ quy tắc của giai đoạn đó",
    ),
    (
        "eval::param_missing_value",
        "parameter `{}` has no value on {}, the end of cycle {}",
        "tham số `{0}` không có giá trị vào ngày {1}, ngày kết thúc chu kỳ {2}",
    ),
    (
        "eval::data_mismatch",
        "the data set was not loaded against this rule set",
        "bộ dữ liệu không được nạp theo bộ quy tắc này",
    ),
    ("eval::internal", "internal error: {}", "lỗi nội bộ: {0}"),
    (
        "eval::internal",
        "this is a bug in thidua (the checker should have caught it); please report it",
        "đây là lỗi của thidua (lẽ ra bước kiểm tra phải phát hiện); xin báo lại",
    ),
    (
        "eval::trace_mismatch",
        "internal error: the trace of `{}` for row {} does not reproduce the decision",
        "lỗi nội bộ: phần giải trình `{0}` của dòng {1} không tái tạo được quyết định",
    ),
    (
        "eval::trace_mismatch",
        "the data or the rule set changed since the evaluation, or this is a bug in thidua; evaluate again",
        "dữ liệu hoặc bộ quy tắc đã thay đổi sau lần đánh giá, hoặc đây là lỗi của thidua; hãy đánh giá lại",
    ),
    ("eval::division_by_zero", "division by zero", "chia cho 0"),
    (
        "eval::division_by_zero",
        "the divisor is 0 for this entity",
        "số chia bằng 0 với đối tượng này",
    ),
    (
        "eval::division_by_zero",
        "guard the formula, e.g. `{}`, or use `ratio`",
        "hãy bảo vệ công thức, ví dụ `{0}`, hoặc dùng `ratio`",
    ),
    (
        "eval::overflow",
        "the result is too large to represent exactly",
        "kết quả quá lớn, không biểu diễn chính xác được",
    ),
    (
        "eval::overflow",
        "numbers are exact decimals with {} significant digits; check the inputs for a typo",
        "số được tính chính xác với {0} chữ số có nghĩa; hãy kiểm tra dữ liệu đầu vào xem có gõ nhầm không",
    ),
];
