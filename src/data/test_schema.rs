//! A hand-built [`Schema`] mirroring `rules/vksnd_tinh.rules` (its enums, entities and facts),
//! for tests written before the checker could build one from the rule file.

use rust_decimal::Decimal;

use crate::model::{
    EnumDef, EnumId, FactDef, FactKind, FieldDef, KindDef, KindId, Schema, Type, Value,
};

/// The schema of `rules/vksnd_tinh.rules`.
pub(crate) fn vksnd_schema() -> Schema {
    let enums = vec![
        enum_def("xep_loai", &["KHT", "HT", "HTT", "HTXS"]),
        enum_def(
            "ky_luat",
            &["khong", "khien_trach", "canh_cao", "ha_bac", "cach_chuc", "buoc_thoi_viec"],
        ),
        enum_def("cap_sang_kien", &["khong", "co_so", "nganh", "toan_quoc"]),
    ];
    let (xep_loai, ky_luat, sang_kien) =
        (Type::Enum(EnumId(0)), Type::Enum(EnumId(1)), Type::Enum(EnumId(2)));
    let kinds = vec![
        KindDef {
            name: "cum".into(),
            label: Some("Cụm thi đua".into()),
            parent: None,
            fields: vec![field("ten", Type::Text, None)],
        },
        KindDef {
            name: "don_vi".into(),
            label: Some("Đơn vị".into()),
            parent: Some(KindId(0)),
            fields: vec![
                field("ten", Type::Text, None),
                field("xep_loai", xep_loai, None),
                field("tin_bao_thu_ly", Type::Integer, None),
                field("tin_bao_giai_quyet", Type::Integer, None),
                field("vu_an_thu_ly", Type::Integer, None),
                field("an_tra_ho_so", Type::Integer, None),
                field("an_huy", Type::Integer, None),
                field("khang_nghi", Type::Integer, None),
                field("khang_nghi_chap_nhan", Type::Integer, None),
                field("kien_nghi", Type::Integer, None),
                field("mo_hinh_moi", Type::Bool, None),
                field("vi_pham_ky_luat", Type::Integer, None),
                field("bi_khieu_nai", Type::Bool, None),
            ],
        },
        KindDef {
            name: "can_bo".into(),
            label: Some("Cán bộ, công chức".into()),
            parent: Some(KindId(1)),
            fields: vec![
                field("ho_ten", Type::Text, None),
                field("nu", Type::Bool, None),
                field("ngay_tuyen_dung", Type::Date, None),
                field("thang_nghi", Type::Integer, Some(Value::Num(Decimal::ZERO))),
                field("xep_loai", xep_loai, None),
                field("ky_luat", ky_luat, Some(Value::Enum(0))),
                field("dang_xem_xet", Type::Bool, Some(Value::Bool(false))),
                field("sang_kien", sang_kien, Some(Value::Enum(0))),
            ],
        },
    ];
    let (can_bo, don_vi) = (KindId(2), KindId(1));
    let facts = vec![
        fact("htxs", FactKind::Mark, can_bo),
        fact("htt_tro_len", FactKind::Mark, can_bo),
        fact("bang_khen_ttg", FactKind::Extern, can_bo),
        fact("co_thi_dua_cp", FactKind::Extern, don_vi),
        fact("lao_dong_tien_tien", FactKind::Title, can_bo),
        fact("cstdcs", FactKind::Title, can_bo),
        fact("cstd_nganh", FactKind::Title, can_bo),
        fact("bang_khen_vkstc", FactKind::Commendation, can_bo),
        fact("giay_khen", FactKind::Commendation, can_bo),
        fact("tap_the_ldtt", FactKind::Title, don_vi),
        fact("tap_the_ldxs", FactKind::Title, don_vi),
        fact("co_thi_dua_nganh", FactKind::Title, don_vi),
        fact("giay_khen_tap_the", FactKind::Commendation, don_vi),
    ];
    Schema { enums, kinds, facts }
}

fn enum_def(name: &str, variants: &[&str]) -> EnumDef {
    EnumDef {
        name: name.into(),
        label: None,
        ordered: true,
        variants: variants.iter().map(|v| ((*v).to_owned(), None)).collect(),
    }
}

fn field(name: &str, ty: Type, default: Option<Value>) -> FieldDef {
    FieldDef { name: name.into(), label: None, ty, default }
}

fn fact(name: &str, kind: FactKind, entity: KindId) -> FactDef {
    FactDef { name: name.into(), label: None, kind, entity }
}
