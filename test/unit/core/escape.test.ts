import { describe, expect, it } from 'vitest';
import {
  escapeSlackText,
  escapeTeamsText,
  escapeToFit,
  replaceControlChars,
  sanitizeSlackPlainText,
  truncate,
} from '../../../src/core/render/escape.ts';

/** What a reader sees once the invisible joiners are gone. */
const visible = (text: string): string => text.replace(/[\u200B\u2060]/g, '');

const HOSTILE = '<!channel> see <http://evil|click> @here';

describe('escapeSlackText', () => {
  describe('with a message that tries to ping the channel and plant a link', () => {
    const escaped = escapeSlackText(HOSTILE);

    it('leaves no unescaped angle bracket, so no <!channel> or <url|label> survives', () => {
      expect(escaped).not.toMatch(/[<>]/);
      expect(escaped).not.toContain('<!channel>');
    });

    it('breaks the URL scheme so Slack cannot auto-link it', () => {
      expect(escaped).not.toContain('http://');
    });

    it('breaks the bare @here mention', () => {
      expect(escaped).not.toMatch(/@here/);
    });

    it('still shows the reader every word', () => {
      expect(visible(escaped)).toBe('&lt;!channel&gt; see &lt;http://evil|click&gt; @here');
    });
  });

  it('escapes ampersands before anything else, so entities in the input stay literal', () => {
    expect(escapeSlackText('a &lt; b & c')).toBe('a &amp;lt; b &amp; c');
  });

  it.each(['@channel', '@everyone', '@here', '@HERE'])('defuses %s', (mention) => {
    const escaped = escapeSlackText(`ping ${mention} now`);
    expect(escaped).not.toContain(mention);
    expect(visible(escaped)).toBe(`ping ${mention} now`);
  });

  it('breaks www. links too', () => {
    const escaped = escapeSlackText('see www.evil.example');
    expect(escaped).not.toContain('www.');
    expect(visible(escaped)).toBe('see www.evil.example');
  });

  it('replaces control characters (newlines too) by spaces', () => {
    expect(escapeSlackText('a\nb\tc\u0000d\u202Ee')).toBe('a b c d e');
  });

  describe('with text that mrkdwn would format (*bold*, _it_, ~strike~, `code`)', () => {
    const text = 'copy *bold* and _it_ or ~strike~ with `code` and ```block``` from C:\\tmp\\a_b*c';
    const escaped = escapeSlackText(text);

    it('fences every formatting character with word joiners, so no marker touches visible text', () => {
      expect(escaped).not.toMatch(/[^\u2060][*_~`]|[*_~`][^\u2060]/);
    });

    it("leaves the reader's text unchanged apart from the invisible joiners", () => {
      expect(visible(escaped)).toBe(text);
    });
  });
});

describe('sanitizeSlackPlainText', () => {
  it('defuses mentions and links but adds no entities (plain_text shows them literally)', () => {
    const text = sanitizeSlackPlainText('a & b <x> @here http://x');
    expect(visible(text)).toBe('a & b <x> @here http://x');
    expect(text).not.toContain('@here');
    expect(text).not.toContain('http://');
  });
});

describe('escapeTeamsText', () => {
  describe('with markdown a card would render', () => {
    it('escapes link syntax so [x](y) is not a link', () => {
      expect(escapeTeamsText('[click](http://evil)')).toBe('\\[click\\](http:\u200B//evil)');
    });

    it('escapes emphasis and code markers', () => {
      expect(escapeTeamsText('*bold* _it_ `code`')).toBe('\\*bold\\* \\_it\\_ \\`code\\`');
    });

    it('escapes a backslash so it cannot cancel our own escapes', () => {
      expect(escapeTeamsText('a\\*b')).toBe('a\\\\\\*b');
    });

    it.each([
      ['# heading', '\\# heading'],
      ['- item', '\\- item'],
      ['+ item', '\\+ item'],
      ['> quote', '\\> quote'],
      ['1. first', '1\\. first'],
      ['  - indented', '  \\- indented'],
    ])('escapes the block start in %j', (input, output) => {
      expect(escapeTeamsText(input)).toBe(output);
    });

    it('leaves a dash inside the text alone', () => {
      expect(escapeTeamsText('tw-vm2 - done')).toBe('tw-vm2 - done');
    });
  });

  it('breaks <at> mention tags', () => {
    const escaped = escapeTeamsText('<at>Ops</at> look');
    expect(escaped).not.toContain('<at>');
    expect(visible(escaped)).toBe('<at>Ops</at> look');
  });

  it('breaks {{DATE()}} functions so the card does not rewrite them', () => {
    expect(escapeTeamsText('{{DATE(2020-02-05T10:43:57Z)}}')).not.toContain('{{');
  });

  it.each([
    '{{{DATE(2099-01-01T00:00:00Z, SHORT)}}',
    '{{{{TIME(2099-01-01T00:00:00Z)}}',
    '{ {{DATE(2099-01-01T00:00:00Z)}}',
  ])('breaks every {{ in %s, whatever precedes it', (text) => {
    const escaped = escapeTeamsText(text);
    expect(escaped).not.toContain('{{');
    expect(visible(escaped)).toBe(text);
  });

  it('breaks bare URLs and @ mentions but keeps them readable', () => {
    const escaped = escapeTeamsText('see https://evil.example @here');
    expect(escaped).not.toContain('https://');
    expect(escaped).not.toContain('@here');
    expect(visible(escaped)).toBe('see https://evil.example @here');
  });

  it('replaces control characters by spaces', () => {
    expect(escapeTeamsText('a\r\nb')).toBe('a  b');
  });
});

describe('replaceControlChars', () => {
  it('keeps ordinary text, emoji and accents', () => {
    expect(replaceControlChars('Sauvegarde terminée ✅')).toBe('Sauvegarde terminée ✅');
  });
});

describe('truncate', () => {
  it('returns short text unchanged', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts long text and ends it with an ellipsis, within the limit', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('never splits a surrogate pair', () => {
    const cut = truncate('ab😀cd', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });

  it('returns an empty string for a limit below one', () => {
    expect(truncate('abc', 0)).toBe('');
  });
});

describe('escapeToFit', () => {
  it('keeps the escaped result within the limit even when escaping expands it', () => {
    const escaped = escapeToFit('&'.repeat(1_000), 100, escapeSlackText);
    expect(escaped.length).toBeLessThanOrEqual(100);
    expect(escaped).toMatch(/^(&amp;)+…$/);
  });

  it('cuts a 1 MB message of mentions to the limit, escaped', () => {
    const escaped = escapeToFit('<@U123> '.repeat(131_072), 500, escapeSlackText);
    expect(escaped.length).toBeLessThanOrEqual(500);
    expect(escaped).not.toContain('<');
  });

  it('leaves text that fits alone', () => {
    expect(escapeToFit('fine', 10, escapeTeamsText)).toBe('fine');
  });

  it('keeps the longest cut whose escaped form fits, at exactly the limit', () => {
    // "&&…" escapes to 11 characters; "&&&…" to 16.
    expect(escapeToFit('&'.repeat(16), 12, escapeSlackText)).toBe('&amp;&amp;…');
    expect(escapeToFit('&'.repeat(16), 11, escapeSlackText)).toBe('&amp;&amp;…');
    expect(escapeToFit('&'.repeat(16), 10, escapeSlackText)).toBe('&amp;…');
    expect(escapeToFit('a&'.repeat(50), 40, escapeSlackText)).toBe('a&amp;a&amp;a&amp;a&amp;a&amp;a&amp;a…');
  });

  it('gives nothing when not even one escaped character and the ellipsis fit', () => {
    expect(escapeToFit('&&&', 1, escapeSlackText)).toBe('…');
    expect(escapeToFit('&&&', 0, escapeSlackText)).toBe('');
    expect(escapeToFit('&&&', -5, escapeSlackText)).toBe('');
  });
});
