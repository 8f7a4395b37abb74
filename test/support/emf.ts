import * as z from 'zod';

// CloudWatch's Embedded Metric Format (the "Specification: Embedded metric format" page): the metadata object, the
// metric directives and their limits, and the rule that every name a directive mentions is a member of the root.
export const EMF_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;
const name = z.string().min(1).max(1024);
const MetricDirective = z.strictObject({
  Namespace: name.refine((ns) => !ns.startsWith('AWS/'), 'AWS/ namespaces are reserved'),
  Dimensions: z.array(z.array(name).min(1).max(30)),
  Metrics: z
    .array(
      z.strictObject({
        Name: name,
        Unit: z.enum(EMF_UNITS).optional(),
        StorageResolution: z.union([z.literal(1), z.literal(60)]).optional(),
      }),
    )
    .min(1)
    .max(100),
});
const EmfDocument = z
  .looseObject({
    _aws: z.strictObject({
      Timestamp: z.number().int().nonnegative(),
      CloudWatchMetrics: z.array(MetricDirective).min(1),
    }),
  })
  .superRefine((doc, ctx) => {
    for (const directive of doc._aws.CloudWatchMetrics) {
      for (const dimension of directive.Dimensions.flat()) {
        const value = doc[dimension];
        if (typeof value !== 'string' || value.length === 0 || value.length > 1024) {
          ctx.addIssue({ code: 'custom', message: `dimension ${dimension} is not a 1-1024 character string member` });
        }
      }
      for (const { Name } of directive.Metrics) {
        const value = doc[Name];
        const numbers = Array.isArray(value) ? value : [value];
        if (numbers.length > 100 || !numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) {
          ctx.addIssue({ code: 'custom', message: `metric ${Name} is not a number (or up to 100 numbers) member` });
        }
      }
    }
  });

export type EmfLine = Record<string, unknown> & z.infer<typeof EmfDocument>;

/** One EMF log line, parsed and checked against the format (throws naming what is wrong). */
export function parseEmf(line: string): EmfLine {
  return EmfDocument.parse(JSON.parse(line)) as EmfLine;
}

/** Every EMF line among captured output chunks (log lines and anything else are skipped). */
export function emfLines(output: readonly string[]): EmfLine[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{"_aws":'))
    .map(parseEmf);
}
