//! Checking workflow files (src/workflow/check.rs).

/// Entries of this area, tried in order.
pub(super) const TEXTS: &[(&str, &str, &str)] = &[
    ("flow::internal", "the workflow could not be built", "không dựng được quy trình"),
    ("flow::duplicate", "{p} `{}` is declared twice", "{0} `{1}` được khai báo hai lần"),
    ("flow::duplicate", "the calendar is declared twice", "lịch làm việc được khai báo hai lần"),
    ("flow::duplicate", "merge the two calendars into one", "hãy gộp hai lịch thành một"),
    ("flow::duplicate", "`nominate by` is stated twice", "`nominate by` được ghi hai lần"),
    ("flow::duplicate", "a stage has one deadline", "mỗi bước chỉ có một thời hạn"),
    ("flow::duplicate", "a stage holds one vote", "mỗi bước chỉ tổ chức một cuộc biểu quyết"),
    ("flow::duplicate", "split it into two stages", "hãy tách thành hai bước"),
    (
        "flow::duplicate",
        "give each transition its own name",
        "hãy đặt cho mỗi bước chuyển một tên riêng",
    ),
    (
        "flow::duplicate",
        "a transition follows one vote outcome",
        "mỗi bước chuyển chỉ đi theo một kết quả biểu quyết",
    ),
    ("flow::duplicate", "keep one `on`", "hãy giữ lại một `on`"),
    (
        "flow::not_ancestor",
        "members vote within a kind they belong to, e.g. `{}`",
        "các thành viên biểu quyết trong phạm vi loại đối tượng mà họ thuộc về, ví dụ `{0}`",
    ),
    (
        "flow::not_ancestor",
        "proposals for `{}` do not belong to a `{}`",
        "các đề nghị cho `{0}` không thuộc về một `{1}`",
    ),
    (
        "flow::not_ancestor",
        "the electorate is found through the proposal's own group",
        "danh sách người bỏ phiếu được xác định qua nhóm của chính đề nghị",
    ),
    ("flow::bad_day", "`{}` is not a weekday", "`{0}` không phải là một ngày trong tuần"),
    (
        "flow::bad_range",
        "this holiday ends before it starts",
        "ngày nghỉ này kết thúc trước khi bắt đầu",
    ),
    (
        "flow::no_nominator",
        "the workflow does not say who may nominate",
        "quy trình không nêu ai được đề nghị",
    ),
    (
        "flow::start_terminal",
        "stage `{}` cannot both start and end the workflow",
        "bước `{0}` không thể vừa mở đầu vừa kết thúc quy trình",
    ),
    (
        "flow::start_terminal",
        "a proposal must be able to move; remove `terminal` or `start`",
        "đề nghị phải chuyển được sang bước khác; hãy bỏ `terminal` hoặc `start`",
    ),
    (
        "flow::terminal_body",
        "terminal stage `{}` cannot hold a vote or a deadline",
        "bước kết thúc `{0}` không thể có biểu quyết hay thời hạn",
    ),
    (
        "flow::terminal_body",
        "nothing happens after a terminal stage",
        "không có gì diễn ra sau bước kết thúc",
    ),
    ("flow::no_start", "no stage is marked `start`", "không có bước nào được đánh dấu `start`"),
    (
        "flow::no_start",
        "mark the stage where proposals begin: `{}`",
        "hãy đánh dấu bước mà đề nghị bắt đầu: `{0}`",
    ),
    (
        "flow::many_starts",
        "a workflow has exactly one start stage",
        "mỗi quy trình có đúng một bước bắt đầu",
    ),
    ("flow::many_starts", "first start stage", "bước bắt đầu thứ nhất"),
    (
        "flow::many_starts",
        "remove `start` from all but one stage",
        "hãy bỏ `start` ở tất cả các bước, chỉ giữ lại một",
    ),
    (
        "flow::on_and_by",
        "transition `{}` is both automatic (`on`) and manual (`by`)",
        "bước chuyển `{0}` vừa tự động (`on`) vừa thủ công (`by`)",
    ),
    (
        "flow::on_and_by",
        "a vote's outcome moves the proposal by itself; remove `by`",
        "kết quả biểu quyết tự chuyển đề nghị đi; hãy bỏ `by`",
    ),
    (
        "flow::nobody",
        "nobody may take transition `{}`",
        "không ai được thực hiện bước chuyển `{0}`",
    ),
    (
        "flow::nobody",
        "add `by ROLE`, or `on passed`/`on failed` after a vote",
        "hãy thêm `by ROLE`, hoặc `on passed`/`on failed` sau một cuộc biểu quyết",
    ),
    (
        "flow::on_without_vote",
        "stage `{}` holds no vote, so there is no outcome to follow",
        "bước `{0}` không có biểu quyết, nên không có kết quả để đi theo",
    ),
    (
        "flow::on_without_vote",
        "add a `vote` to the stage, or take the transition `by` a role",
        "hãy thêm `vote` vào bước này, hoặc giao bước chuyển cho một vai trò bằng `by`",
    ),
    (
        "flow::from_terminal",
        "`{}` is terminal: nothing leaves it",
        "`{0}` là bước kết thúc: không có gì đi ra từ đó",
    ),
    (
        "flow::from_terminal",
        "remove `terminal` from the stage or remove the transition",
        "hãy bỏ `terminal` khỏi bước này hoặc bỏ bước chuyển",
    ),
    (
        "flow::tally_without_vote",
        "stage `{}` holds no vote to tally",
        "bước `{0}` không có biểu quyết để kiểm phiếu",
    ),
    (
        "flow::tally_without_vote",
        "attach `tally` hooks to vote stages",
        "hãy gắn hook `tally` vào các bước có biểu quyết",
    ),
    ("flow::hook_missing", "cannot read hook `{}`: {x}", "không đọc được hook `{0}`: {1}"),
    (
        "flow::hook_missing",
        "hook paths are relative to the workflow file",
        "đường dẫn hook được tính từ thư mục chứa tệp quy trình",
    ),
    (
        "flow::bad_threshold",
        "a threshold is a share above 0% and at most 100%",
        "ngưỡng là tỷ lệ lớn hơn 0% và không quá 100%",
    ),
    ("flow::bad_threshold", "e.g. `{}` ({})", "ví dụ `{0}` ({1})"),
    (
        "flow::no_threshold",
        "the vote of `{}` has no threshold",
        "cuộc biểu quyết của `{0}` không có ngưỡng",
    ),
    (
        "flow::no_threshold",
        "add `{}`, or `{}` to use the award's own rule",
        "hãy thêm `{0}`, hoặc `{1}` để dùng quy định biểu quyết của chính khen thưởng",
    ),
    (
        "flow::no_runner",
        "nobody is named to open and close this vote",
        "chưa chỉ định ai mở và kết thúc cuộc biểu quyết này",
    ),
    (
        "flow::bad_rounds",
        "a vote needs at least one round",
        "mỗi cuộc biểu quyết cần ít nhất một vòng",
    ),
    ("flow::bad_rounds", "write `rounds 1` or more", "hãy viết `rounds 1` trở lên"),
    (
        "flow::no_terminal",
        "no stage is marked `terminal`",
        "không có bước nào được đánh dấu `terminal`",
    ),
    (
        "flow::no_terminal",
        "mark where proposals end: `{}`",
        "hãy đánh dấu nơi đề nghị kết thúc: `{0}`",
    ),
    (
        "flow::unreachable",
        "stage `{}` cannot be reached from the start",
        "không thể đi tới bước `{0}` từ bước bắt đầu",
    ),
    ("flow::unreachable", "no path leads here", "không có đường nào dẫn tới đây"),
    (
        "flow::unreachable",
        "add a transition into it, or remove it",
        "hãy thêm một bước chuyển dẫn vào bước này, hoặc bỏ bước này",
    ),
    (
        "flow::dead_end",
        "a proposal in `{}` can never finish",
        "đề nghị ở bước `{0}` không bao giờ kết thúc được",
    ),
    ("flow::dead_end", "no path to a terminal stage", "không có đường tới bước kết thúc"),
    (
        "flow::dead_end",
        "add a transition towards a terminal stage such as `{}`",
        "hãy thêm một bước chuyển hướng tới bước kết thúc, ví dụ `{0}`",
    ),
    (
        "flow::vote_unwired",
        "the vote in `{}` has no transition `on {}`",
        "cuộc biểu quyết ở `{0}` không có bước chuyển `on {1}`",
    ),
    (
        "flow::vote_ambiguous",
        "the vote in `{}` has {} transitions `on {}`",
        "cuộc biểu quyết ở `{0}` có {1} bước chuyển `on {2}`",
    ),
    (
        "flow::vote_ambiguous",
        "keep one; a vote's outcome leads to one place",
        "hãy giữ lại một; mỗi kết quả biểu quyết chỉ dẫn tới một nơi",
    ),
];
