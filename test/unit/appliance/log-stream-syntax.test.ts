import { describe, expect, it } from 'vitest';
import { createLogStreamParser, LogSyntaxError } from '../../../src/appliance/log-stream.ts';
import { thrown } from '../../support/thrown.ts';

/** The syntax error a parser raises on `body`, whether while reading it or at its end. */
function syntaxError(body: string): LogSyntaxError {
  return thrown(() => {
    const parser = createLogStreamParser(() => {});
    parser.write(body);
    parser.end();
  }, LogSyntaxError);
}

describe('createLogStreamParser syntax errors', () => {
  it('names the character where a top-level value is followed by neither "," nor "}"', () => {
    expect(syntaxError('{"jobSessionId":"38" "log":[]}').message).toBe(
      'malformed JSON at character 21: expected "," or "}"',
    );
  });

  it('accepts the same members when a comma separates them', () => {
    const parser = createLogStreamParser(() => {});
    parser.write('{"jobSessionId":"38" , "log":[]}');

    expect(parser.end()).toEqual({ jobSessionId: '38' });
  });

  it('calls a document without its closing brace truncated', () => {
    expect(syntaxError('{"jobSessionId":"38","log":[]').message).toBe('the JSON document is truncated');
  });
});
