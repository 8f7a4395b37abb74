import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardFromTemplate, seriesOf } from '../../scripts/dashboard-preview.ts';
import { loadConfig } from '../../src/config/notifier.ts';
import { METRICS } from '../../src/metrics.ts';

// The packaged CloudFormation template, as `npm run package` (osls, offline, fake credentials) writes it.
type Resource = { Type: string; Properties: Record<string, unknown>; Condition?: string };
type Template = { Resources: Record<string, Resource>; Conditions?: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const root = new URL('../../', import.meta.url);
let template: Template;
let zipEntries: string[];

/** File names listed in a zip's central directory (found from its end record), to check what the artifact holds. */
function zipNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const names: string[] = [];
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const [nameLength, extraLength, commentLength] = [28, 30, 32].map((o) => zip.readUInt16LE(at + o));
    names.push(zip.subarray(at + 46, at + 46 + (nameLength ?? 0)).toString('utf8'));
    at += 46 + (nameLength ?? 0) + (extraLength ?? 0) + (commentLength ?? 0);
  }
  return names;
}

beforeAll(() => {
  // Builds dist/ first (a fresh clone has none), then packages with placeholder params: no network, no AWS account.
  execFileSync('npm', ['run', '-s', 'package'], { cwd: root, stdio: 'pipe', timeout: 120_000 });
  template = JSON.parse(readFileSync(new URL('.serverless/cloudformation-template-update-stack.json', root), 'utf8'));
  zipEntries = zipNames(readFileSync(new URL('.serverless/job-session-notifier.zip', root)));
}, 150_000);

const resource = (id: string): Resource => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
};
const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
/** The statements of one function's role (default the notifier's). */
const statements = (role = 'NotifierRole'): Statement[] =>
  (resource(role).Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
const ROLES = ['NotifierRole', 'WatcherRole', 'WatchWorkerRole'] as const;
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

describe('the packaged deployment', () => {
  describe('function', () => {
    it('runs the esbuild bundle on nodejs22.x, arm64, with explicit memory and timeout', () => {
      const fn = resource('NotifierLambdaFunction').Properties;
      expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'dist/handler.handler' });
      expect(fn.MemorySize).toBeGreaterThanOrEqual(128);
      expect(fn.Timeout).toBeLessThanOrEqual(29);
    });

    it('ships only dist/*.mjs: no node_modules, no sources', () => {
      expect(zipEntries).toContain('dist/handler.mjs');
      expect(zipEntries.every((name) => /^dist\/[\w-]+\.mjs$/.test(name))).toBe(true);
    });

    it('keeps its logs for a bounded time', () => {
      expect(resource('NotifierLogGroup').Properties.RetentionInDays).toBe(30);
    });

    it('carries secret ARNs in its environment, never secret values', () => {
      const env = (resource('NotifierLambdaFunction').Properties.Environment as { Variables: Record<string, string> })
        .Variables;
      expect(Object.keys(env).sort()).toEqual([
        'APPLIANCES_SECRET_ARN',
        'BACKUP_API_SECRET_ARN',
        'BACKUP_API_URL',
        'BACKUP_API_VERSION',
        'BACKUP_PRODUCT',
        'DURATION_ANOMALY_FACTOR',
        'GENERIC_WEBHOOK_SECRET_ARN',
        'HISTORY_TABLE',
        'IDEMPOTENCY_TABLE',
        'METRICS_POLICY_DIMENSION',
        'PAGERDUTY_NOTIFY_ON',
        'PAGERDUTY_ROUTING_KEY_SECRET_ARN',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'ROUTES_SECRET_ARN',
        'SESSION_URL_TEMPLATE',
        'SLACK_BOT_TOKEN_SECRET_ARN',
        'SLACK_CHANNEL',
        'SLACK_MENTION_ON_FAILURE',
        'SLACK_NOTIFY_ON',
        'SLACK_WEBHOOK_SECRET_ARN',
        'TEAMS_MENTION_ON_FAILURE',
        'TEAMS_NOTIFY_ON',
        'TEAMS_WEBHOOK_SECRET_ARN',
        'WEBHOOK_SIGNING_SECRET_ARN',
      ]);
      // The environment the template sets is one the notifier's own config accepts (a !Ref stands for a table name;
      // an !If on HasAppliancesSecret takes its single-appliance branch, as the CI stage sets no appliancesSecretArn).
      const resolve = (value: unknown): string => {
        if (typeof value === 'string') return value;
        const branches = (value as { 'Fn::If'?: unknown[] })['Fn::If'];
        return branches?.[0] === 'HasAppliancesSecret' ? resolve(branches[2]) : 'resolved-at-deploy';
      };
      const resolved = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, resolve(value)]));
      expect(() => loadConfig(resolved)).not.toThrow();
      for (const [key, value] of Object.entries(env)) {
        // An unused optional secret is blank; APPLIANCES_SECRET_ARN stays blank here: the CI stage deploys one appliance.
        if (key.endsWith('_SECRET_ARN') && value !== '') expect(value).toMatch(/^arn:aws:secretsmanager:/);
      }
      expect(env.IDEMPOTENCY_TABLE).toEqual({ Ref: 'IdempotencyTable' });
    });

    it('keeps delivery records in an on-demand table keyed by id, expiring on expiration', () => {
      expect(resource('IdempotencyTable').Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      });
    });
  });

  describe('appliance product and network', () => {
    it('passes backupProduct (default azure) and leaves the API version to the product when the parameter is blank', () => {
      const env = (resource('NotifierLambdaFunction').Properties.Environment as { Variables: Record<string, string> })
        .Variables;
      // A fleet names each appliance's product in its entry, so the variable is blank then.
      expect(env.BACKUP_PRODUCT).toEqual({ 'Fn::If': ['HasAppliancesSecret', '', 'azure'] });
      expect(env.BACKUP_API_VERSION).toBe('');
      expect(
        loadConfig({ ...env, IDEMPOTENCY_TABLE: 'table', HISTORY_TABLE: 'table', BACKUP_PRODUCT: 'vbr' }).api,
      ).toMatchObject({
        product: 'vbr',
        version: '1.2-rev1',
      });
    });

    it('puts both functions in the given subnets and security groups, only when both parameters are set', () => {
      expect(template.Conditions?.HasVpc).toEqual({
        'Fn::And': [
          { 'Fn::Not': [{ 'Fn::Equals': ['subnet-0123456789abcdef0,subnet-0fedcba9876543210', ''] }] },
          { 'Fn::Not': [{ 'Fn::Equals': ['sg-0123456789abcdef0', ''] }] },
        ],
      });
      for (const fn of ['NotifierLambdaFunction', 'WatcherLambdaFunction']) {
        expect(resource(fn).Properties.VpcConfig).toEqual({
          'Fn::If': [
            'HasVpc',
            {
              SubnetIds: { 'Fn::Split': [',', 'subnet-0123456789abcdef0,subnet-0fedcba9876543210'] },
              SecurityGroupIds: { 'Fn::Split': [',', 'sg-0123456789abcdef0'] },
            },
            { Ref: 'AWS::NoValue' },
          ],
        });
      }
    });

    it.each(ROLES)('lets %s manage VPC network interfaces only when the functions are in a VPC', (role) => {
      const managed = resource(role).Properties.ManagedPolicyArns as { 'Fn::If': unknown[] };
      expect(managed['Fn::If'][0]).toBe('HasVpc');
      expect(JSON.stringify(managed['Fn::If'][1])).toContain(
        ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
      );
      expect(managed['Fn::If'][2]).toEqual({ Ref: 'AWS::NoValue' });
    });
  });

  describe('policy history', () => {
    it('keeps memories in the watcher table and reads the Slack bot token only when it is configured', () => {
      const env = (resource('NotifierLambdaFunction').Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(env.HISTORY_TABLE).toEqual({ Ref: 'WatcherStateTable' });
      expect(template.Conditions?.HasSlackBotSecret).toBeDefined();
    });
  });

  describe('IAM', () => {
    it('gives each function its own role and creates no shared one', () => {
      expect(resource('NotifierLambdaFunction').Properties.Role).toEqual(getAtt('NotifierRole'));
      expect(resource('WatcherLambdaFunction').Properties.Role).toEqual(getAtt('WatcherRole'));
      expect(
        ofType('AWS::IAM::Role')
          .map(([id]) => id)
          .sort(),
      ).toEqual([...ROLES].sort());
      for (const role of ROLES) {
        expect(JSON.stringify(resource(role).Properties.AssumeRolePolicyDocument)).toContain('lambda.amazonaws.com');
      }
    });

    it.each(ROLES)('%s grants no "*" action and no "*" resource', (role) => {
      for (const statement of statements(role)) {
        for (const action of asList(statement.Action)) expect(action).not.toMatch(/\*/);
        for (const target of asList(statement.Resource)) expect(target).not.toBe('*');
      }
    });

    it.each([
      ['NotifierRole', 'notifier'],
      ['WatcherRole', 'watcher'],
    ])('%s writes only its own function’s logs', (role, fn) => {
      const logs = statements(role).filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      expect(logs[0]?.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(JSON.stringify(logs[0]?.Resource)).toContain(`log-group:/aws/lambda/job-session-notifier-ci-${fn}:*`);
    });

    it.each([
      ['NotifierRole', ['appliance', 'signing', 'slack', 'teams', 'pagerduty', 'generic']],
      ['WatcherRole', ['appliance', 'slack', 'teams', 'pagerduty', 'generic']],
    ])('%s reads exactly the secrets it uses, nothing else in Secrets Manager', (role, names) => {
      const secretStatements = statements(role).filter((s) =>
        asList(s.Action).some((a) => a.startsWith('secretsmanager:')),
      );
      expect(secretStatements).toHaveLength(1);
      expect(asList(secretStatements[0]?.Action)).toEqual(['secretsmanager:GetSecretValue']);
      const text = JSON.stringify(secretStatements[0]?.Resource);
      for (const name of [...names, 'routes']) expect(text).toContain(`:secret:job-session-notifier/ci/${name}-AbCdEf`);
      expect(text).toContain(':secret:job-session-notifier/ci/routes/*');
      // Its own secrets, the Slack bot token's (behind its condition), then the fleet's list, its rules and the
      // secrets its rules name (each only when set).
      expect(asList(secretStatements[0]?.Resource)).toHaveLength(names.length + 4);
      expect(text).toContain('HasSlackBotSecret');
    });

    it('keeps the watcher off the queues and the notifier off the watcher’s state but for history# items', () => {
      // The watcher's only queue action: the fleet's fan-out, send only, onto the watch queue.
      const watcherSqs = statements('WatcherRole').filter((st) => asList(st.Action).some((a) => a.startsWith('sqs:')));
      expect(watcherSqs).toEqual([
        expect.objectContaining({ Action: 'sqs:SendMessage', Resource: getAtt('WatchQueue') }),
      ]);
      const onWatcherTable = statements('NotifierRole').filter((s) =>
        JSON.stringify(s.Resource).includes('WatcherStateTable'),
      );
      expect(onWatcherTable).toHaveLength(1);
      expect(onWatcherTable[0]?.Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
      expect(JSON.stringify(onWatcherTable[0]?.Condition)).toContain('history#*');
    });

    it.each(ROLES)('%s may read and write delivery records in their own table only', (role) => {
      const dynamo = statements(role).filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')));
      const idempotency = dynamo.filter(
        (s) => JSON.stringify(s.Resource) === JSON.stringify(getAtt('IdempotencyTable')),
      );
      expect(idempotency).toHaveLength(1);
      expect(idempotency[0]?.Action).toEqual([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]);
      // Every DynamoDB statement names one of the project's own tables.
      for (const statement of dynamo) {
        expect([getAtt('IdempotencyTable'), getAtt('WatcherStateTable')]).toContainEqual(statement.Resource);
      }
    });

    it('scopes queue actions to its own queue and its failure queue', () => {
      const sqs = statements().filter((s) => asList(s.Action).some((a) => a.startsWith('sqs:')));
      expect(sqs).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
            Resource: getAtt('JobQueue'),
          }),
          expect.objectContaining({ Action: 'sqs:SendMessage', Resource: getAtt('AsyncFailureQueue') }),
        ]),
      );
      expect(sqs).toHaveLength(2);
    });
  });

  describe('triggers', () => {
    it('subscribes the function to the SNS topic', () => {
      const [[, subscription] = []] = ofType('AWS::SNS::Subscription').filter(
        ([, r]) => r.Properties.Protocol === 'lambda',
      );
      expect(subscription?.Properties.TopicArn).toEqual({ Ref: 'JobEventsTopic' });
    });

    it('reads the SQS queue reporting batch item failures', () => {
      const [[, mapping] = []] = ofType('AWS::Lambda::EventSourceMapping');
      expect(mapping?.Properties).toMatchObject({
        EventSourceArn: getAtt('JobQueue'),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
    });

    it('routes POST /sessions from the HTTP API with payload format 2.0, rate-limited', () => {
      expect(resource('HttpApiRoutePostSessions').Properties.RouteKey).toBe('POST /sessions');
      expect(resource('HttpApiIntegrationNotifier').Properties.PayloadFormatVersion).toBe('2.0');
      expect(resource('HttpApiStage').Properties.DefaultRouteSettings).toEqual({
        ThrottlingBurstLimit: 20,
        ThrottlingRateLimit: 10,
      });
    });

    it('has an EventBridge rule for finished job sessions', () => {
      const rule = ofType('AWS::Events::Rule').find(([, r]) => r.Properties.EventPattern !== undefined)?.[1];
      expect(rule?.Properties.EventPattern).toMatchObject({ 'detail-type': ['Backup Job Session Finished'] });
    });
  });

  describe('dead-letter paths', () => {
    it('redrives the job queue to its dead-letter queue after a bounded number of receives', () => {
      const queue = resource('JobQueue').Properties;
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: getAtt('JobQueueDeadLetterQueue'),
        maxReceiveCount: 5,
      });
      // AWS: visibility at least six times the function timeout, or in-flight records are redelivered.
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(
        6 * (resource('NotifierLambdaFunction').Properties.Timeout as number),
      );
    });

    it('bounds async retries and sends what still fails to the failure queue', () => {
      expect(resource('NotifierLambdaEvConf').Properties).toMatchObject({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: getAtt('AsyncFailureQueue') } },
      });
    });
  });

  describe('alarms', () => {
    const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);

    it.each([
      [
        'the jobs dead-letter queue depth',
        'ApproximateNumberOfMessagesVisible',
        getAtt('JobQueueDeadLetterQueue', 'QueueName'),
      ],
      ['the async failure queue depth', 'ApproximateNumberOfMessagesVisible', getAtt('AsyncFailureQueue', 'QueueName')],
      ['function errors', 'Errors', { Ref: 'NotifierLambdaFunction' }],
    ])('alarms on %s to the alarm topic', (_name, metric, dimension) => {
      const alarm = alarms().find(
        (a) => a.MetricName === metric && JSON.stringify(a.Dimensions).includes(JSON.stringify(dimension)),
      );
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(alarm?.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    });

    it('counts dropped records from the logs and alarms on them', () => {
      expect(resource('DroppedRecordsMetricFilter').Properties.FilterPattern).toBe('{ $.message = "record dropped" }');
      expect(alarms().some((a) => a.MetricName === 'DroppedRecords')).toBe(true);
    });
  });
  describe('scheduled watcher', () => {
    const rules = () => ofType('AWS::Events::Rule').map(([, r]) => r.Properties);

    it('runs dist/watcher.mjs with a longer budget, no Lambda retries, and its state table', () => {
      const fn = resource('WatcherLambdaFunction').Properties;
      expect(fn).toMatchObject({ Handler: 'dist/watcher.handler', Runtime: 'nodejs22.x', Timeout: 120 });
      expect(zipEntries).toContain('dist/watcher.mjs');
      const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        WATCHER_STATE_TABLE: { Ref: 'WatcherStateTable' },
        WATCH_SCHEDULE: 'rate(5 minutes)',
        BACKUP_API_SECRET_ARN: expect.stringMatching(/^arn:aws:secretsmanager:/),
      });
      expect(resource('WatcherLambdaEvConf').Properties).toMatchObject({ MaximumRetryAttempts: 0 });
    });

    it('is triggered every 5 minutes, and by a digest rule that stays disabled until digestEnabled is set', () => {
      const watch = rules().find((r) => r.ScheduleExpression === 'rate(5 minutes)');
      const digest = rules().find((r) => r.ScheduleExpression === 'cron(0 7 * * ? *)');
      expect(watch).toMatchObject({ State: 'ENABLED' });
      expect(digest).toMatchObject({
        State: 'DISABLED',
        Targets: [expect.objectContaining({ Input: '{"task":"digest"}' })],
      });
    });

    it('keeps state in a table keyed by id, with TTL on expiresAt, reachable with three item actions only', () => {
      expect(resource('WatcherStateTable').Properties).toMatchObject({
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
      const dynamo = statements('WatcherRole').filter(
        (st) =>
          asList(st.Action).some((a) => a.startsWith('dynamodb:')) &&
          JSON.stringify(st.Resource) === JSON.stringify(getAtt('WatcherStateTable')),
      );
      expect(dynamo).toEqual([
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          Resource: getAtt('WatcherStateTable'),
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['history#*'] } },
        }),
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
          Resource: getAtt('WatcherStateTable'),
        }),
      ]);
    });

    it('alarms to the alarm topic when runs keep failing', () => {
      const alarm = resource('WatcherErrorsAlarm').Properties;
      expect(alarm).toMatchObject({ MetricName: 'Errors', AlarmActions: [{ Ref: 'AlarmTopic' }] });
      expect(JSON.stringify(alarm.Dimensions)).toContain('WatcherLambdaFunction');
    });
  });

  describe('observability', () => {
    const dashboard = () => dashboardFromTemplate(template);
    const env = (fn: string) =>
      (resource(fn).Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};

    it('names the service and the metrics namespace for Powertools-shaped logs and EMF metrics', () => {
      const shared = (
        resource('NotifierLambdaFunction').Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(shared).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'job-session-notifier',
        POWERTOOLS_METRICS_NAMESPACE: 'JobSessionNotifier/ci',
        METRICS_POLICY_DIMENSION: 'false',
      });
      expect(env('WatcherLambdaFunction')).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: 'JobSessionNotifier/ci' });
    });

    it('deploys a dashboard (on by default) with outcomes, delivery failures, latency, watcher lag, DLQ depths and errors', () => {
      expect(resource('OperationsDashboard')).toMatchObject({
        Type: 'AWS::CloudWatch::Dashboard',
        Condition: 'HasDashboard',
      });
      expect(template.Conditions?.HasDashboard).toEqual({ 'Fn::Equals': ['true', 'true'] });
      const titles = dashboard().widgets.map((w) => w.properties.title);
      for (const part of ['outcome', 'Delivery failures', 'latency', 'Watcher lag', 'Dead-letter', 'Errors']) {
        expect(titles.some((t) => t.includes(part))).toBe(true);
      }
    });

    it('leaves the dashboard out with --param=dashboard=false', () => {
      const dir = mkdtempSync(join(tmpdir(), 'no-dashboard-'));
      try {
        const env = {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'fake',
          AWS_SECRET_ACCESS_KEY: 'fake',
          AWS_REGION: 'eu-west-1',
        };
        const args = ['package', '--stage', 'ci', '--param=dashboard=false', '--package', dir];
        execFileSync('npx', ['osls', ...args], {
          cwd: root,
          stdio: 'pipe',
          timeout: 120_000,
          env: { ...env, SLS_TELEMETRY_DISABLED: '1' },
        });
        const off = JSON.parse(
          readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
        ) as Template;
        expect(off.Conditions?.HasDashboard).toEqual({ 'Fn::Equals': ['false', 'true'] });
        expect(off.Resources.OperationsDashboard?.Condition).toBe('HasDashboard');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 150_000);

    it('charts only metrics the functions write, in their namespace, and the stack’s own queues and functions', () => {
      const text = JSON.stringify(dashboard());
      const referenced = [...text.matchAll(/MetricName=\\"(\w+)\\"|"JobSessionNotifier\/ci","(\w+)"/g)].map(
        (m) => m[1] ?? m[2],
      );
      expect(referenced.length).toBeGreaterThanOrEqual(6);
      for (const name of referenced) expect([...Object.keys(METRICS), 'DroppedRecords']).toContain(name);
      for (const name of ['jobs-dlq', 'async-failures', 'ci-notifier', 'ci-watcher']) expect(text).toContain(name);
      const p = dashboard().widgets.flatMap((w) => w.properties.metrics.flatMap(seriesOf));
      expect(p).toEqual(expect.arrayContaining(['p50', 'p99', 'slack', 'failed']));
    });
  });

  describe('deploying', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
      engines: Record<string, string>;
    };

    it('builds before it deploys, so a stale dist/ is never deployed', () => {
      expect(pkg.scripts.deploy).toMatch(/^npm run build && .*osls deploy/);
    });

    it('pins frameworkVersion to the exact osls version the project installs', () => {
      const yml = readFileSync(new URL('serverless.yml', root), 'utf8');
      const pinned = /^frameworkVersion: "([^"]+)"$/m.exec(yml)?.[1];
      const installed = (
        JSON.parse(readFileSync(new URL('node_modules/osls/package.json', root), 'utf8')) as { version: string }
      ).version;
      expect(pinned).toBe(installed);
      expect(pkg.devDependencies.osls).toBe(installed);
    });

    it('declares the Lambda runtime’s Node (22) for developers, as .nvmrc and engines', () => {
      expect(readFileSync(new URL('.nvmrc', root), 'utf8').trim()).toBe('22');
      expect(pkg.engines.node).toMatch(/22/);
      expect(resource('NotifierLambdaFunction').Properties.Runtime).toBe('nodejs22.x');
    });
  });

  describe('fleet', () => {
    type Policy = { PolicyDocument: { Statement: Statement[] } };
    const workerStatements = () =>
      (resource('WatchWorkerRole').Properties.Policies as Policy[]).flatMap((p) => p.PolicyDocument.Statement);

    it('fans the scheduled run out onto the watch queue only when appliancesSecretArn is set', () => {
      const env = (resource('WatcherLambdaFunction').Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(env.WATCH_QUEUE_URL).toEqual({ 'Fn::If': ['HasAppliancesSecret', { Ref: 'WatchQueue' }, ''] });
      expect(statements('WatcherRole')).toContainEqual(
        expect.objectContaining({ Action: 'sqs:SendMessage', Resource: getAtt('WatchQueue') }),
      );
      expect(JSON.stringify(statements('NotifierRole'))).not.toContain('WatchQueue');
    });

    it('runs a worker on the watch queue, one appliance per invocation, with bounded concurrency and batch item failures', () => {
      expect(resource('WatchWorkerLambdaFunction').Properties).toMatchObject({
        Handler: 'dist/watcher.handler',
        Timeout: 120,
        Role: getAtt('WatchWorkerRole'),
      });
      const [, mapping] =
        ofType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
          JSON.stringify(m.Properties.EventSourceArn).includes('"WatchQueue"'),
        ) ?? [];
      expect(mapping?.Properties).toMatchObject({
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 10 },
      });
    });

    it('redrives failed watch tasks to a dead-letter queue and alarms on it and on a backlog', () => {
      const queue = resource('WatchQueue').Properties;
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: getAtt('WatchQueueDeadLetterQueue'),
        maxReceiveCount: 2,
      });
      // At least six times the worker's timeout, as AWS recommends for an SQS event source.
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 120);
      expect(JSON.stringify(resource('WatchQueueDeadLetterAlarm').Properties.Dimensions)).toContain(
        'WatchQueueDeadLetterQueue',
      );
      expect(resource('WatchQueueBacklogAlarm').Properties).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      });
      expect(JSON.stringify(resource('WatchWorkerErrorsAlarm').Properties.Dimensions)).toContain(
        'WatchWorkerLambdaFunction',
      );
    });

    it("gives the worker its own role: receive from the watch queue only, no send, no '*'", () => {
      const all = workerStatements();
      for (const statement of all) {
        for (const action of asList(statement.Action)) expect(action).not.toMatch(/\*|sqs:SendMessage/);
        for (const target of asList(statement.Resource)) expect(target).not.toBe('*');
      }
      const sqs = all.filter((s) => asList(s.Action).some((a) => a.startsWith('sqs:')));
      expect(sqs).toEqual([expect.objectContaining({ Resource: getAtt('WatchQueue') })]);
      const tables = all.filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:'))).map((s) => s.Resource);
      // The history# items of the watcher table (policy memory), the watcher state, the delivery records.
      expect(tables).toEqual([getAtt('WatcherStateTable'), getAtt('WatcherStateTable'), getAtt('IdempotencyTable')]);
      expect(JSON.stringify(all)).not.toContain('JobQueue');
    });
  });
});

describe('the built bundle', () => {
  it('reports errors under their own names, not the minifier’s (Lambda shows error.name as the error type)', async () => {
    const { handler } = (await import(new URL('dist/handler.mjs', root).href)) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const error = await handler({ unexpected: true }, { getRemainingTimeInMillis: () => 5_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TriggerError');
  });
});
