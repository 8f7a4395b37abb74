/** The body is not JSON (malformed or cut short); a SyntaxError so callers can tell it from a wrong shape. */
export class LogSyntaxError extends SyntaxError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LogSyntaxError';
  }
}

/** The body is JSON but not a session log (a ZodError from the schema is the `cause` when there is one). */
export class LogShapeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LogShapeError';
  }
}
