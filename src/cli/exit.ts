/**
 * Exit codes of the `kabuto` command. Scripts branch on them, so they are stable and listed in the
 * README ("CLI", "Exit codes").
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The command ran and failed: database unreachable, invalid plan file, copy mismatch, unknown user… */
  failure: 1,
  /** The command line or the environment is wrong: unknown command or option, bad value, bad env var. */
  usage: 2,
  /** Refused, to protect existing data: the user exists, the backup file exists, the copy target has data. */
  refused: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line (no stack) with a chosen exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** Further lines printed after the message (a hint, the command to run instead). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string, details: string[] = []) => new CliError(EXIT.usage, message, details);
export const failure = (message: string, details: string[] = []) => new CliError(EXIT.failure, message, details);
export const refused = (message: string, details: string[] = []) => new CliError(EXIT.refused, message, details);
