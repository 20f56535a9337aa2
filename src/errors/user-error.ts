/**
 * A problem in what the user gave us (a file, a flag, an expression, the data). Surfaces print its
 * message without a stack and exit non-zero; any other thrown error is a bug and keeps its stack.
 *
 * Messages are one line: what is wrong, where, and how to fix it.
 * @example throw userError('unknown_column', 'unknown column: "agee" (did you mean "age"?)', { column: 'agee' })
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    /** A stable machine-readable code, e.g. `unknown_column`, `syntax_error`. */
    readonly code: string,
    message: string,
    /** Structured details (column, line, position, suggestions…) for programmatic use. */
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Creates a {@link UserError}. The one helper every module uses for mistakes in user input. */
export function userError(code: string, message: string, details: Record<string, unknown> = {}, cause?: unknown): UserError {
  return new UserError(code, message, details, cause === undefined ? undefined : { cause });
}

/** True when `e` is a {@link UserError} (works across bundles, unlike `instanceof`). */
export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && (e as { name?: string }).name === 'UserError' && typeof (e as UserError).code === 'string';
}
