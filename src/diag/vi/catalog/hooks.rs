//! Hooks (src/hooks*).

/// Entries of this area, tried in order.
pub(super) const TEXTS: &[(&str, &str, &str)] = &[
    (
        "hook::internal",
        "hook `{}` could not be compiled: {x}",
        "không biên dịch được hook `{0}`: {1}",
    ),
    (
        "hook::internal",
        "this is a bug in thidua or rhai; please report it",
        "đây là lỗi của thidua hoặc rhai; xin báo lại",
    ),
    (
        "hook::internal",
        "too many hooks: `{}` cannot be added",
        "quá nhiều hook: không thêm được `{0}`",
    ),
    ("hook::syntax@message", "syntax error in hook `{}`: {x}", "lỗi cú pháp trong hook `{0}`: {1}"),
    // The label repeats the script engine's own message (translated when it is one of ours).
    ("hook::syntax@label", "{x}", "{0}"),
    (
        "hook::syntax",
        "hooks cannot run code built from strings; write the code in the hook itself",
        "hook không được chạy mã dựng từ chuỗi; hãy viết mã ngay trong hook",
    ),
    (
        "hook::syntax",
        "hooks cannot catch errors; an error ends the hook and is reported with the workflow, so check values before using them instead",
        "hook không bắt được lỗi; một lỗi sẽ kết thúc hook và được báo cùng quy trình, vì vậy hãy kiểm tra giá trị trước khi dùng",
    ),
    (
        "hook::syntax",
        "put every function the hook needs in the hook's own file",
        "hãy đặt mọi hàm mà hook cần vào chính tệp của hook",
    ),
    (
        "hook::syntax",
        "hooks cannot define methods; pass the value as a parameter instead",
        "hook không định nghĩa được phương thức; hãy truyền giá trị qua tham số",
    ),
    (
        "hook::syntax",
        "a hook function can use only its parameters and variables it declares with `let`; there are no global variables",
        "hàm trong hook chỉ dùng được tham số của nó và các biến khai báo bằng `let`; không có biến toàn cục",
    ),
    (
        "hook::syntax",
        "split the expression into smaller steps with `let`",
        "hãy tách biểu thức thành các bước nhỏ hơn bằng `let`",
    ),
    (
        "hook::syntax",
        "a hook may define at most {} functions",
        "mỗi hook định nghĩa tối đa {0} hàm",
    ),
    (
        "hook::missing_function",
        "hook `{}` does not define `fn {}`",
        "hook `{0}` không định nghĩa `fn {1}`",
    ),
    (
        "hook::missing_function",
        "a `{}` hook must define `fn {}` with {p} (it defines no functions)",
        "hook `{0}` phải định nghĩa `fn {1}` với {2} (hook này chưa định nghĩa hàm nào)",
    ),
    (
        "hook::missing_function",
        "a `{}` hook must define `fn {}` with {p} (it defines {l})",
        "hook `{0}` phải định nghĩa `fn {1}` với {2} (hook này định nghĩa {3})",
    ),
    (
        "hook::missing_function",
        "`fn {}` in hook `{}` takes {l}, but must take {p}",
        "`fn {0}` trong hook `{1}` nhận {2}, nhưng phải nhận {3}",
    ),
    ("hook::missing_function", "defined here", "định nghĩa tại đây"),
    ("hook::missing_function", "give `fn {}` exactly {p}", "hãy cho `fn {0}` nhận đúng {1}"),
    (
        "hook::limit",
        "hook `{}` performed too many operations",
        "hook `{0}` thực hiện quá nhiều phép tính",
    ),
    ("hook::limit", "operation limit reached here", "đạt giới hạn số phép tính tại đây"),
    (
        "hook::limit",
        "a hook call may perform only a limited number of operations (`max_operations`); look for a loop that never ends, or do less work per call",
        "mỗi lần gọi hook chỉ được thực hiện một số phép tính có hạn (`max_operations`); hãy tìm vòng lặp không bao giờ dừng, hoặc giảm khối lượng việc trong mỗi lần gọi",
    ),
    ("hook::limit", "hook `{}` ran out of time", "hook `{0}` chạy quá thời gian cho phép"),
    (
        "hook::limit",
        "still running here when time ran out",
        "vẫn đang chạy tại đây khi hết thời gian",
    ),
    (
        "hook::limit",
        "a hook call must finish within its time limit (`wall_clock`); look for a loop that never ends, or do less work per call",
        "mỗi lần gọi hook phải xong trong thời hạn (`wall_clock`); hãy tìm vòng lặp không bao giờ dừng, hoặc giảm khối lượng việc trong mỗi lần gọi",
    ),
    (
        "hook::limit",
        "hook `{}` nested function calls too deeply",
        "hook `{0}` gọi hàm lồng nhau quá sâu",
    ),
    ("hook::limit", "call depth limit reached here", "đạt giới hạn độ sâu lời gọi hàm tại đây"),
    (
        "hook::limit",
        "function calls may nest only a few levels (`max_call_levels`); look for recursion that never stops, or use a loop instead",
        "lời gọi hàm chỉ được lồng vài cấp (`max_call_levels`); hãy tìm chỗ đệ quy không bao giờ dừng, hoặc dùng vòng lặp thay thế",
    ),
    (
        "hook::limit",
        "hook `{}` built a value that is too large",
        "hook `{0}` tạo ra giá trị quá lớn",
    ),
    ("hook::limit", "size limit reached here", "đạt giới hạn kích thước tại đây"),
    (
        "hook::limit",
        "strings (`max_string_size`), arrays (`max_array_size`), maps (`max_map_size`) and the number of variables are limited; build smaller values",
        "chuỗi (`max_string_size`), mảng (`max_array_size`), bảng ánh xạ (`max_map_size`) và số biến đều có giới hạn; hãy tạo các giá trị nhỏ hơn",
    ),
    ("hook::runtime", "hook `{}` failed: {x}", "hook `{0}` bị lỗi: {1}"),
    ("hook::runtime", "failed here", "lỗi tại đây"),
    (
        "hook::runtime",
        "the script stopped with this error; fix the script or the data it was given",
        "tập lệnh dừng vì lỗi này; hãy sửa tập lệnh hoặc dữ liệu đưa vào",
    ),
    (
        "hook::runtime",
        "hooks take and return only `()`, booleans, numbers, strings, arrays and maps, nested at most {} levels",
        "hook chỉ nhận và trả về `()`, giá trị đúng/sai, số, chuỗi, mảng và bảng ánh xạ, lồng nhau tối đa {0} cấp",
    ),
];
