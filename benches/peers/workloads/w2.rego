# W2, weighted scoring, in Rego: the same criteria tree, bonus, penalty, grade bands and
# dated thresholds as `w2.rules`.
#
# `decision` scores `input.unit` for `input.cycle`; `batch` scores every unit in
# `data.units` for `input.cycle`. Both return [score, grade, eligible] per unit, grade 0
# trung_binh, 1 kha, 2 tot, 3 xuat_sac. A unit has its inputs as numbers (xep_loai as its
# position: 0 KHT … 3 HTXS) and `co_nganh`, `ldxs`: the years it held those awards.
package w2

import rego.v1

# Dated parameters: the value in force at the end of the cycle.
ty_le_giai_quyet := 0.85 if input.cycle <= 2024

ty_le_giai_quyet := 0.9 if input.cycle >= 2025

ty_le_khang_nghi := 0.7

diem_toi_thieu := 80 if input.cycle <= 2024

diem_toi_thieu := 85 if input.cycle >= 2025

decision := decide(input.unit)

batch := [decide(u) | some u in data.units]

# Two decimals, midpoints away from zero. Rego numbers are binary floats: a value that is
# exactly a midpoint in decimal (0.035) may be stored just below it, so it is nudged by a
# ten-millionth of a hundredth first, which exact decimal arithmetic would not need.
round2(x) := round((x * 100) + 0.0000001) / 100 if x >= 0

round2(x) := round((x * 100) - 0.0000001) / 100 if x < 0

clamp(x, hi) := min([max([x, 0]), hi])

ratio_points(mx, _, target) := mx if target <= 0

ratio_points(mx, actual, target) := mx * min([max([actual / target, 0]), 1]) if target > 0

pass_points(mx, true) := mx

pass_points(_, false) := 0

held(years, y) := true if {
	y in years
} else := false

ldxs_count(u) := count([y | some y in [input.cycle - 2, input.cycle - 1, input.cycle]; y in u.ldxs])

grade_of(t) := 3 if t >= 90

grade_of(t) := 2 if {
	t < 90
	t >= 75
}

grade_of(t) := 1 if {
	t < 75
	t >= 60
}

grade_of(t) := 0 if t < 60

eligible(u, total, grade) := true if {
	not u.bi_khieu_nai
	total >= diem_toi_thieu
	grade >= 2
	u.xep_loai >= 2
} else := false

decide(u) := [total, grade, eligible(u, total, grade)] if {
	giai_quyet := round2(ratio_points(15, u.tin_bao_giai_quyet, u.tin_bao_thu_ly * ty_le_giai_quyet))
	khong_tra := pass_points(12, u.an_tra_ho_so == 0)
	han_che := round2(clamp(6 - (1.5 * u.an_tra_ho_so), 6))
	quy_mo := round2(clamp(u.vu_an_thu_ly / 60, 4))
	cong_to := round2(clamp(((giai_quyet * 1.2) + khong_tra + han_che) + quy_mo, 40))

	khong_huy := pass_points(15, u.an_huy == 0)
	khang_nghi := round2(ratio_points(12, u.khang_nghi_chap_nhan, u.khang_nghi * ty_le_khang_nghi))
	kien_nghi := round2(clamp(1.5 * u.kien_nghi, 10))
	xet_xu := round2(clamp((khong_huy + (khang_nghi * 1.25)) + kien_nghi, 40))

	mo_hinh := pass_points(10, u.mo_hinh_moi)
	ky_luat := round2(clamp(10 - (4 * u.vi_pham_ky_luat), 10))
	tot := pass_points(5, u.xep_loai >= 2)
	xay_dung := round2(clamp((mo_hinh + ky_luat) + tot, 25))

	base := round2(clamp((cong_to + round2(xet_xu * 0.875)) + xay_dung, 100))
	co_nam_truoc := pass_points(5, held(u.co_nganh, input.cycle - 1))
	ldxs := pass_points(2, ldxs_count(u) >= 2)
	penalty := round2(clamp(3 * u.vi_pham_ky_luat, 12))
	total := round2(max([((base + co_nam_truoc) + ldxs) - penalty, 0]))
	grade := grade_of(total)
}
