/** 5xx answers to one op (while the remote answers others) before it is shown as failing on the server. */
export const MAX_SERVER_FAILURES = 5;

/**
 * Whether a run of 5xx on one op means the server cannot do that op, rather than a server that
 * fails at random: the op failed MAX_SERVER_FAILURES times in a row, the remote answered other
 * requests meanwhile, and it answered them well (no more than one 5xx in five of theirs).
 */
export function failsOnThisOp(streak: number, othersOk: number, othersFailed: number): boolean {
  return streak >= MAX_SERVER_FAILURES && othersOk > 0 && othersFailed * 4 <= othersOk;
}
