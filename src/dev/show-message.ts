// Turns the JSON a chat service would receive into plain terminal text, so `npm start` shows what people would see.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

// Slack's mrkdwn escapes are undone for display only; the payload itself keeps them.
// Localised times (Slack's <!date^…|fallback>, Teams' {{DATE()}} {{TIME()}}) are shown in this terminal's time zone.
const localTime = (iso: string) => new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const unescapeSlack = (text: string) =>
  text
    .replace(/<!date\^(\d+)\^[^|>]*\|[^>]*>/g, (_m, unix: string) =>
      localTime(new Date(Number(unix) * 1000).toISOString()),
    )
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
const showTeamsText = (text: string) =>
  text.replace(/\{\{DATE\(([^,)]+), SHORT\)\}\} \{\{TIME\(\1\)\}\}/g, (_m, iso: string) => localTime(iso));

/** Renders a Slack Block Kit payload as indented terminal lines. */
export function showSlack(payload: unknown): string {
  if (!isObject(payload)) return '(not a Slack payload)';
  const lines: string[] = [];
  for (const block of asArray(payload.blocks)) {
    if (!isObject(block)) continue;
    const text = isObject(block.text) ? unescapeSlack(str(block.text.text)) : '';
    if (block.type === 'header') lines.push(`  ${text.toUpperCase()}`);
    else if (block.type === 'section') {
      if (text) lines.push(...text.split('\n').map((l) => `  ${l}`));
      for (const field of asArray(block.fields)) {
        if (isObject(field)) lines.push(`  ${unescapeSlack(str(field.text)).replace('\n', ' ')}`);
      }
    } else if (block.type === 'context') {
      for (const el of asArray(block.elements)) if (isObject(el)) lines.push(`  · ${unescapeSlack(str(el.text))}`);
    } else if (block.type === 'divider') lines.push('  ────────────────────────────');
    else if (block.type === 'actions') {
      for (const el of asArray(block.elements)) {
        if (isObject(el) && isObject(el.text)) lines.push(`  [${str(el.text.text)}] → ${str(el.url)}`);
      }
    }
  }
  lines.push(`  (fallback text: ${unescapeSlack(str(payload.text)).slice(0, 160)})`);
  return lines.join('\n');
}

/** Renders a Teams Workflows message (an Adaptive Card) as indented terminal lines. */
export function showTeams(payload: unknown): string {
  if (!isObject(payload)) return '(not a Teams payload)';
  const card = asArray(payload.attachments).find(isObject)?.content;
  if (!isObject(card)) return '(no Adaptive Card attachment)';
  const lines: string[] = [];
  const walk = (elements: unknown[]) => {
    for (const el of elements) {
      if (!isObject(el)) continue;
      if (el.type === 'TextBlock') lines.push(`  ${showTeamsText(str(el.text))}`);
      else if (el.type === 'FactSet') {
        for (const f of asArray(el.facts)) if (isObject(f)) lines.push(`  ${str(f.title)}: ${str(f.value)}`);
      } else if (el.type === 'Container') walk(asArray(el.items));
      else if (el.type === 'ColumnSet') for (const c of asArray(el.columns)) if (isObject(c)) walk(asArray(c.items));
    }
  };
  walk(asArray(card.body));
  for (const action of asArray(card.actions)) {
    if (isObject(action)) lines.push(`  [${str(action.title)}] → ${str(action.url)}`);
  }
  return lines.join('\n');
}

/** Any other destination's body as indented JSON, with a PagerDuty routing key (a secret) masked. */
export function showJson(payload: unknown): string {
  return JSON.stringify(payload, (key, value: unknown) => (key === 'routing_key' ? '[routing key]' : value), 2);
}

/** What a destination received, as a person reads it: Slack and Teams drawn, the others as JSON. */
export function showPost(post: { readonly name: string; readonly json: unknown }): string {
  if (post.name === 'slack') return showSlack(post.json);
  if (post.name === 'teams') return showTeams(post.json);
  return showJson(post.json);
}
