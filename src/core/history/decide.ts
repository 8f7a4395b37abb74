import type { Memory } from './model.ts';

/**
 * Changes-only mode (`<PREFIX>_NOTIFY_ON=changes`): posts when the outcome class changed (first failure, first warning,
 * recovery) and for every unusual duration. Without memory (a policy's first session, or a store that could not be
 * read) only a session that is not a success posts. Returns why it stays quiet, or undefined to post.
 */
export function changesSkip(memory: Memory | undefined, success: boolean): string | undefined {
  const facts = memory?.facts;
  if (!facts) return success ? 'a success with no history to compare' : undefined;
  if (facts.change || facts.duration?.unusual) return undefined;
  return 'nothing changed since the previous run';
}
