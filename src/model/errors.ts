/** A position in a source file (1-based line and column). */
export interface SourcePosition {
  file?: string;
  line: number;
  column: number;
}

/** Input that cannot be understood, with where it is. CLI maps it to exit 2. */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    message: string,
    readonly position: SourcePosition,
  ) {
    super(message);
  }

  /** `file:line:column: message`, as every tool prints it. */
  format(): string {
    const where = `${this.position.file ?? '<input>'}:${this.position.line}:${this.position.column}`;
    return `${where}: ${this.message}`;
  }
}

/** Bad configuration or usage (a flag, a field, a value). CLI maps it to exit 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A ParseError as plain data, as it crosses a thread or a bundle's own copy of these classes. */
export interface ParseErrorData {
  message: string;
  position: SourcePosition;
}

/** Several located problems at once (lint reports all of them, not just the first). */
export class ValidationErrors extends Error {
  override readonly name = 'ValidationErrors';
  constructor(readonly errors: ParseError[]) {
    super(errors.map((e) => e.format()).join('\n'));
  }

  /**
   * The same problems again, from the data `toData` gave (in a worker thread, or a bundle's copy of this class).
   * @example throw ValidationErrors.fromData(reply.errors);
   */
  static fromData(errors: readonly ParseErrorData[]): ValidationErrors {
    return new ValidationErrors(errors.map((e) => new ParseError(e.message, e.position)));
  }

  /** The problems as plain data, for `fromData` on the other side. */
  toData(): ParseErrorData[] {
    return this.errors.map((e) => ({ message: e.message, position: e.position }));
  }
}
