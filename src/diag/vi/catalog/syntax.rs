//! Parsing rule and workflow files (src/syntax*).

/// Entries of this area, tried in order.
pub(super) const TEXTS: &[(&str, &str, &str)] = &[
    ("parse::syntax", "this string is not closed", "chuỗi này chưa được đóng"),
    ("parse::syntax", "the string starts here", "chuỗi bắt đầu từ đây"),
    (
        "parse::syntax",
        "close it with `{}` before the end of the line; strings do not span lines",
        "hãy đóng chuỗi bằng `{0}` trước khi hết dòng; một chuỗi không được kéo sang dòng sau",
    ),
    ("parse::syntax", "unexpected end of file", "tệp kết thúc khi chưa viết xong"),
    ("parse::syntax", "expected {l}, found end of file", "cần {0}, nhưng tệp đã kết thúc"),
    ("parse::syntax", "expected {l}, found end of line", "cần {0}, nhưng đã hết dòng"),
    ("parse::syntax", "expected {l}, found {}", "cần {0}, nhưng gặp {1}"),
    ("parse::syntax", "expected {l} after this", "cần {0} sau chỗ này"),
    ("parse::syntax", "expected {l}", "cần {0}"),
    ("parse::syntax", "unexpected {l}", "không được có {0} ở đây"),
    (
        "parse::syntax",
        "`{}` is typed here with combining accents (Unicode NFD), which the keyword does not \
         match; keywords are matched composed (NFC): save the file as NFC, e.g. with `uconv -x \
         any-nfc` or your editor's Unicode normalisation",
        "`{0}` ở đây được gõ bằng dấu tổ hợp (Unicode NFD) nên không khớp từ khóa; từ khóa được \
         so ở dạng dựng sẵn (NFC): hãy lưu tệp ở dạng NFC, ví dụ bằng `uconv -x any-nfc` hoặc \
         chức năng chuẩn hóa Unicode của trình soạn thảo",
    ),
    (
        "parse::syntax",
        "this file has letters typed with combining accents (Unicode NFD); keywords are matched \
         composed (NFC): save the file as NFC, e.g. with `uconv -x any-nfc` or your editor's \
         Unicode normalisation",
        "tệp này có chữ được gõ bằng dấu tổ hợp (Unicode NFD); từ khóa được so ở dạng dựng sẵn \
         (NFC): hãy lưu tệp ở dạng NFC, ví dụ bằng `uconv -x any-nfc` hoặc chức năng chuẩn hóa \
         Unicode của trình soạn thảo",
    ),
    ("parse::syntax", "not expected here", "không được viết ở đây"),
    (
        "parse::syntax",
        "a `{` is not closed; every `{` needs a matching `}`",
        "có dấu `{` chưa được đóng; mỗi dấu `{` cần một dấu `}` tương ứng",
    ),
    ("parse::syntax", "a rule file starts with `{}`", "tệp quy tắc phải bắt đầu bằng `{0}`"),
    ("parse::syntax", "a workflow file starts with `{}`", "tệp quy trình phải bắt đầu bằng `{0}`"),
    (
        "parse::syntax",
        "to compare, write `==`; a single `=` only starts a formula",
        "để so sánh, hãy viết `==`; một dấu `=` chỉ dùng để mở đầu công thức",
    ),
    (
        "parse::syntax",
        "`{}` is a keyword; choose another name, e.g. `{}`",
        "`{0}` là từ khóa; hãy chọn tên khác, ví dụ `{1}`",
    ),
    (
        "parse::syntax",
        "a requirement reads `{}`; the label and basis are optional",
        "một điều kiện được viết `{0}`; nhãn và căn cứ có thể bỏ trống",
    ),
    (
        "parse::syntax",
        "an award's body holds {l} statements",
        "phần thân của một khen thưởng gồm các câu lệnh {0}",
    ),
    (
        "parse::syntax",
        "top-level declarations start with {l}",
        "các khai báo ở cấp ngoài cùng bắt đầu bằng {0}",
    ),
    (
        "parse::syntax",
        "dates are written `YYYY-MM-DD`, e.g. `{}`",
        "ngày được viết theo dạng `YYYY-MM-DD`, ví dụ `{0}`",
    ),
    (
        "parse::too_deep",
        "this nests too deeply: more than {} levels of brackets, operators or groups",
        "lồng nhau quá sâu: quá {0} cấp ngoặc, phép toán hoặc nhóm",
    ),
    ("parse::too_deep", "too deep from here on", "quá sâu kể từ đây"),
    (
        "parse::too_deep",
        "split it up, e.g. name parts of a condition as marks",
        "hãy tách nhỏ, ví dụ đặt tên cho từng phần của điều kiện bằng `mark`",
    ),
    (
        "parse::internal",
        "internal error while reading the rule file: {}",
        "lỗi nội bộ khi đọc tệp quy tắc: {0}",
    ),
    (
        "parse::internal",
        "this is a bug in thidua; please report it with the rule file",
        "đây là lỗi của thidua; xin báo lại kèm theo tệp quy tắc",
    ),
    ("parse::bad_number", "cycle number is too large", "năm của chu kỳ quá lớn"),
    ("parse::bad_number", "number of cycles is too large", "số chu kỳ quá lớn"),
    (
        "parse::bad_number",
        "history windows are counted in cycles (years); use at most {}",
        "khoảng lịch sử được tính theo chu kỳ (năm); dùng tối đa {0}",
    ),
    (
        "parse::bad_number",
        "`{}` is not a number thidua can represent",
        "`{0}` không phải là số mà thidua biểu diễn được",
    ),
    (
        "parse::bad_number",
        "numbers have at most {} significant digits",
        "số có tối đa {0} chữ số có nghĩa",
    ),
    (
        "parse::bad_number",
        "write a quorum such as `{}` or `{}`",
        "hãy viết tỷ lệ tham dự tối thiểu như `{0}` hoặc `{1}`",
    ),
    (
        "parse::bad_date",
        "`{}` is not a calendar date",
        "`{0}` không phải là ngày có thật trên lịch",
    ),
    (
        "parse::bad_date",
        "dates are written `YYYY-MM-DD`; check the month and the day of the month",
        "ngày được viết theo dạng `YYYY-MM-DD`; hãy kiểm tra tháng và ngày trong tháng",
    ),
];
