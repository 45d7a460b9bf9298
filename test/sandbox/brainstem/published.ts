/**
 * Published mode for BrainSTEM: refusing dynamic-rest filters that brainstem-org/brainstem_support
 * `docs/api.md` does not document, so a client's fallbacks can be tested. The docs document
 * `filter{field}=value` (exact match) and the operators below; nothing says which fields of which
 * model are filterable, and nothing documents `in` or the other dynamic-rest operators. Whether
 * the real server refuses any of them is not known: this is a test fixture, not a fact about the
 * server. See docs/remotes/brainstem.md.
 */
import { detail } from './http';
import { OPERATORS } from './query';

/** The operators docs/api.md lists ("Other filter operators"). No suffix is the exact match. */
export const DOCUMENTED_OPERATORS: readonly string[] = ['icontains', 'startswith', 'endswith', 'gt', 'gte', 'lt', 'lte'];

/**
 * Refused by default in published mode: every undocumented operator (`filter{id.in}` among them)
 * and the approval fields BenchSync filters on (`status`, `action`, `instance_id`, plus `reviewer`).
 * Patterns are `[model:]field[.op]`, `*` matching anything; without `model:` any model matches.
 */
export const PUBLISHED_REFUSED_FILTERS: readonly string[] = [
  ...[...OPERATORS].filter((op) => !DOCUMENTED_OPERATORS.includes(op)).map((op) => `*.${op}`),
  '*approval:status',
  '*approval:action',
  '*approval:instance_id',
  '*approval:reviewer',
];

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** A predicate over (model, filter spec without a leading `-`), or undefined when nothing is refused. */
export function filterRefuser(patterns: readonly string[]): ((model: string, spec: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const regexes = patterns.map((p) => {
    const full = p.includes(':') ? p : `*:${p}`;
    return new RegExp(`^${full.split('*').map(escape).join('.*')}$`);
  });
  return (model, spec) => regexes.some((re) => re.test(`${model}:${spec}`));
}

/** The 400 for a refused filter: the same DRF body the emulator gives an unknown filter field. */
export function refusedFilterError(spec: string) {
  return detail(400, `Invalid filter field: ${spec}`);
}
