// Escaping neutralises what chat clients would interpret (mentions, links, markup) but keeps every word readable.

/** Word joiner: invisible, keeps "@here" from being read as a mention. */
const WORD_JOINER = '\u2060';
/** Zero-width space: invisible, keeps "http://x" and "www.x" from being auto-linked. */
const ZERO_WIDTH_SPACE = '\u200B';

// C0/C1 controls (newlines included: one step is one line) and bidi overrides that could reorder what the reader sees.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose.
const CONTROL_CHARS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** Replaces control characters (and line/bidi separators) by spaces. */
export function replaceControlChars(text: string): string {
  return text.replace(CONTROL_CHARS, ' ');
}

/**
 * Cuts `text` to at most `max` UTF-16 code units on a code-point boundary, ending with '…' when something was cut.
 * @example truncate("abcdef", 4) // "abc…"
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let cut = max - 1;
  const last = text.charCodeAt(cut - 1);
  // Never split a surrogate pair: the half left behind would render as a replacement character.
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

const SCHEME = /:\/\//g;
const WWW = /\bwww\./gi;

/** Defuses auto-linking and mentions in text that clients scan for them; shared by both chat formats. */
function defuseLinksAndMentions(text: string): string {
  return text
    .replaceAll('@', `@${WORD_JOINER}`)
    .replace(SCHEME, `:${ZERO_WIDTH_SPACE}//`)
    .replace(WWW, (www) => `${www.slice(0, 3)}${ZERO_WIDTH_SPACE}.`);
}

// mrkdwn's emphasis, strike and code markers; Slack documents no escape for them.
const SLACK_MARKERS = /[*_~`]/g;

/**
 * Escapes untrusted text for Slack mrkdwn: `& < >` as entities (so no `<!channel>`, `<@U…>` or `<url|label>` survives),
 * `* _ ~ \`` fenced by word joiners (a marker touching an invisible joiner opens or closes nothing, and copied text keeps
 * every visible character), bare `@here`-style mentions and auto-linked URLs broken, control characters as spaces.
 */
export function escapeSlackText(text: string): string {
  return defuseLinksAndMentions(
    replaceControlChars(text)
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replace(SLACK_MARKERS, `${WORD_JOINER}$&${WORD_JOINER}`),
  );
}

/**
 * Makes untrusted text safe for a Slack plain_text object (headers): no entities there, but mentions and links are defused
 * and control characters become spaces.
 */
export function sanitizeSlackPlainText(text: string): string {
  return defuseLinksAndMentions(replaceControlChars(text));
}

// Markdown punctuation Adaptive Cards (and Teams) may act on anywhere in a line: emphasis, link brackets, code, escapes.
// Parentheses stay as they are: without an escaped-away `]` before them they cannot form a link.
const TEAMS_INLINE = /[\\*_[\]`]/g;
// Block starts that only matter at the start of the text: headings, quotes, bullets, numbered lists.
const TEAMS_BLOCK_START = /^(\s*)([#>+-]|\d+(?=[.)]))/;

/**
 * Escapes untrusted text for an Adaptive Card TextBlock: markdown punctuation backslash-escaped, list/heading starts escaped,
 * `<at>` tags, `{{DATE()}}` functions, mentions and auto-linked URLs broken with invisible characters, control chars as spaces.
 */
export function escapeTeamsText(text: string): string {
  const escaped = replaceControlChars(text)
    .replace(TEAMS_INLINE, '\\$&')
    .replace(TEAMS_BLOCK_START, (_match, space: string, start: string) =>
      /\d/.test(start) ? `${space}${start}\\` : `${space}\\${start}`,
    )
    .replaceAll('<', `<${ZERO_WIDTH_SPACE}`)
    // Every brace followed by another, so "{{{" cannot leave a live "{{" behind the first break.
    .replace(/\{(?=\{)/g, `{${ZERO_WIDTH_SPACE}`);
  return defuseLinksAndMentions(escaped);
}

/**
 * Escapes `text` with `escaper` and cuts it so the escaped result is at most `max` code units long; cuts happen before
 * escaping, so no entity or escape sequence is ever split.
 */
export function escapeToFit(text: string, max: number, escaper: (text: string) => string): string {
  // The escapers expand text at most ~5x ("&" → "&amp;"), so a first cut at `max` source characters bounds the work.
  const source = truncate(text, max);
  const escaped = escaper(source);
  if (escaped.length <= max) return escaped;
  // The longest cut whose escaped form fits: escaped length grows with the cut, so a binary search finds it.
  let best = '';
  let low = 1;
  let high = source.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const candidate = escaper(truncate(source, middle));
    if (candidate.length <= max) {
      best = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}
