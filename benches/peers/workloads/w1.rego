# W1, eligibility gate, in Rego: the same five awards and 21 conditions as `w1.rules`.
#
# A candidate is an object: ratings as positions in their declared order (xep_loai: 0 KHT …
# 3 HTXS; ky_luat: 0 khong, 1 khien_trach, …; sang_kien: 0 khong, 1 co_so, 2 nganh, …),
# `ngay` = [year, month, day] of recruitment, `history` = {fact: [years]}.
# `decision` decides `input`; `batch` decides every candidate in `data.candidates`. Both
# return [lao_dong_tien_tien, cstdcs, cstd_nganh, bang_khen_vkstc, giay_khen].
package w1

import rego.v1

cycle := 2025

cycle_end := [2025, 12, 31]

thang_cong_tac_toi_thieu := 6

nam_cong_tac_cstd_nganh := 5

decision := decide(input)

batch := [decide(c) | some c in data.candidates]

decide(c) := [l, s, n, b, g] if {
	l := ldtt(c)
	s := cstdcs(c, l)
	n := cstd_nganh(c, s)
	b := bang_khen_vkstc(c, s)
	g := giay_khen(c, s, b)
}

held_in(c, fact, year) if year in c.history[fact]

raw_months(a, b) := ((b[0] - a[0]) * 12 + b[1]) - a[1]

# Whole months from a to b, as thidua's months_between.
months_between(a, b) := m - 1 if {
	m := raw_months(a, b)
	m > 0
	b[2] < a[2]
} else := m + 1 if {
	m := raw_months(a, b)
	m < 0
	b[2] > a[2]
} else := raw_months(a, b)

# Whole years: months divided by 12, truncated towards zero.
years_between(a, b) := (m - (m % 12)) / 12 if m := months_between(a, b)

ldtt_disqualified(c) if c.thang_nghi >= 3

ldtt_disqualified(c) if c.ky_luat >= 1

ldtt_disqualified(c) if c.dang_xem_xet

ldtt(c) := true if {
	not ldtt_disqualified(c)
	c.xep_loai >= 2
	months_between(c.ngay, cycle_end) >= thang_cong_tac_toi_thieu
} else := false

htxs_or_initiative(c) if c.xep_loai == 3

htxs_or_initiative(c) if c.sang_kien >= 1

# held lao_dong_tien_tien for 2 consecutive cycles: this cycle (ldtt_now) and the last.
cstdcs(c, ldtt_now) := true if {
	not c.dang_xem_xet
	ldtt_now
	htxs_or_initiative(c)
	held_in(c, "lao_dong_tien_tien", cycle - 1)
} else := false

cstd_nganh(c, cstdcs_now) := true if {
	cstdcs_now
	held_in(c, "cstdcs", cycle - 1)
	held_in(c, "cstdcs", cycle - 2)
	c.sang_kien >= 2
	years_between(c.ngay, cycle_end) >= nam_cong_tac_cstd_nganh
} else := false

bk_chain(c, cstdcs_now) if {
	cstdcs_now
	held_in(c, "cstdcs", cycle - 1)
}

bk_chain(c, _) if {
	c.xep_loai == 3
	held_in(c, "htxs", cycle - 1)
	c.sang_kien >= 1
}

bang_khen_vkstc(c, cstdcs_now) := true if {
	not c.dang_xem_xet
	c.ky_luat < 1
	bk_chain(c, cstdcs_now)
	not held_in(c, "bang_khen_vkstc", cycle - 1)
} else := false

htt_now(c) := 1 if c.xep_loai >= 2 else := 0

# held htt_tro_len in 2 of last 3 cycles (this one included).
htt_count(c) := (htt_now(c) + count([y | some y in [cycle - 2, cycle - 1]; held_in(c, "htt_tro_len", y)]))

giay_khen(c, cstdcs_now, bk_now) := true if {
	c.ky_luat < 1
	c.thang_nghi < 3
	c.xep_loai == 3
	not cstdcs_now
	not bk_now
	htt_count(c) >= 2
} else := false
