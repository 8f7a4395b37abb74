import type { SessionProgress } from '../job-session.ts';
import { describeObjects } from '../objects.ts';
import type { Notification } from '../summary.ts';
import { truncate } from './escape.ts';

/** One plain-text line a message adds about the session (renderers escape it): "Result", "Objects", … */
export interface SessionFact {
  readonly label: 'Result' | 'Objects' | 'Progress' | 'Note';
  readonly text: string;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/** Bytes as backup admins read them: "120.5 GB" (binary multiples, as the Veeam console shows them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

/** "Processed 120.0 GB · Read 80.0 GB · Transferred 40.0 GB · 50 MB/s · Bottleneck: Source", only what is present. */
export function describeProgress(progress: SessionProgress | null | undefined): string | null {
  if (!progress) return null;
  const size = (label: string, value: number | null | undefined) =>
    typeof value === 'number' ? `${label} ${formatBytes(value)}` : undefined;
  const text = (value: string | null | undefined) =>
    value && value.trim() !== '' ? truncate(value.trim(), 40) : undefined;
  const bottleneck = text(progress.bottleneck);
  const parts = [
    size('Processed', progress.processedSize),
    size('Read', progress.readSize),
    size('Transferred', progress.transferredSize),
    text(progress.processingRate),
    bottleneck && bottleneck.toLowerCase() !== 'none' ? `Bottleneck: ${bottleneck}` : undefined,
  ].filter((p) => p !== undefined);
  return parts.length === 0 ? null : parts.join(' · ');
}

/**
 * The lines every message adds below the step summary, each within `max` code units: the job's result message,
 * the per-object results, the processing statistics and the product note, in that order, only those present.
 */
export function sessionFacts(notification: Notification, max: number): SessionFact[] {
  const session = notification.session;
  if (!session) return [];
  const facts: SessionFact[] = [];
  if (session.resultMessage) facts.push({ label: 'Result', text: truncate(session.resultMessage, max) });
  const objects = describeObjects(session.objects, max);
  if (objects) facts.push({ label: 'Objects', text: objects });
  const progress = describeProgress(session.progress);
  if (progress) facts.push({ label: 'Progress', text: truncate(progress, max) });
  if (session.note) facts.push({ label: 'Note', text: truncate(session.note, max) });
  return facts;
}
