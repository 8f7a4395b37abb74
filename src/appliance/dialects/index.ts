import { AWS_DEFAULT_VERSION, awsDialect } from './aws.ts';
import { azureDialect } from './azure.ts';
import { GCP_DEFAULT_VERSION, gcpDialect } from './gcp.ts';
import type { Dialect, Product } from './types.ts';
import { VBR_DEFAULT_VERSION, vbrDialect } from './vbr.ts';

export { type Dialect, type Product, ProductSchema } from './types.ts';

/** BACKUP_API_VERSION when unset: Azure's path version, the others' oldest `x-api-version` serving every endpoint used. */
export const DEFAULT_API_VERSION: Readonly<Record<Product, string>> = {
  azure: 'v1',
  vbr: VBR_DEFAULT_VERSION,
  aws: AWS_DEFAULT_VERSION,
  gcp: GCP_DEFAULT_VERSION,
};

/** What BACKUP_API_VERSION must look like per product, and how the error says it. */
export const API_VERSION_FORMAT: Readonly<Record<Product, { readonly pattern: RegExp; readonly example: string }>> = {
  azure: { pattern: /^v\d+(\.\d+)?$/, example: 'v1 or v8.1' },
  vbr: { pattern: /^\d+\.\d+-rev\d+$/, example: '1.2-rev1 or 1.3-rev2' },
  aws: { pattern: /^\d+\.\d+-rev\d+$/, example: '1.0-rev0 or 1.7-rev0' },
  gcp: { pattern: /^\d+\.\d+-rev\d+$/, example: '1.2-rev0 or 1.4-rev0' },
};

/** The dialect of `product` at API version `version` (already validated against API_VERSION_FORMAT). */
export function dialectFor(product: Product, version: string): Dialect {
  switch (product) {
    case 'vbr':
      return vbrDialect(version);
    case 'aws':
      return awsDialect(version);
    case 'gcp':
      return gcpDialect(version);
    default:
      return azureDialect(version);
  }
}
