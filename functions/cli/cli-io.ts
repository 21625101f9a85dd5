/** Where the CLI writes; `process.stdout` fits, and so does a string collector in tests. */
type Writer = { write(chunk: string): unknown };

/**
 * Everything `main()` touches outside its arguments, so tests run it in-process.
 * `isTTY` is about stderr: progress lines are drawn only for a person watching a terminal.
 */
type CliIo = {
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly stdin: AsyncIterable<Uint8Array | string>;
  readonly isTTY: boolean;
  readonly cwd: string;
};

export type { CliIo, Writer };
