# W3, council vote tally, in Rego: the thresholds of `w3.rules` (80% and 90% of all
# members) and the quorum of `w3.wf` (two thirds of the members present; absent members may
# vote in writing, which counts towards the threshold but not the quorum).
#
# A proposal is {"members": n, "ballots": [{"choice": 0 for | 1 against | 2 abstain,
# "written": bool}]}. `decision` tallies `input`; `batch` tallies every proposal in
# `data.proposals`. Each answer is [outcome at 80%, outcome at 90%]: 0 no quorum, 1 failed,
# 2 passed. Shares are compared in whole numbers (3 × present ≥ 2 × members), since binary
# floats cannot hold 2/3 or 0.8 exactly.
package w3

import rego.v1

decision := decide(input)

batch := [decide(p) | some p in data.proposals]

decide(p) := [outcome(quorum, votes_for, p.members, 80), outcome(quorum, votes_for, p.members, 90)] if {
	present := count([b | some b in p.ballots; not b.written])
	quorum := (present * 3) >= (p.members * 2)
	votes_for := count([b | some b in p.ballots; b.choice == 0])
}

outcome(false, _, _, _) := 0

outcome(true, votes_for, members, pct) := 2 if (votes_for * 100) >= (pct * members)

outcome(true, votes_for, members, pct) := 1 if (votes_for * 100) < (pct * members)
