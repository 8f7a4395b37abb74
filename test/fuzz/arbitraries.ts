import fc from 'fast-check';

/** Chat markup an attacker or a log could carry: Adaptive Card `{{…}}` functions (with extra braces) and mrkdwn markers. */
export const markupText: fc.Arbitrary<string> = fc
  .array(
    fc.constantFrom(
      '{',
      '{{',
      '{{{',
      '}}',
      'DATE(2099-01-01T00:00:00Z, SHORT)',
      '*',
      '_',
      '~',
      '`',
      '```',
      'bold',
      ' ',
      '\\',
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

/** Strings from short to huge (up to 200k code units), any Unicode, with the characters that break things. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: markupText },
  { weight: 8, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\n',
      '\u0000',
      '<!channel>',
      '@here',
      '../',
      '%2F',
      '\u202e',
      '😀',
      '{{{DATE(2099-01-01T00:00:00Z, SHORT)}}',
      '*bold* _it_ ~strike~ `code`',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.integer({ min: 1_000, max: 200_000 }))
      .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)),
  },
);

const uuid = fc.uuid();

/** Session IDs as events might carry them: valid ones, and every near miss we could think of. */
export const oddSessionId: fc.Arbitrary<unknown> = fc.oneof(
  fc.nat().map(String),
  // Leading zeros: "038" is session 38 and must map to the same key.
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.nat()).map(([zeros, n]) => `${'0'.repeat(zeros)}${n}`),
  fc.nat(),
  uuid,
  uuid.map((u) => u.toUpperCase()),
  fc.constantFrom(
    '',
    ' 38',
    '38 ',
    '38\n',
    '-1',
    -1,
    '0x26',
    '3.8',
    3.8,
    '1e3',
    1e21,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    '12345678901234567890',
    '..',
    '.',
    '../oauth2/token',
    '38/log',
    '38?x=1',
    '38#x',
    '%2e%2e',
    '３８',
    '٣٨',
    true,
    false,
    null,
    {},
    [],
    ['38'],
  ),
  fc.bigInt().map(String),
  fc.double(),
  anyText,
  fc.jsonValue(),
);

const direct = fc.record(
  { sessionId: oddSessionId, policyName: fc.oneof(anyText, fc.jsonValue()), extra: fc.jsonValue() },
  { requiredKeys: [] },
);
const eventBridge = fc.record(
  {
    'detail-type': fc.oneof(fc.constant('Backup Job Session Finished'), anyText),
    source: anyText,
    detail: fc.oneof(direct, fc.jsonValue()),
  },
  { requiredKeys: ['detail-type'] },
);
const payloadText = fc.oneof(
  direct.map((d) => JSON.stringify(d)),
  eventBridge.map((e) => JSON.stringify(e)),
  // An SNS notification as SQS stores it without raw message delivery.
  direct.map((d) => JSON.stringify({ Type: 'Notification', Message: JSON.stringify(d) })),
  anyText,
);
const snsLike = fc.record({
  Records: fc.array(
    fc.record(
      {
        EventSource: fc.constantFrom('aws:sns', 'aws:other'),
        Sns: fc.record({ MessageId: fc.uuid(), Message: payloadText }, { requiredKeys: ['Message'] }),
      },
      { requiredKeys: ['Sns'] },
    ),
    { maxLength: 3 },
  ),
});
const sqsLike = fc.record({
  Records: fc.array(
    fc.record(
      { eventSource: fc.constantFrom('aws:sqs'), messageId: fc.uuid(), body: payloadText },
      { requiredKeys: ['eventSource'] },
    ),
    { maxLength: 3 },
  ),
});
const httpLike = fc.record(
  {
    version: fc.constantFrom('2.0', '1.0'),
    routeKey: anyText,
    rawPath: anyText,
    headers: fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 4 }),
    body: fc.oneof(payloadText, fc.constant(null)),
    isBase64Encoded: fc.boolean(),
    requestContext: fc.record({ http: fc.record({ method: fc.constantFrom('POST', 'GET') }) }),
  },
  { requiredKeys: ['requestContext'] },
);

/** Random JSON and near-miss shapes of every trigger (direct, EventBridge, SNS, SQS, HTTP). */
export const anyEvent: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 4, arbitrary: direct },
  { weight: 3, arbitrary: eventBridge },
  { weight: 2, arbitrary: snsLike },
  { weight: 2, arbitrary: sqsLike },
  { weight: 1, arbitrary: httpLike },
  { weight: 1, arbitrary: anyText },
);

const KNOWN_STATUSES = ['Success', 'Warning', 'Error', 'Failed', 'Running', 'Canceled', 'None', 'Skipped'];
const status = fc.oneof(
  fc.constantFrom(...KNOWN_STATUSES),
  fc.constantFrom(...KNOWN_STATUSES).map((s) => ` ${s.toUpperCase()} `),
  fc.string({ maxLength: 20 }),
);
const timestamp = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19)),
  fc.string({ maxLength: 30 }),
  fc.constant(null),
);

/** TimeSpan-like strings: well formed, and near misses in every part. */
export const timeSpanText: fc.Arbitrary<string> = fc.oneof(
  fc
    .record({
      sign: fc.constantFrom('', '-', '+'),
      days: fc.oneof(
        fc.constant(''),
        fc.nat({ max: 20_000_000 }).map((d) => `${d}.`),
      ),
      hours: fc.tuple(fc.nat({ max: 30 }), fc.constantFrom(1, 2)).map(([h, width]) => String(h).padStart(width, '0')),
      minutes: fc.nat({ max: 99 }).map((m) => String(m).padStart(2, '0')),
      seconds: fc.nat({ max: 99 }).map((s) => String(s).padStart(2, '0')),
      fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{0,9}$/)),
      pad: fc.constantFrom('', ' ', '\t'),
    })
    .map((p) => `${p.pad}${p.sign}${p.days}${p.hours}:${p.minutes}:${p.seconds}${p.fraction}${p.pad}`),
  fc.stringMatching(/^[-\d.:]{0,24}$/),
  fc.string({ maxLength: 30 }),
);

const duration = fc.oneof(timeSpanText, fc.double(), fc.integer(), fc.constant(null));

const logItem = fc.record(
  {
    logTime: timestamp,
    status,
    message: fc.oneof(anyText, fc.constant(null)),
    resourceHashId: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
    executionStartTime: timestamp,
    executionDuration: duration,
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['status'] },
);

/** Log responses: mostly log-shaped (valid or nearly so), some junk of any JSON shape. */
export const anyLogBody: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        jobSessionId: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null)),
        log: fc.oneof(
          { weight: 6, arbitrary: fc.array(logItem, { maxLength: 20 }) },
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) },
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);

/** A nesting bomb: `depth` brackets or braces, closed or cut short, where a log entry or a field value may stand. */
export const nestingBomb: fc.Arbitrary<string> = fc
  .record({
    depth: fc.oneof(fc.integer({ min: 65, max: 2_000 }), fc.integer({ min: 100_000, max: 1_000_000 })),
    open: fc.constantFrom('[', '{"a":'),
    closed: fc.boolean(),
    at: fc.constantFrom('entry', 'field', 'beside'),
  })
  .map(({ depth, open, closed, at }) => {
    const close = open === '[' ? ']' : '}';
    const bomb = `${open.repeat(depth)}${open === '[' ? '' : '1'}${closed ? close.repeat(depth) : ''}`;
    if (at === 'entry') return `{"log":[{"status":"Success"},${bomb}]}`;
    if (at === 'field') return `{"log":[{"status":"Error","x":${bomb}}]}`;
    return `{"jobSessionId":${bomb},"log":[]}`;
  });
