import type { Outcome } from './vocabulary.ts';

/** What a rule's `match` selects on; every field left out matches everything. */
export interface RouteMatch {
  /** A glob (`*` any run of characters, `?` one) on the appliance name, case-insensitive. */
  readonly appliance?: string | undefined;
  /** A glob on the policy (job) name, case-insensitive; a session whose name is unknown matches only `*`. */
  readonly policy?: string | undefined;
  readonly outcomes?: readonly Outcome[] | undefined;
}

/** The facts a route is chosen by. */
export interface RouteFacts {
  readonly appliance: string;
  readonly policy: string | null;
  readonly outcome: Outcome;
}

/** Where one message goes: the positions (0-based) of the rules that deliver it, or the default route. */
export interface RouteChoice {
  readonly rules: readonly number[];
  readonly usesDefault: boolean;
}

const globCache = new Map<string, RegExp>();

/** Whether `text` matches `glob` as a whole (`*`, `?`; everything else literal), ignoring case. */
export function globMatches(glob: string, text: string): boolean {
  let pattern = globCache.get(glob);
  if (pattern === undefined) {
    const source = glob
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    pattern = new RegExp(`^${source}$`, 'is');
    globCache.set(glob, pattern);
  }
  return pattern.test(text);
}

/** Whether one rule's `match` selects these facts. */
export function ruleMatches(match: RouteMatch, facts: RouteFacts): boolean {
  if (match.appliance !== undefined && !globMatches(match.appliance, facts.appliance)) return false;
  if (
    match.policy !== undefined &&
    !(facts.policy === null ? match.policy === '*' : globMatches(match.policy, facts.policy))
  ) {
    return false;
  }
  return match.outcomes === undefined || match.outcomes.includes(facts.outcome);
}

/**
 * Alertmanager's routing, flattened: rules are tried in order; the first match delivers and stops the walk unless it
 * says `continue`, which lets later matches deliver too. Nothing matched: the default route (the global destinations).
 */
export function chooseRoutes(
  rules: readonly { readonly match: RouteMatch; readonly continue: boolean }[],
  facts: RouteFacts,
): RouteChoice {
  const chosen: number[] = [];
  for (const [index, rule] of rules.entries()) {
    if (!ruleMatches(rule.match, facts)) continue;
    chosen.push(index);
    if (!rule.continue) break;
  }
  return { rules: chosen, usesDefault: chosen.length === 0 };
}
