//! Vietnamese personal names and procuracy unit names for the sample generator.
//!
//! Family names carry rough population weights (per mille: Nguyễn about 38%, Trần 11%, Lê
//! 9.5%, …); middle and given names depend on gender, with "Văn" and "Thị" as the most common
//! middle names.

use super::Rng;

/// Family names; see [`FAMILY_WEIGHTS`] for how common each is (roughly per mille).
const FAMILY: [&str; 20] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Lương",
];

/// Weights of [`FAMILY`].
const FAMILY_WEIGHTS: [u32; 20] =
    [380, 110, 95, 70, 30, 20, 45, 25, 14, 21, 20, 14, 13, 13, 10, 5, 8, 6, 4, 4];

const MIDDLE_MALE: [&str; 14] = [
    "Đức", "Minh", "Quang", "Hữu", "Thành", "Ngọc", "Công", "Xuân", "Anh", "Tuấn", "Mạnh", "Việt",
    "Trọng", "Hoàng",
];

const MIDDLE_FEMALE: [&str; 12] = [
    "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Phương", "Thùy", "Mai", "Kim", "Bích", "Diệu", "Hoài",
];

const GIVEN_MALE: [&str; 32] = [
    "Hùng", "Dũng", "Tuấn", "Nam", "Hải", "Long", "Sơn", "Thắng", "Cường", "Quân", "Huy", "Trung",
    "Khánh", "Phong", "Đức", "Hiếu", "Tùng", "Bình", "Thành", "Kiên", "Minh", "Hoàng", "Duy",
    "Vinh", "Toàn", "Lâm", "Hưng", "Tâm", "Quang", "Phúc", "Đạt", "Thịnh",
];

const GIVEN_FEMALE: [&str; 32] = [
    "Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Hằng", "Nga", "Huyền", "Hà", "Ngọc",
    "Yến", "Nhung", "Thủy", "Vân", "Anh", "Phương", "Dung", "Loan", "Hạnh", "Thu", "Oanh", "Quỳnh",
    "Trinh", "Chi", "Giang", "Hiền", "Ly", "Nhàn", "Thư", "Hồng",
];

/// Append a full name (family, one or two middle names, given name) to `out`.
pub(super) fn push_full_name(rng: &mut Rng, female: bool, out: &mut String) {
    let family = FAMILY.get(rng.weighted(&FAMILY_WEIGHTS)).copied().unwrap_or("Nguyễn");
    out.push_str(family);
    out.push(' ');
    let (common, middles, givens) = if female {
        ("Thị", &MIDDLE_FEMALE[..], &GIVEN_FEMALE[..])
    } else {
        ("Văn", &MIDDLE_MALE[..], &GIVEN_MALE[..])
    };
    let middle = if rng.chance(45) { common } else { rng.pick(middles).copied().unwrap_or(common) };
    out.push_str(middle);
    out.push(' ');
    let mut given = rng.pick(givens).copied().unwrap_or("An");
    if given == middle {
        // "Nguyễn Thu Thu": take the next given name instead.
        let at = givens.iter().position(|g| *g == given).unwrap_or(0);
        given = givens.get((at + 1) % givens.len().max(1)).copied().unwrap_or("An");
    }
    if rng.chance(12) {
        // A second middle name: "Nguyễn Thị Thu Hương".
        let second = rng.pick(middles).copied().unwrap_or(common);
        if second != middle && second != given {
            out.push_str(second);
            out.push(' ');
        }
    }
    out.push_str(given);
}

/// Departments of a provincial procuracy, in the order used for the first cluster.
const DEPARTMENTS: [&str; 11] = [
    "Phòng Thực hành quyền công tố và kiểm sát điều tra án hình sự",
    "Phòng Thực hành quyền công tố và kiểm sát xét xử án hình sự",
    "Phòng Kiểm sát việc giải quyết các vụ, việc dân sự, hôn nhân và gia đình",
    "Văn phòng tổng hợp",
    "Phòng Kiểm sát việc giải quyết các vụ án hành chính, vụ việc kinh doanh, thương mại, lao động",
    "Phòng Kiểm sát thi hành án dân sự",
    "Phòng Kiểm sát việc tạm giữ, tạm giam và thi hành án hình sự",
    "Phòng Kiểm sát và giải quyết đơn khiếu nại, tố cáo trong hoạt động tư pháp",
    "Phòng Tổ chức cán bộ",
    "Thanh tra",
    "Phòng Thống kê tội phạm và công nghệ thông tin",
];

/// The name of cluster `c` (0-based) of `units` units each.
pub(super) fn cluster_name(c: u32, units: u32) -> String {
    if c == 0 {
        return String::from("Cụm 1 – Các phòng nghiệp vụ");
    }
    let first = u64::from(c - 1) * u64::from(units) + 1;
    let last = first + u64::from(units.max(1)) - 1;
    format!("Cụm {} – VKSND khu vực {first} đến {last}", u64::from(c) + 1)
}

/// The name of unit `u` (0-based) of cluster `c` (0-based) of `units` units each.
pub(super) fn unit_name(c: u32, u: u32, units: u32) -> String {
    if c == 0 {
        return match DEPARTMENTS.get(u as usize) {
            Some(name) => (*name).to_owned(),
            None => format!("Phòng nghiệp vụ {}", u64::from(u) + 1),
        };
    }
    format!("VKSND khu vực {}", u64::from(c - 1) * u64::from(units) + u64::from(u) + 1)
}
