import { outcomeOfSeverity } from '../context.ts';
import { sortTrends } from '../history/trend.ts';
import { type Digest, finishDigest, severityCounts } from '../render/digest.ts';
import { normalizeStatus } from '../status.ts';
import { type Outcome, SeveritySchema } from '../vocabulary.ts';

/** The outcome a listed session's status stands for (what routes match on when only the list is known). */
export function outcomeOfStatus(status: string | null | undefined): Outcome {
  return outcomeOfSeverity(normalizeStatus(status ?? '').severity);
}

/** One route's digest over several appliances: counts summed, failures and the longest run named with their appliance. */
export function mergeDigests(
  parts: readonly { readonly appliance: string; readonly digest: Digest }[],
  fromMs: number,
  toMs: number,
): Digest {
  const bySeverity = severityCounts();
  let total = 0;
  let failedCount = 0;
  let totalDurationMs = 0;
  let longest: Digest['longest'] = null;
  const failures: Digest['failures'][number][] = [];
  const policies: NonNullable<Digest['policies']>[number][] = [];
  const label = (appliance: string, name: string) => (parts.length > 1 ? `${appliance} · ${name}` : name);
  for (const { appliance, digest } of parts) {
    total += digest.total;
    failedCount += digest.failedCount;
    totalDurationMs += digest.totalDurationMs;
    for (const severity of SeveritySchema.options) bySeverity[severity] += digest.bySeverity[severity];
    failures.push(...digest.failures.map((f) => ({ ...f, policyName: label(appliance, f.policyName) })));
    policies.push(...(digest.policies ?? []).map((t) => ({ ...t, policyName: label(appliance, t.policyName) })));
    if (digest.longest !== null && (longest === null || digest.longest.ms > longest.ms)) {
      longest = { ...digest.longest, policyName: label(appliance, digest.longest.policyName) };
    }
  }
  const trends = policies.length > 0 ? { policies: sortTrends(policies) } : {};
  return finishDigest({ fromMs, toMs, total, bySeverity, failures, failedCount, totalDurationMs, longest, ...trends });
}
