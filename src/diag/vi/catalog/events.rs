//! Texts the workflow engine records in the log (src/workflow/engine*), under the
//! pseudo-code `event`: tally reasons and guard results. Vote rules are phrases (below).

/// Entries of this area, tried in order.
pub(super) const TEXTS: &[(&str, &str, &str)] = &[
    ("event", "{} for of {} members — {x}", "{0} phiếu tán thành trên {1} thành viên — {2}"),
    (
        "event",
        "{} for of {} votes cast — {x}",
        "{0} phiếu tán thành trên {1} phiếu biểu quyết — {2}",
    ),
    (
        "event",
        "quorum not met: {} of {} present, {} needed",
        "không đủ túc số: {0}/{1} thành viên có mặt, cần {2}",
    ),
    ("event", "tally hook {} ({x}): passed", "hook kiểm phiếu {0} ({1}): thông qua"),
    ("event", "tally hook {} ({x}): failed", "hook kiểm phiếu {0} ({1}): không thông qua"),
    (
        "event",
        "tie: {} for, {} against; `{}` decides",
        "hòa: {0} tán thành, {1} không tán thành; `{2}` quyết định",
    ),
    ("event", "hook {}: allowed", "hook {0}: cho phép"),
];
