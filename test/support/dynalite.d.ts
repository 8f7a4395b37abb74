declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    readonly maxItemSizeKb?: number;
  }

  /** A DynamoDB-compatible server (in-memory LevelDB); call listen() on it. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
